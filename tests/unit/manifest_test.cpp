// Tests of oci/manifest.cpp: parsing image manifests and indexes, writing Helm's manifest.
#include "oci/manifest.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace ch {
namespace {

TEST(Manifest, HelmBytesAndRoundTrip) {
  oci::Descriptor config{"application/vnd.cncf.helm.config.v1+json",
                         "sha256:" + std::string(64, 'a'), 141};
  oci::Descriptor layer{"application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                        "sha256:" + std::string(64, 'b'), 3000};
  std::string bytes = oci::helm_manifest_json(config, {layer}, {{"z", "1"}, {"a", "<&>"}});
  EXPECT_EQ(
      bytes,
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+"
      "json\",\"digest\":\"sha256:" +
          std::string(64, 'a') +
          "\",\"size\":141},\"layers\":[{\"mediaType\":\"application/vnd.cncf.helm.chart."
          "content.v1.tar+gzip\",\"digest\":\"sha256:" +
          std::string(64, 'b') +
          "\",\"size\":3000}],\"annotations\":{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":\"1\"}}");
  oci::Manifest m = oci::parse_manifest(bytes);
  EXPECT_EQ(m.config.digest, config.digest);
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].size, 3000);
  EXPECT_EQ(m.annotations.at("a"), "<&>");
  // No annotations: the field is left out, as Helm 3.8–3.11 wrote it.
  EXPECT_EQ(oci::helm_manifest_json(config, {}, {}).find("annotations"), std::string::npos);
}

TEST(Manifest, RejectsMalformedDocuments) {
  for (const char* bad :
       {"", "[]", "{\"schemaVersion\":1}", "{\"schemaVersion\":2}",
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"md5:1\","
        "\"size\":1}}",
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
        "\"size\":-1}}"}) {
    try {
      oci::parse_manifest(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(std::string(e.what()).rfind("invalid manifest: ", 0), 0u) << e.what();
    }
  }
}

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');

// The message of the Error parse_manifest throws for `json`, or "" when it parses.
std::string manifest_error(const std::string& json) {
  try {
    oci::parse_manifest(json);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

TEST(Manifest, ReadsEveryFieldOfAnOciManifest) {
  oci::Manifest m = oci::parse_manifest(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("artifactType":"application/vnd.example","config":{"mediaType":"c","digest":")" +
      kA + R"(","size":2,"annotations":{"k":"v"}},"layers":[{"mediaType":"l0","digest":")" + kB +
      R"(","size":0,"artifactType":"t"},{"mediaType":"l1","digest":")" + kA +
      R"(","size":9007199254740993}],"annotations":{"b":"2","a":"1"},"unknown":[1,{"x":null}]})");
  EXPECT_EQ(m.media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(m.artifact_type, "application/vnd.example");
  EXPECT_EQ(m.config.media_type, "c");
  EXPECT_EQ(m.config.digest, kA);
  EXPECT_EQ(m.config.size, 2);
  EXPECT_EQ(m.config.annotations, (std::map<std::string, std::string>{{"k", "v"}}));
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.layers[0].media_type, "l0");
  EXPECT_EQ(m.layers[0].size, 0);
  EXPECT_EQ(m.layers[0].artifact_type, "t");
  EXPECT_EQ(m.layers[1].size, 9007199254740993);  // 2^53 + 1: read as an integer
  EXPECT_EQ(m.annotations, (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  // Docker schema 2 (no artifactType, its own media types) and null layers read the same way.
  m = oci::parse_manifest(R"({"schemaVersion":2,"config":{"mediaType":"c","digest":")" + kA +
                          R"(","size":1},"layers":null,"annotations":null})");
  EXPECT_TRUE(m.layers.empty());
  EXPECT_TRUE(m.annotations.empty());
  EXPECT_EQ(m.media_type, "");
}

TEST(Manifest, ErrorsNameTheBadField) {
  const std::string config = R"("config":{"mediaType":"c","digest":")" + kA + R"(","size":1})";
  EXPECT_EQ(manifest_error("{\"schemaVersion\":2}"), "invalid manifest: no config descriptor");
  EXPECT_EQ(manifest_error("{\"schemaVersion\":\"2\"," + config + "}"),
            "invalid manifest: schemaVersion must be 2");
  EXPECT_EQ(manifest_error("{\"schemaVersion\":2," + config + ",\"layers\":{}}"),
            "invalid manifest: layers is not an array");
  EXPECT_EQ(manifest_error("{\"schemaVersion\":2," + config + ",\"layers\":[1]}"),
            "invalid manifest: layers[0] is not an object");
  EXPECT_EQ(manifest_error(R"({"schemaVersion":2,"config":{"digest":")" + kA + R"(","size":1}})"),
            "invalid manifest: config has no mediaType");
  EXPECT_EQ(manifest_error(R"({"schemaVersion":2,"config":{"mediaType":7,"digest":")" + kA +
                           R"(","size":1}})"),
            "invalid manifest: config.mediaType is not a string");
  EXPECT_EQ(manifest_error(R"({"schemaVersion":2,"config":{"mediaType":"c","digest":")" + kA +
                           R"(","size":1.5}})"),
            "invalid manifest: config has no valid size");
  EXPECT_EQ(
      manifest_error(R"({"schemaVersion":2,"config":{"mediaType":"c","digest":")" + kA + R"("}})"),
      "invalid manifest: config has no valid size");
  EXPECT_EQ(manifest_error(R"({"schemaVersion":2,"config":{"mediaType":"c","digest":"sha256:AB",)"
                           R"("size":1}})"),
            "invalid manifest: config has an invalid digest \"sha256:AB\"");
  EXPECT_EQ(manifest_error("{\"schemaVersion\":2," + config + ",\"annotations\":{\"a\":1}}"),
            "invalid manifest: manifest.annotations.a is not a string");
  EXPECT_EQ(manifest_error("{\"schemaVersion\":2," + config + ",\"annotations\":[]}"),
            "invalid manifest: manifest.annotations is not an object");
  // Nesting past the JSON depth limit is refused before nlohmann's recursive parser runs.
  EXPECT_EQ(manifest_error("{\"schemaVersion\":2," + config + ",\"x\":" + std::string(100, '[') +
                           std::string(100, ']') + "}"),
            "invalid manifest: not a JSON object");
}

TEST(Manifest, IndexListsItsManifests) {
  auto list = oci::parse_index(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"m","digest":")" +
      kA + R"(","size":10,"platform":{"os":"linux"}},{"mediaType":"m2","digest":")" + kB +
      R"(","size":20,"artifactType":"a","annotations":{"k":"v"}}]})");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].digest, kA);
  EXPECT_EQ(list[0].size, 10);
  EXPECT_EQ(list[1].artifact_type, "a");
  EXPECT_EQ(list[1].annotations.at("k"), "v");
  EXPECT_TRUE(oci::parse_index(R"({"schemaVersion":2})").empty());
  EXPECT_TRUE(oci::parse_index(R"({"schemaVersion":2,"manifests":null})").empty());
  EXPECT_THROW(oci::parse_index(R"({"schemaVersion":2,"manifests":{}})"), Error);
  EXPECT_THROW(oci::parse_index(R"({"schemaVersion":2,"manifests":[{"mediaType":"m"}]})"), Error);
  EXPECT_THROW(oci::parse_index(R"({"schemaVersion":1,"manifests":[]})"), Error);
  EXPECT_THROW(oci::parse_index("[]"), Error);
}

TEST(Manifest, HelmManifestKeepsLayerOrderAndEscapesAsGo) {
  oci::Descriptor config{"c", kA, 1};
  config.annotations = {{"ignored", "x"}};  // descriptors are written without annotations
  std::string bytes =
      oci::helm_manifest_json(config, {{"l2", kB, 2}, {"l1", kA, 1}}, {{"k", "\xe2\x80\xa8"}});
  EXPECT_EQ(bytes, R"({"schemaVersion":2,"config":{"mediaType":"c","digest":")" + kA +
                       R"(","size":1},"layers":[{"mediaType":"l2","digest":")" + kB +
                       R"(","size":2},{"mediaType":"l1","digest":")" + kA +
                       R"(","size":1}],"annotations":{"k":"\u2028"}})");
  // No layers: an empty array, as Go marshals an empty (non-nil) slice.
  EXPECT_NE(oci::helm_manifest_json(config, {}, {}).find("\"layers\":[]"), std::string::npos);
}

TEST(PushedManifest, AnImageManifestWithSubjectAndArtifactType) {
  const std::string d1 = "sha256:" + std::string(64, 'a'), d2 = "sha256:" + std::string(64, 'b');
  std::string json =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
      d1 + R"(","size":2},"layers":[{"mediaType":"x/y","digest":")" + d2 +
      R"(","size":5},{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",)"
      R"("digest":")" +
      d2 +
      R"(","size":9,"urls":["https://x"]}],)"
      R"("subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      d1 + R"(","size":7},"artifactType":"a/b","annotations":{"k":"v"}})";
  oci::Pushed p = oci::parse_pushed(json, "");
  EXPECT_EQ(p.media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_FALSE(p.index);
  ASSERT_TRUE(p.config);
  EXPECT_EQ(p.config->digest, d1);
  ASSERT_EQ(p.layers.size(), 1u) << "the foreign layer lives elsewhere";
  EXPECT_EQ(p.layers[0].size, 5);
  ASSERT_TRUE(p.subject);
  EXPECT_EQ(p.subject->size, 7);
  EXPECT_EQ(p.artifact_type, "a/b");
  EXPECT_EQ(p.annotations.at("k"), "v");
  // Without artifactType an image manifest's artifact type is its config's media type.
  std::string plain = R"({"schemaVersion":2,"config":{"mediaType":"c/t","digest":")" + d1 +
                      R"(","size":2},"layers":[]})";
  EXPECT_EQ(oci::parse_pushed(plain, "application/vnd.oci.image.manifest.v1+json").artifact_type,
            "c/t");
}

TEST(PushedManifest, AnIndexAndWhatARegistryRefuses) {
  const std::string d = "sha256:" + std::string(64, 'c');
  std::string index = R"({"schemaVersion":2,"manifests":[{"mediaType":"m/t","digest":")" + d +
                      R"(","size":3,"platform":{"os":"linux"}}]})";
  oci::Pushed p = oci::parse_pushed(index, "application/vnd.oci.image.index.v1+json");
  EXPECT_TRUE(p.index);
  ASSERT_EQ(p.manifests.size(), 1u);
  EXPECT_EQ(p.manifests[0].digest, d);
  auto refused = [](const std::string& json, const std::string& type) {
    try {
      oci::parse_pushed(json, type);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string oci_manifest = "application/vnd.oci.image.manifest.v1+json";
  EXPECT_EQ(refused("nope", oci_manifest), "invalid manifest: not JSON");
  EXPECT_EQ(refused("[]", oci_manifest), "invalid manifest: not a JSON object");
  EXPECT_EQ(refused(R"({"schemaVersion":1})", oci_manifest),
            "invalid manifest: schemaVersion must be 2");
  EXPECT_EQ(refused(R"({"schemaVersion":2})", ""),
            "invalid manifest: no media type (Content-Type or mediaType)");
  EXPECT_EQ(refused(R"({"schemaVersion":2,"mediaType":"a/b"})", oci_manifest),
            "invalid manifest: mediaType a/b does not match Content-Type " + oci_manifest);
  EXPECT_EQ(refused(R"({"schemaVersion":2})", "text/plain"),
            "invalid manifest: unsupported manifest media type text/plain");
  EXPECT_EQ(refused(R"({"schemaVersion":2})", oci_manifest), "invalid manifest: config missing");
  EXPECT_EQ(refused(R"({"schemaVersion":2})", "application/vnd.oci.image.index.v1+json"),
            "invalid manifest: manifests missing");
  EXPECT_EQ(refused(R"({"schemaVersion":2,"manifests":[],"artifactType":1})",
                    "application/vnd.oci.image.index.v1+json"),
            "invalid manifest: artifactType is not a string");
  EXPECT_EQ(refused(R"({"schemaVersion":2,"manifests":[],"annotations":{"a":1}})",
                    "application/vnd.oci.image.index.v1+json"),
            "invalid manifest: manifest.annotations.a is not a string");
  EXPECT_NE(
      refused(R"({"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"sha256:x","size":1}]})",
              "application/vnd.oci.image.index.v1+json")
          .find("invalid digest"),
      std::string::npos);
  std::string deep(200, '[');
  EXPECT_EQ(refused(deep, oci_manifest), "invalid manifest: not JSON");
}

}  // namespace
}  // namespace ch
