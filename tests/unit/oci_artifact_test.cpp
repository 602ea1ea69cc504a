// Tests of helm/oci_artifact.cpp: a chart's OCI artifact, annotations and created time as Helm.
#include "helm/oci_artifact.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "base/digest.hpp"
#include "gocompat/gojson.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "unit_helpers.hpp"

namespace ch {
namespace {

TEST(Push, AnnotationsAsHelmComputesThem) {
  helm::Metadata m;
  m.name = "demo";
  m.version = "1.0.0+b.1";
  m.description = "  ";  // blank after TrimSpace: left out
  m.home = "https://h";
  m.sources = {"https://s1", "https://s2"};
  m.maintainers = {{"Jane", "j@x.io", ""}, {"Bob", "", ""}};
  m.annotations = {{"org.opencontainers.image.title", "ignored"},
                   {"org.opencontainers.image.url", "https://override"},
                   {"org.opencontainers.image.revision", "abc"}};
  auto a = helm::helm_annotations(m, "2024-05-01T10:00:00Z");
  std::map<std::string, std::string> want = {
      {"org.opencontainers.image.title", "demo"},
      {"org.opencontainers.image.version", "1.0.0+b.1"},
      {"org.opencontainers.image.url", "https://override"},
      {"org.opencontainers.image.created", "2024-05-01T10:00:00Z"},
      {"org.opencontainers.image.source", "https://s1"},
      {"org.opencontainers.image.authors", "Jane (j@x.io), Bob"},
      {"org.opencontainers.image.revision", "abc"}};
  EXPECT_EQ(a, want);
}

helm::Metadata demo_metadata() {
  helm::Metadata m;
  m.api_version = "v2";
  m.name = "demo";
  m.version = "1.2.3+build.4";
  m.description = "A demo";
  return m;
}

TEST(Push, AnnotationsLeaveOutBlankFieldsAndAddChartAnnotations) {
  helm::Metadata m;
  m.name = "only-name";
  m.version = "0.1.0";
  m.home = "\t\n";                     // blank: left out
  m.sources = {"", "https://second"};  // only the first source counts, and it is empty
  m.maintainers = {{"", "a@x.io", ""}, {"B", "", "https://b"}};
  m.annotations = {{"custom", "  "}, {"org.opencontainers.image.created", "from-chart"}};
  m.description = " padded ";  // kept as written when not blank
  auto a = helm::helm_annotations(m, "");
  std::map<std::string, std::string> want = {
      {"org.opencontainers.image.title", "only-name"},
      {"org.opencontainers.image.version", "0.1.0"},
      {"org.opencontainers.image.description", " padded "},
      {"org.opencontainers.image.authors", " (a@x.io), B"},
      // Chart annotations are copied as they are (blank or not) and win over computed ones,
      // except title and version.
      {"custom", "  "},
      {"org.opencontainers.image.created", "from-chart"}};
  EXPECT_EQ(a, want);
}

TEST(Push, ArtifactIsConfigLayersAndManifestAsHelmPushesThem) {
  helm::Metadata m = demo_metadata();
  oci::Descriptor chart{std::string(oci::kHelmChartLayer), "sha256:" + std::string(64, 'c'), 1234};
  oci::Descriptor prov{std::string(oci::kHelmProvenanceLayer), "sha256:" + std::string(64, 'b'),
                       56};
  helm::ChartArtifact a = helm::build_chart_artifact(m, chart, prov, "2024-05-01T10:00:00Z");
  EXPECT_EQ(a.config, gojson::marshal(m.to_json()));
  EXPECT_EQ(a.config, R"({"name":"demo","version":"1.2.3+build.4","description":"A demo",)"
                      R"("apiVersion":"v2"})");
  EXPECT_EQ(a.config_desc.media_type, "application/vnd.cncf.helm.config.v1+json");
  EXPECT_EQ(a.config_desc.digest, digest_of(a.config).str());
  EXPECT_EQ(a.config_desc.size, static_cast<std::int64_t>(a.config.size()));
  // Layers sorted by digest: the provenance layer ("bbb…") before the chart ("ccc…").
  ASSERT_EQ(a.layers.size(), 2u);
  EXPECT_EQ(a.layers[0].digest, prov.digest);
  EXPECT_EQ(a.layers[1].digest, chart.digest);
  EXPECT_EQ(a.manifest, oci::helm_manifest_json(a.config_desc, a.layers,
                                                helm::helm_annotations(m, "2024-05-01T10:00:00Z")));
  EXPECT_EQ(a.manifest_digest, digest_of(a.manifest).str());
  EXPECT_EQ(a.tag, "1.2.3_build.4");
  oci::Manifest back = oci::parse_manifest(a.manifest);
  EXPECT_EQ(back.annotations.at("org.opencontainers.image.created"), "2024-05-01T10:00:00Z");

  // Without provenance: the chart layer alone; without a time: no created annotation.
  helm::ChartArtifact plain = helm::build_chart_artifact(m, chart, std::nullopt, "");
  ASSERT_EQ(plain.layers.size(), 1u);
  EXPECT_EQ(plain.layers[0].media_type, oci::kHelmChartLayer);
  EXPECT_EQ(
      oci::parse_manifest(plain.manifest).annotations.count("org.opencontainers.image.created"),
      0u);
  EXPECT_NE(plain.manifest_digest, a.manifest_digest);
  EXPECT_EQ(plain.config, a.config);
}

}  // namespace
}  // namespace ch
