// Classic chart repositories over HTTP(S), as Helm's ChartRepository and HTTP getter fetch
// them: the index (downloaded, checked, cached byte-exact), chart archives (verified against
// the index digest while streaming, written atomically) and provenance files, with the
// repository's Basic credentials (to its own origin only, unless pass_credentials_all) and
// TLS settings.
#pragma once

#include <filesystem>
#include <string>

#include "helm/index.hpp"
#include "helm/repositories.hpp"

namespace ch::client {

// Downloads <entry.url>/index.yaml, checks that it parses, and stores it byte-exact as
// <cache>/<name>-index.yaml with <cache>/<name>-charts.txt (one chart name per line),
// both written atomically. Throws Error ("failed to fetch <url> : <status>") otherwise.
helm::IndexFile fetch_index(const helm::RepoEntry& entry, const std::filesystem::path& cache);

// Downloads a chart version's first URL (relative URLs resolved against entry.url) to
// dest_file atomically, checking the index's sha256 digest when it has one. Credentials go
// only to the repository's own host unless entry.pass_credentials_all.
std::filesystem::path download_chart_version(const helm::RepoEntry& entry,
                                             const helm::ChartVersion& version,
                                             const std::filesystem::path& dest_file);

// Downloads <chart URL>.prov of a chart version (at most helm::kMaxProvenanceSize bytes).
// Throws Error with Helm's words, "failed to fetch provenance \"<url>.prov\"".
std::string download_provenance(const helm::RepoEntry& entry, const helm::ChartVersion& version);

}  // namespace ch::client
