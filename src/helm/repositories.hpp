// Helm's repositories.yaml ($HELM_REPOSITORY_CONFIG) and repository cache
// ($HELM_REPOSITORY_CACHE/<name>-index.yaml, <name>-charts.txt), shared with Helm.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ch::helm {

struct RepoEntry {
  std::string name;
  std::string url;
  std::string username;
  std::string password;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  bool insecure_skip_tls_verify = false;
  bool pass_credentials_all = false;
};

struct RepoFile {
  std::string api_version = "";
  std::string generated;
  std::vector<RepoEntry> repositories;

  // A missing file is an empty RepoFile. Throws Error on malformed YAML.
  static RepoFile load(const std::filesystem::path& path);
  // Atomic, mode 0600 (Helm writes 0600), parent directories created.
  void save(const std::filesystem::path& path) const;

  const RepoEntry* get(const std::string& name) const;
  bool has(const std::string& name) const { return get(name) != nullptr; }
  void update(const RepoEntry& entry);  // replaces an entry of that name or appends
  bool remove(const std::string& name);
};

// <cache>/<name>-index.yaml and <cache>/<name>-charts.txt (one chart name per line).
std::filesystem::path index_cache_file(const std::filesystem::path& cache, const std::string& name);
std::filesystem::path charts_cache_file(const std::filesystem::path& cache,
                                        const std::string& name);

}  // namespace ch::helm
