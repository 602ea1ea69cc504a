// Locating and fetching a chart in an OCI registry, shared by pull, show and search:
// version resolution (spec helm-oci.md §2.4), the manifest walk and layer selection of
// §1.5, and a content-addressed download cache under Helm's cache home so that a chart
// layer already fetched is never downloaded again.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/registry_client.hpp"
#include "oci/reference.hpp"

namespace ch::actions {

// Where a chart was found: the reference to fetch (tag in '_' form, or digest only).
struct ResolvedChart {
  oci::Reference ref;
  std::string version;  // '+' form; empty for digest-only references
};

// Helm 3.17+/4 ValidateReference: ref may carry :tag and @digest; version may be empty, an
// exact version or a constraint; devel turns an empty version into ">0.0.0-0".
ResolvedChart resolve_chart(client::RegistryClient& client, const std::string& url,
                            std::string version, bool devel);

// Chart versions in a repository's tags: '_' read back as '+', strict semver only, highest
// first (Helm's tag listing).
std::vector<std::string> chart_versions(const std::vector<std::string>& tags);

struct FetchedChart {
  std::string printed_ref;      // what "Pulled:" shows
  std::string manifest_digest;  // what "Digest:" shows (the index's digest for an index)
  std::filesystem::path chart;  // the chart archive in the cache, verified
  std::optional<std::filesystem::path> prov;  // the provenance file, when asked for and present
  std::string config;                         // the config blob (chart metadata JSON)
  std::vector<std::string> warnings;          // "Warning: chart media type … is deprecated", …
};

struct FetchOptions {
  bool want_prov = false;
  bool prov_required = false;   // else a missing prov layer is a warning
  client::ProgressFn progress;  // chart layer download progress
};

// Fetches manifest, config and chart layer (and prov), every blob verified against its
// digest. Throws Error with Helm's messages for manifests that are not charts.
FetchedChart fetch_chart(client::RegistryClient& client, const oci::Reference& ref,
                         const FetchOptions& options);

// The paragraph Helm prints after a reference containing '_' (spec §3.3), without the
// reference line itself.
std::string underscore_note();

// The content cache directory ($HELM_CONTENT_CACHE or <cache home>/content).
std::filesystem::path content_cache_dir();

}  // namespace ch::actions
