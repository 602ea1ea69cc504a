// Classic chart repositories (an index.yaml and archives over HTTP): downloading and caching
// their index and fetching chart archives, as Helm's ChartRepository and getter do, with
// the repository's Basic credentials and TLS settings.
#pragma once

#include <filesystem>

#include "repo/index.hpp"
#include "repo/repositories.hpp"

namespace ch::actions {

// Downloads <entry.url>/index.yaml, checks that it parses, and stores it byte-exact as
// <cache>/<name>-index.yaml with <cache>/<name>-charts.txt (one chart name per line),
// both written atomically. Throws Error ("failed to fetch <url> : <status>") otherwise.
repo::IndexFile fetch_index(const repo::RepoEntry& entry, const std::filesystem::path& cache);

// Downloads a chart version's first URL (relative URLs resolved against entry.url) to
// dest_file atomically, checking the index's sha256 digest when it has one. Credentials go
// only to the repository's own host unless entry.pass_credentials_all.
std::filesystem::path download_chart_version(const repo::RepoEntry& entry,
                                             const repo::ChartVersion& version,
                                             const std::filesystem::path& dest_file);

}  // namespace ch::actions
