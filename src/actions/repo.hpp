// Classic chart repositories (an index.yaml and archives over HTTP): downloading and caching
// their index and fetching chart archives, as Helm's ChartRepository and getter do, with
// the repository's Basic credentials and TLS settings.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "actions/verify.hpp"
#include "helm/index.hpp"
#include "helm/repositories.hpp"

namespace ch::actions {

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

// Where Helm keeps repositories.yaml and the repository cache, from the environment.
struct RepoPaths {
  std::filesystem::path config;  // $HELM_REPOSITORY_CONFIG or <config home>/repositories.yaml
  std::filesystem::path cache;   // $HELM_REPOSITORY_CACHE or <cache home>/repository
  static RepoPaths from_environment();
};

// `repo add`: returns Helm's line ("\"NAME\" has been added to your repositories").
std::string repo_add(const RepoPaths& paths, const helm::RepoEntry& entry, bool force_update);
// `repo remove NAME...`: one line per repository removed.
std::string repo_remove(const RepoPaths& paths, const std::vector<std::string>& names);
// `repo update [NAME...]`: Helm's lines; failures are reported and skipped unless
// fail_on_error.
std::string repo_update(const RepoPaths& paths, const std::vector<std::string>& names,
                        bool fail_on_error);
// `repo list -o table|json|yaml`.
std::string repo_list(const RepoPaths& paths, const std::string& format);
// `repo index DIR [--url] [--merge] [--json]`: writes DIR/index.yaml atomically.
void repo_index(const std::filesystem::path& dir, const std::string& url,
                const std::filesystem::path& merge, bool json);

// Downloads <chart URL>.prov of a chart version (at most helm::kMaxProvenanceSize bytes).
// Throws Error with Helm's words, "failed to fetch provenance \"<url>.prov\"".
std::string download_provenance(const helm::RepoEntry& entry, const helm::ChartVersion& version);

struct ClassicPullOptions {
  std::string chart;     // REPO/CHART, or CHART with repo_url
  std::string repo_url;  // --repo
  std::string version;
  bool devel = false;
  std::string username, password;
  bool pass_credentials = false;
  std::filesystem::path destination = ".";
  bool untar = false;
  std::filesystem::path untar_dir = ".";
  // --prov: also fetch <chart URL>.prov; --verify: fetch it and check the archive against it
  // with `keyring` before anything is written to the destination.
  bool prov = false;
  bool verify = false;
  std::filesystem::path keyring;
};
struct ClassicPullResult {
  std::filesystem::path saved;               // the .tgz written, or the directory expanded into
  std::optional<Verification> verification;  // with --verify
  std::vector<std::string> warnings;         // stderr lines (a missing .prov with --prov)
};
// `pull REPO/CHART` and `pull CHART --repo URL`: resolves the version in the repository's
// index and writes the archive (verified against the index digest) or expands it.
ClassicPullResult pull_classic(const RepoPaths& paths, const ClassicPullOptions& options);

}  // namespace ch::actions
