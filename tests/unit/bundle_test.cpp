// Tests of cosign/bundle.cpp: Sigstore bundles (DSSE in-toto statements) and their manifest.
#include "cosign/bundle.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "cosign/key.hpp"
#include "cosign_test_fixtures.hpp"

namespace ch::cosign {
namespace {

using namespace test_support;
using json = nlohmann::ordered_json;

// --- Sigstore bundles -------------------------------------------------------------------

std::string bundle_error(const PublicKey& key, std::string_view bundle) {
  try {
    verify_bundle(key, bundle);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

// A bundle around `statement`, signed by `key` (for statements make_bundle does not write).
std::string bundle_of(const PrivateKey& key, const std::string& statement) {
  std::string type = "application/vnd.in-toto+json";
  std::string pae = "DSSEv1 " + std::to_string(type.size()) + " " + type + " " +
                    std::to_string(statement.size()) + " " + statement;
  json b = {{"mediaType", kBundleMediaType},
            {"verificationMaterial", {{"publicKey", {{"hint", key.public_key().hint()}}}}},
            {"dsseEnvelope",
             {{"payload", base64_encode(statement)},
              {"payloadType", type},
              {"signatures", json::array({{{"sig", base64_encode(key.sign(pae))}}})}}}};
  return b.dump();
}

TEST(SigstoreBundle, MakeAndVerifyRoundTrip) {
  const PrivateKey& key = fixture_key();
  PublicKey pub = load_public_key(fixture("pub.pem"));
  std::string bundle = make_bundle(key, kChartDigest);
  EXPECT_EQ(verify_bundle(pub, bundle), kChartDigest);

  json b = json::parse(bundle);
  EXPECT_EQ(b["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json");
  EXPECT_EQ(b["verificationMaterial"].dump(), R"({"publicKey":{"hint":")" + pub.hint() + R"("}})");
  EXPECT_EQ(b["dsseEnvelope"]["payloadType"], "application/vnd.in-toto+json");
  ASSERT_EQ(b["dsseEnvelope"]["signatures"].size(), 1u);
  EXPECT_FALSE(b["dsseEnvelope"]["signatures"][0].contains("keyid"));
  EXPECT_EQ(*base64_decode(b["dsseEnvelope"]["payload"].get<std::string>()),
            R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":")" +
                std::string(kChartDigest.substr(7)) +
                R"("},"annotations":{}}],"predicateType":"https://sigstore.dev/cosign/sign/v1",)"
                R"("predicate":{}})");
  std::vector<std::string> keys;
  for (auto it = b.begin(); it != b.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"mediaType", "verificationMaterial", "dsseEnvelope"}));
  EXPECT_THROW(make_bundle(key, "sha256:abc"), Error);
}

TEST(SigstoreBundle, BundlesByOtherKeysOrTamperedAreRejected) {
  PublicKey pub = load_public_key(fixture("pub.pem"));
  PrivateKey other = load_private_key(kOtherP256, "");
  std::string error = bundle_error(pub, make_bundle(other, kChartDigest));
  EXPECT_NE(error.find("does not verify with the given public key"), std::string::npos) << error;
  EXPECT_EQ(verify_bundle(other.public_key(), make_bundle(other, kChartDigest)), kChartDigest);

  // The payload swapped for a statement naming another digest.
  json b = json::parse(make_bundle(fixture_key(), kChartDigest));
  std::string payload = *base64_decode(b["dsseEnvelope"]["payload"].get<std::string>());
  std::string hex(kChartDigest.substr(7));
  payload.replace(payload.find(hex), 1, hex[0] == 'e' ? "f" : "e");
  b["dsseEnvelope"]["payload"] = base64_encode(payload);
  error = bundle_error(pub, b.dump());
  EXPECT_NE(error.find("does not verify"), std::string::npos) << error;

  // The signature changed, the payload type changed.
  b = json::parse(make_bundle(fixture_key(), kChartDigest));
  json c = b;
  std::string sig = *base64_decode(c["dsseEnvelope"]["signatures"][0]["sig"].get<std::string>());
  sig[sig.size() - 1] ^= 1;
  c["dsseEnvelope"]["signatures"][0]["sig"] = base64_encode(sig);
  EXPECT_NE(bundle_error(pub, c.dump()).find("does not verify"), std::string::npos);
  c = b;
  c["dsseEnvelope"]["payloadType"] = "application/json";
  EXPECT_NE(bundle_error(pub, c.dump()).find("payload type"), std::string::npos);
}

TEST(SigstoreBundle, MalformedBundlesAreRejected) {
  PublicKey pub = load_public_key(fixture("pub.pem"));
  json b = json::parse(make_bundle(fixture_key(), kChartDigest));
  auto edited = [&](const std::function<void(json&)>& edit) {
    json c = b;
    edit(c);
    return bundle_error(pub, c.dump());
  };
  EXPECT_NE(edited([](json& c) { c["dsseEnvelope"]["payload"] = "%%%"; }).find("not valid base64"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["dsseEnvelope"]["signatures"][0]["sig"] = "a!b";
            }).find("not valid base64"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["dsseEnvelope"]["signatures"] = json::array();
            }).find("exactly one signature"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["dsseEnvelope"]["signatures"].push_back(c["dsseEnvelope"]["signatures"][0]);
            }).find("exactly one signature"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.1+json";
            }).find("media type"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) { c.erase("dsseEnvelope"); }).find("dsseEnvelope"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c.erase("dsseEnvelope");
              c["messageSignature"] = {{"signature", "AAAA"}};
            }).find("message signature"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["verificationMaterial"] = {{"certificate", {{"rawBytes", "AAAA"}}}};
            }).find("certificate"),
            std::string::npos);
  // Transparency-log entries are carried along, not checked: the key is the trust.
  EXPECT_EQ(edited([](json& c) { c["verificationMaterial"]["tlogEntries"] = json::array(); }), "");
  EXPECT_NE(bundle_error(pub, "{").find("invalid JSON"), std::string::npos);
  EXPECT_NE(bundle_error(pub, "[]").find("not a JSON object"), std::string::npos);
  std::string big = b.dump();
  big.insert(big.size() - 1, ",\"pad\":\"" + std::string(1 << 20, 'x') + "\"");
  EXPECT_NE(bundle_error(pub, big).find("larger than 1048576"), std::string::npos);
  EXPECT_NE(bundle_error(pub, std::string(200, '[') + std::string(200, ']')).find("nested"),
            std::string::npos);
}

TEST(SigstoreBundle, SignedStatementsThatAreNotSignaturesAreRejected) {
  const PrivateKey& key = fixture_key();
  PublicKey pub = key.public_key();
  std::string hex(kChartDigest.substr(7));
  std::string subject = R"({"digest":{"sha256":")" + hex + R"("}})";
  auto statement = [](std::string type, std::string subjects, std::string predicate_type) {
    return R"({"_type":")" + type + R"(","subject":)" + subjects + R"(,"predicateType":")" +
           predicate_type + R"(","predicate":{}})";
  };
  std::string ok = statement("https://in-toto.io/Statement/v1", "[" + subject + "]",
                             "https://sigstore.dev/cosign/sign/v1");
  EXPECT_EQ(verify_bundle(pub, bundle_of(key, ok)), kChartDigest);  // name and annotations optional
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       "[" + subject + "]",
                                                       "https://slsa.dev/provenance/v1")))
                .find("predicate type"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v0.1",
                                                       "[" + subject + "]",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("statement type"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       "[" + subject + "," + subject + "]",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("exactly one subject"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       R"([{"digest":{"sha512":"aa"}}])",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("sha256"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       R"([{"digest":{"sha256":"ABC"}}])",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("not valid"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, "not json")).find("in-toto statement"),
            std::string::npos);
}

TEST(SigstoreBundle, ManifestIsCosignsReferrerLayout) {
  std::string bundle_digest = "sha256:" + std::string(64, 'b');
  std::string m = bundle_manifest(
      {"application/vnd.oci.image.manifest.v1+json", std::string(kChartDigest), 577}, bundle_digest,
      1234, "2026-12-07T07:22:44Z");
  EXPECT_EQ(m,
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
            R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,)"
            R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",)"
            R"("artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"},)"
            R"("layers":[{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",)"
            R"("size":1234,"digest":")" +
                bundle_digest +
                R"("}],"annotations":{"dev.sigstore.bundle.content":"dsse-envelope",)"
                R"("dev.sigstore.bundle.predicateType":"https://sigstore.dev/cosign/sign/v1",)"
                R"("org.opencontainers.image.created":"2026-12-07T07:22:44Z"},)"
                R"("subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                R"("size":577,"digest":")" +
                std::string(kChartDigest) +
                R"("},"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"})");
  EXPECT_EQ(digest_of("{}").str(),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  // Without a time, now, in seconds.
  json now = json::parse(bundle_manifest({"m", std::string(kChartDigest), 1}, bundle_digest, 1));
  std::string created = now["annotations"]["org.opencontainers.image.created"];
  EXPECT_EQ(created.size(), 20u) << created;
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_THROW(bundle_manifest({"", std::string(kChartDigest), 1}, bundle_digest, 1), Error);
  EXPECT_THROW(bundle_manifest({"m", "sha256:x", 1}, bundle_digest, 1), Error);
  EXPECT_THROW(bundle_manifest({"m", std::string(kChartDigest), 1}, "sha256:x", 1), Error);
}

}  // namespace
}  // namespace ch::cosign
