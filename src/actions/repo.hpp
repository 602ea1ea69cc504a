// `charthouse repo ...` and pulls from classic chart repositories (an index.yaml and archives
// over HTTP; the transfers themselves are client/classic_repo.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "actions/verify.hpp"
#include "client/classic_repo.hpp"
#include "helm/index.hpp"
#include "helm/repositories.hpp"

namespace ch::actions {

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
