// Tests of actions/registry_chart.cpp: tags as chart versions, and what a non-chart tag holds.
// The text of "skipping tag …" and of the error for an exact version naming an image.
#include "client/chart_resolver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/registry_client.hpp"

namespace ch {
namespace {

TEST(Resolve, TagsBecomeVersionsHighestFirst) {
  EXPECT_EQ(client::chart_versions({"1.0.0", "latest", "v2.0.0", "1.2", "2.0.0-rc.1",
                                    "1.10.0_build.5", "01.0.0", "1.9.0"}),
            (std::vector<std::string>{"2.0.0-rc.1", "1.10.0+build.5", "1.9.0", "1.0.0"}));
}

client::FetchedManifest manifest(const std::string& bytes, const std::string& type) {
  return {bytes, type, ""};
}

std::string image_manifest(const std::string& config_type, const std::string& extra = "") {
  return R"({"schemaVersion":2,)" + extra + R"("config":{"mediaType":")" + config_type +
         R"(","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";
}

TEST(NonChartDescription, SaysWhatATagHolds) {
  const std::string oci = "application/vnd.oci.image.manifest.v1+json";
  EXPECT_EQ(client::non_chart_description(
                manifest(image_manifest("application/vnd.cncf.helm.config.v1+json"), oci)),
            "");
  EXPECT_EQ(client::non_chart_description(
                manifest(image_manifest("application/vnd.oci.image.config.v1+json"), oci)),
            "a container image (application/vnd.oci.image.config.v1+json)");
  // The media type from the document when the registry's Content-Type says nothing useful.
  EXPECT_EQ(
      client::non_chart_description(manifest(
          image_manifest("application/vnd.docker.container.image.v1+json",
                         R"("mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"),
          "application/json")),
      "a container image (application/vnd.docker.container.image.v1+json)");
  EXPECT_EQ(client::non_chart_description(
                manifest(image_manifest("application/vnd.oci.empty.v1+json",
                                        R"("artifactType":"application/vnd.example.sbom",)"),
                         oci)),
            "an OCI artifact (application/vnd.example.sbom)");
  const std::string index_type = "application/vnd.oci.image.index.v1+json";
  std::string child =
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      std::string(64, 'b') + R"(","size":10)";
  EXPECT_EQ(client::non_chart_description(
                manifest(R"({"schemaVersion":2,"manifests":[)" + child +
                             R"(,"platform":{"architecture":"arm64","os":"linux"}}]})",
                         index_type)),
            "a multi-platform container image (application/vnd.oci.image.index.v1+json)");
  // An index without platforms (or only buildx's unknown/unknown attestations) may hold a
  // chart: only its children can tell.
  EXPECT_EQ(client::non_chart_description(
                manifest(R"({"schemaVersion":2,"manifests":[)" + child + "}]}", index_type)),
            "");
  EXPECT_EQ(client::non_chart_description(
                manifest(R"({"schemaVersion":2,"manifests":[)" + child +
                             R"(,"platform":{"architecture":"unknown","os":"unknown"}}]})",
                         index_type)),
            "");
  EXPECT_EQ(client::non_chart_description(manifest("hello", "text/plain")),
            "content of type text/plain");
  EXPECT_EQ(client::non_chart_description(manifest("{\"schemaVersion\":2,\"config\":7}", oci)),
            "an invalid manifest (application/vnd.oci.image.manifest.v1+json)");
}

TEST(Resolve, VersionsSortAsSemverWithStrictTagsOnly) {
  // The semver 2.0.0 spec's precedence example, in shuffled tag order.
  EXPECT_EQ(
      client::chart_versions({"1.0.0-beta.2", "1.0.0", "1.0.0-alpha.beta", "1.0.0-rc.1",
                              "1.0.0-alpha", "1.0.0-beta.11", "1.0.0-alpha.1", "1.0.0-beta"}),
      (std::vector<std::string>{"1.0.0", "1.0.0-rc.1", "1.0.0-beta.11", "1.0.0-beta.2",
                                "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-alpha.1", "1.0.0-alpha"}));
  // Tags Helm's StrictNewVersion refuses are not versions: no "v", no missing parts, no
  // leading zeros.
  EXPECT_TRUE(client::chart_versions({"v1.0.0", "1.0", "1", "1.02.0", "latest",
                                      "sha256-" + std::string(64, 'a') + ".sig", ""})
                  .empty());
  // Equal precedence (build metadata differs): the registry's order is kept.
  EXPECT_EQ(client::chart_versions({"1.0.0_b", "0.9.0", "1.0.0_a"}),
            (std::vector<std::string>{"1.0.0+b", "1.0.0+a", "0.9.0"}));
  EXPECT_TRUE(client::chart_versions({}).empty());
}

}  // namespace
}  // namespace ch
