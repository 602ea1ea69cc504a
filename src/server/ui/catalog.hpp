// What the web UI lists: the chart repositories of the registry with their versions (newest
// first), built from the chart entries the API stored with each chart manifest, once per store
// generation, and searched and sorted in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/store/metadata_store.hpp"

namespace ch::server::ui {

struct ChartVersion {
  std::string tag, version, app_version, description, icon, created, home, kube_version, type;
  std::vector<std::string> keywords, maintainers, sources;
  bool deprecated = false;
  std::string manifest_digest, layer_digest, prov_digest;
  std::uint64_t size = 0;  // of the chart archive
  // Chart.yaml as the config blob holds it (+ created, digest); shared, never null.
  std::shared_ptr<const nlohmann::json> entry_json = std::make_shared<const nlohmann::json>();
  const nlohmann::json& entry() const { return *entry_json; }
};

// Parsed chart entries by repository + manifest digest (a manifest's entry never changes), so
// that rebuilding the catalog after a push parses only what is new. Bounded by its owner.
using EntryCache = std::unordered_map<std::string, std::shared_ptr<const ChartVersion>>;

struct ChartRepo {
  std::string repository;              // "team/charts/grafana"
  std::string ns;                      // "team/charts" ("" at the top level)
  std::string name;                    // "grafana": the repository's last component
  std::vector<ChartVersion> versions;  // newest first (semver, then bytewise)
  std::string last_push;               // the latest "created" of its versions (RFC 3339)
  std::string haystack;                // lower-cased name, description, keywords, maintainers
  const ChartVersion& latest() const { return versions.front(); }
  const ChartVersion* find(std::string_view version_or_tag) const;
};

struct Catalog {
  std::uint64_t generation = 0;
  std::vector<ChartRepo> charts;  // by repository, bytewise
  std::unordered_map<std::string, std::size_t> index;
  const ChartRepo* find(std::string_view repository) const;
};

// From every chart tag of the registry (MetadataStore::charts_under("")).
std::shared_ptr<const Catalog> build_catalog(const std::vector<store::ChartTag>& tags,
                                             std::uint64_t generation, EntryCache* cache = nullptr);

// Whether every word of `query` (lower-cased, split on spaces; at most 8 words of 64 bytes)
// occurs in the chart's haystack. An empty query matches everything.
bool matches(const ChartRepo& chart, std::string_view query);

}  // namespace ch::server::ui
