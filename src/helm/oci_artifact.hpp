// The OCI artifact of a chart as `helm push` (3.17+) writes it (spec helm-oci.md §1.2–1.4):
// config = the chart metadata's Go JSON, the chart layer (+ provenance layer) sorted by
// digest, Helm's manifest annotations. Used by `charthouse push` and by `charthouse serve`'s
// ChartMuseum upload, so both store exactly what Helm would.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "helm/metadata.hpp"
#include "oci/manifest.hpp"

namespace ch::helm {

struct ChartArtifact {
  std::string config;                   // config blob bytes
  oci::Descriptor config_desc;          // its descriptor
  std::vector<oci::Descriptor> layers;  // chart (+ prov), sorted by digest
  std::string manifest;                 // manifest bytes
  std::string manifest_digest;          // "sha256:<hex>"
  std::string tag;                      // the version with '+' written '_'
};

// `created` is org.opencontainers.image.created (empty: none).
ChartArtifact build_chart_artifact(const Metadata& metadata, const oci::Descriptor& chart_layer,
                                   const std::optional<oci::Descriptor>& prov_layer,
                                   const std::string& created);

// Spec §1.4: the manifest annotations Helm computes from the chart metadata.
std::map<std::string, std::string> helm_annotations(const Metadata& metadata,
                                                    const std::string& created);

}  // namespace ch::helm
