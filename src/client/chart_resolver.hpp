// Locating and fetching a chart in an OCI registry, shared by pull, show and search:
// version resolution (spec helm-oci.md §2.4), the manifest walk and layer selection of
// §1.5, and a content-addressed download cache under Helm's cache home so that a chart
// layer already fetched is never downloaded again.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/registry_client.hpp"
#include "oci/reference.hpp"

namespace ch::client {

// Where a chart was found: the reference to fetch (tag in '_' form, or a digest: then no
// tag, so that "Pulled:" shows repo@digest as Helm 4 does).
struct ResolvedChart {
  oci::Reference ref;
  std::string version;  // '+' form; empty for digest-only references
  // "Warning: skipping tag …" lines for the tags a version range passed over because they
  // hold no Helm chart (shown before "Pulled:").
  std::vector<std::string> warnings;
  // The chosen tag's manifest when resolution already fetched it (fetch_chart reuses it).
  std::optional<client::FetchedManifest> manifest;
};

// Helm 3.17+/4 ValidateReference: ref may carry :tag and @digest; version may be empty, an
// exact version or a constraint; devel turns an empty version into ">0.0.0-0". A constraint
// takes the highest matching tag that holds a Helm chart (see choose_chart), not merely the
// highest matching tag as Helm does.
ResolvedChart resolve_chart(client::RegistryClient& client, const std::string& url,
                            std::string version, bool devel);

// What a manifest holds when it is not a Helm chart, for messages: "a container image
// (application/vnd.oci.image.config.v1+json)", "a multi-platform container image (…)", "an
// OCI artifact (…)"; empty when it is a chart (an image manifest with the Helm config media
// type) or an image index that may hold one (only its children can tell).
std::string non_chart_description(const client::FetchedManifest& manifest);

struct ChartChoice {
  std::optional<std::string> version;               // nullopt when no candidate holds a chart
  std::optional<client::FetchedManifest> manifest;  // the chosen tag's, when it was fetched
  std::vector<std::string> skipped;  // "tag 2.0.0: it holds …, not a Helm chart", per tag
};

// Walks `candidates` (versions, highest first) to the first whose tag holds a Helm chart.
// With the registry's hint (TagList::charts, from charthouse serve) that costs no request;
// without it each candidate's manifest is fetched (an index's child manifests too, unless
// its platforms show a container image) until one is a chart. Images sharing a repository
// with charts (flux source-controller#1795, argo-cd#23140) are so passed over.
ChartChoice choose_chart(client::RegistryClient& client, const std::string& host,
                         const std::string& repository, const std::vector<std::string>& candidates,
                         const std::optional<std::set<std::string>>& chart_tags);

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
  // The root manifest of `ref`, already fetched (by resolve_chart); nullptr: GET it.
  const client::FetchedManifest* root = nullptr;
  bool want_prov = false;
  bool prov_required = false;   // else a missing prov layer is a warning
  client::ProgressFn progress;  // chart layer download progress
};

// Fetches manifest, config and chart layer (and prov), every blob verified against its
// digest. Throws Error with Helm's messages for manifests that are not charts, followed by
// what the reference holds ("…: <ref> holds a container image (…), not a Helm chart").
FetchedChart fetch_chart(client::RegistryClient& client, const oci::Reference& ref,
                         const FetchOptions& options);

// The paragraph Helm prints after a reference containing '_' (spec §3.3), without the
// reference line itself.
std::string underscore_note();

// The content cache directory ($HELM_CONTENT_CACHE or <cache home>/content).
std::filesystem::path content_cache_dir();

}  // namespace ch::client
