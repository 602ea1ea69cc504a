// `charthouse dependency update|build|list CHART`: Helm's dependency manager (spec
// helm-oci.md §7) for Chart.yaml dependencies (v2) and requirements.yaml (v1, and a v2
// chart's with Helm's deprecation warning) from oci://, http(s):// (configured, @name,
// alias:name or unmanaged), file:// and charts/ — with Helm's messages, Chart.lock digest,
// and lock written only when it changes. Downloads run in parallel; every archive is
// verified (registry digests, index digests, and a full chart load before it is moved).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "client/registry_client.hpp"
#include "helm/metadata.hpp"

namespace ch::actions {

struct DependencyOptions {
  std::filesystem::path chart_dir;
  bool skip_refresh = false;
  client::ClientOptions client;                 // for oci:// dependencies
  std::filesystem::path repository_config;      // empty: $HELM_REPOSITORY_CONFIG or default
  std::filesystem::path repository_cache;       // empty: $HELM_REPOSITORY_CACHE or default
  std::function<void(const std::string&)> out;  // Helm's stdout lines (each ends with \n)
  std::function<void(const std::string&)> err;  // warnings and registry lines (stderr)
  int parallelism = 8;
  // --verify: every chart downloaded from a repository or registry must have a provenance
  // file (<URL>.prov, or the provenance layer) signed by a key of `keyring` and naming its
  // sha256; checked before anything moves into charts/. (file:// and charts/ dependencies
  // are local and not checked, as in Helm.)
  bool verify = false;
  std::filesystem::path keyring;
};

// `helm dependency update`. Throws Error with Helm's messages; on failure charts/ is left
// as it was (downloads go to charts/../tmpcharts-<pid> first).
void dependency_update(const DependencyOptions& options);

// `helm dependency build`: the locked versions, after checking the lock's digest; no lock
// file means update.
void dependency_build(const DependencyOptions& options);

// `helm dependency list`: the table (NAME VERSION REPOSITORY STATUS) and warnings.
std::string dependency_list(const std::filesystem::path& chart_dir, int max_col_width = 80);

// Helm's HashReq: "sha256:" + hex sha256 of Go JSON [requested, locked].
std::string lock_digest(const std::vector<helm::Dependency>& requested,
                        const std::vector<helm::Dependency>& locked);

}  // namespace ch::actions
