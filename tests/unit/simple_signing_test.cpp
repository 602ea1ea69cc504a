// Tests of cosign/simple_signing.cpp: cosign's simple-signing payloads and `.sig` manifests.
#include "cosign/simple_signing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "cosign_test_fixtures.hpp"

namespace ch::cosign {
namespace {

using namespace test_support;

TEST(SimpleSigning, PayloadIsByteForByteWhatSkopeoSigned) {
  std::string payload =
      simple_signing_payload("127.0.0.1:5091/signed/my-app:1.0.0", kChartDigest,
                             R"({"creator":"containers/image 5.34.2","timestamp":1796628165})");
  EXPECT_EQ(payload, fixture("signature-payload.json"));
  EXPECT_EQ(kChartDigest, digest_of(fixture("chart-manifest.json")).str());
}

TEST(SimpleSigning, PayloadOfCosignHasNullOptionalAndGoEscaping) {
  EXPECT_EQ(
      simple_signing_payload("r.example/a<b>&c", kChartDigest),
      "{\"critical\":{\"identity\":{\"docker-reference\":\"r.example/a\\u003cb\\u003e\\u0026c\"}"
      ",\"image\":{\"docker-manifest-digest\":\"" +
          std::string(kChartDigest) +
          "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
  EXPECT_THROW(simple_signing_payload("r", "sha256:abc"), Error);
  EXPECT_THROW(simple_signing_payload("r", kChartDigest, "[1]"), Error);
  EXPECT_THROW(simple_signing_payload("r", kChartDigest, "{"), Error);
}

TEST(SimpleSigning, ParseRoundTripAndFixture) {
  SimpleSigning s = parse_simple_signing(simple_signing_payload("reg/repo", kChartDigest));
  EXPECT_EQ(s.docker_reference, "reg/repo");
  EXPECT_EQ(s.manifest_digest, kChartDigest);
  s = parse_simple_signing(fixture("signature-payload.json"));
  EXPECT_EQ(s.docker_reference, "127.0.0.1:5091/signed/my-app:1.0.0");
  EXPECT_EQ(s.manifest_digest, kChartDigest);
}

TEST(SimpleSigning, ParseRefusesOtherPayloads) {
  auto error = [](std::string_view payload) {
    try {
      parse_simple_signing(payload);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(std::string(e.what()).rfind("invalid signature payload: ", 0), 0u) << e.what();
      return std::string(e.what());
    }
    return std::string();
  };
  std::string digest(kChartDigest);
  auto with = [&](std::string_view type, std::string_view d) {
    return R"({"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":")" +
           std::string(d) + R"("},"type":")" + std::string(type) + R"("},"optional":null})";
  };
  EXPECT_NE(
      error(with("https://in-toto.io/Statement/v1", digest)).find("is not \"cosign container"),
      std::string::npos);
  EXPECT_NE(error(with("cosign container image signature", "sha256:ABC")).find("not a sha256"),
            std::string::npos);
  EXPECT_NE(error(with("cosign container image signature", "sha512:" + std::string(128, 'a')))
                .find("not a sha256"),
            std::string::npos);
  EXPECT_NE(error("not json").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error("{}").find("critical"), std::string::npos);
  EXPECT_NE(error(std::string(70000, ' ')).find("larger than 65536"), std::string::npos);
  EXPECT_NE(error(std::string(100, '[') + std::string(100, ']')).find("nested deeper"),
            std::string::npos);
  EXPECT_NE(error(R"({"critical":{"type":"cosign container image signature"}})").find("image"),
            std::string::npos);
  // No identity reads as an empty reference, as in Go.
  SimpleSigning s =
      parse_simple_signing(R"({"critical":{"image":{"docker-manifest-digest":")" + digest +
                           R"("},"type":"cosign container image signature"}})");
  EXPECT_EQ(s.docker_reference, "");
}

TEST(SimpleSigning, SignatureManifestIsByteForByteWhatSkopeoPushed) {
  std::vector<SignatureLayer> layers = parse_signature_manifest(fixture("signature-manifest.json"));
  SignatureManifest m = signature_manifest(layers);
  EXPECT_EQ(m.config, fixture("signature-config.json"));
  EXPECT_EQ(m.manifest, fixture("signature-manifest.json"));
  EXPECT_THROW(signature_manifest({}), Error);
  EXPECT_THROW(signature_manifest({{"sha256:abc", 1, "x"}}), Error);
}

TEST(SimpleSigning, SignatureManifestParsing) {
  std::string digest(kChartDigest);
  std::string manifest = R"({"layers":[{"mediaType":"application/octet-stream","digest":")" +
                         digest + R"(","size":1},{"mediaType":")" +
                         std::string(kSimpleSigningMediaType) + R"(","digest":")" + digest +
                         R"(","size":2,"annotations":{")" + std::string(kSignatureAnnotation) +
                         R"(":"c2ln"}}]})";
  std::vector<SignatureLayer> layers = parse_signature_manifest(manifest);
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0].digest, digest);
  EXPECT_EQ(layers[0].size, 2u);
  EXPECT_EQ(layers[0].signature, "c2ln");
  std::string sig_layer = R"({"layers":[{"mediaType":")" + std::string(kSimpleSigningMediaType) +
                          R"(","digest":")" + digest + R"(","size":2}]})";
  EXPECT_THROW(parse_signature_manifest(sig_layer), Error);  // no signature annotation
  EXPECT_THROW(parse_signature_manifest("{}"), Error);
  EXPECT_THROW(parse_signature_manifest("nope"), Error);
  EXPECT_THROW(parse_signature_manifest(R"({"layers":[1]})"), Error);
  EXPECT_TRUE(parse_signature_manifest(R"({"layers":[]})").empty());
}

}  // namespace
}  // namespace ch::cosign
