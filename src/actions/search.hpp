// `charthouse search oci://HOST/NS/NAME` (what helm/helm#11000 asks for): a chart's versions
// with app version and description, from the tag list and the config blobs fetched in
// parallel. `oci://HOST/NS` on a registry with a catalog lists every chart under NS. Tags
// that hold something else (an image beside its chart) are left out: the newest version
// shown is the newest chart, found without a request per image on charthouse serve.
#pragma once

#include <string>
#include <vector>

#include "client/registry_client.hpp"

namespace ch::actions {

struct SearchOptions {
  std::string url;
  bool all_versions = false;  // --versions
  bool devel = false;         // include prereleases
  std::string version;        // a constraint
  client::ClientOptions client;
  int parallelism = 8;
};

struct SearchEntry {
  std::string name;  // oci://host/repository
  std::string version;
  std::string app_version;
  std::string description;
};

// Sorted by name, then version (highest first).
std::vector<SearchEntry> search_charts(const SearchOptions& options);

// Helm's `search repo` renderings: table (uitable, 50-column cells), json, yaml.
std::string render_search(const std::vector<SearchEntry>& entries, const std::string& format);

}  // namespace ch::actions
