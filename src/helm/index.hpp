// A classic chart repository's index.yaml (spec helm-oci.md §9): reading (JSON or strict
// YAML), lookup by name and version constraint, merging, and writing byte-compatible with
// `helm repo index` (sigs.k8s.io/yaml: keys sorted, versions sorted descending).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "helm/metadata.hpp"

namespace ch::helm {

struct ChartVersion {
  helm::Metadata metadata;        // all Chart.yaml fields, written inline
  std::vector<std::string> urls;  // absolute or relative to the index's URL
  std::string created;            // RFC 3339 (nano) as written
  std::string digest;             // plain hex sha256 of the archive
  bool removed = false;
};

struct IndexFile {
  std::string api_version = "v1";
  std::map<std::string, std::vector<ChartVersion>> entries;  // each sorted highest first
  std::string generated;
  std::map<std::string, std::string> annotations;

  // Helm's loadIndex: JSON when the bytes are JSON, else strict YAML. Throws Error with
  // Helm's messages ("empty index.yaml file", "no API version specified"); invalid entries
  // are skipped.
  static IndexFile parse(std::string_view text, std::string_view source);
  static IndexFile load(const std::filesystem::path& path);

  // Helm's IndexFile.Get: empty version means "*"; an exact version string first, else
  // the first (highest) entry satisfying the constraint. nullptr when none.
  const ChartVersion* get(const std::string& name, const std::string& version) const;
  bool has(const std::string& name, const std::string& version) const;

  // Adds an archive's metadata with urls = {base_url joined with filename}.
  void add(const helm::Metadata& metadata, const std::string& filename, const std::string& base_url,
           const std::string& digest_hex, const std::string& created);
  // Appends other's entries whose (name, version) is not here (local wins), then sorts.
  void merge(const IndexFile& other);
  void sort_entries();

  std::string to_yaml() const;
  std::string to_json() const;  // 2-space indented, as `helm repo index --json`
};

// `helm repo index DIR --url URL`: every DIR/*.tgz and DIR/*/*.tgz that loads as a chart.
IndexFile index_directory(const std::filesystem::path& dir, const std::string& base_url);

// Go time.Now().Format(time.RFC3339Nano) in the local zone (fraction's trailing zeros
// trimmed), the form index `generated`/`created` and Chart.lock `generated` use.
std::string now_rfc3339_nano();

}  // namespace ch::helm
