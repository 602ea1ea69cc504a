// Media types of OCI manifests and of Helm chart artifacts (spec helm-oci.md §1.1).
#pragma once

#include <string_view>

namespace ch::oci {

inline constexpr std::string_view kImageManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kImageIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";

inline constexpr std::string_view kHelmConfig = "application/vnd.cncf.helm.config.v1+json";
inline constexpr std::string_view kHelmChartLayer =
    "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
inline constexpr std::string_view kHelmProvenanceLayer =
    "application/vnd.cncf.helm.chart.provenance.v1.prov";
inline constexpr std::string_view kLegacyChartLayer = "application/tar+gzip";

}  // namespace ch::oci
