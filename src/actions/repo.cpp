#include "actions/repo.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "actions/pull.hpp"
#include "actions/table.hpp"
#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/parallel.hpp"
#include "base/version.hpp"
#include "client/transport.hpp"
#include "gocompat/gojson.hpp"
#include "gocompat/goyaml.hpp"
#include "helm/helmpath.hpp"
#include "helm/loader.hpp"
#include "helm/provenance.hpp"

namespace ch::actions {

RepoPaths RepoPaths::from_environment() {
  return {helmpath::repository_config(), helmpath::repository_cache()};
}

std::string repo_add(const RepoPaths& paths, const helm::RepoEntry& entry, bool force_update) {
  if (entry.name.find('/') != std::string::npos)
    throw Error(ErrorCode::kInvalidArgument,
                "repository name (" + entry.name +
                    ") contains '/', please specify a different name without '/'");
  helm::RepoFile file = helm::RepoFile::load(paths.config);
  if (!force_update) {
    if (const helm::RepoEntry* existing = file.get(entry.name)) {
      const helm::RepoEntry& e = *existing;
      bool same = e.url == entry.url && e.username == entry.username &&
                  e.password == entry.password && e.cert_file == entry.cert_file &&
                  e.key_file == entry.key_file && e.ca_file == entry.ca_file &&
                  e.insecure_skip_tls_verify == entry.insecure_skip_tls_verify &&
                  e.pass_credentials_all == entry.pass_credentials_all;
      if (!same)
        throw Error(ErrorCode::kAlreadyExists, "repository name (" + entry.name +
                                                   ") already exists, please specify a "
                                                   "different name");
      return "\"" + entry.name + "\" already exists with the same configuration, skipping\n";
    }
  }
  try {
    client::fetch_index(entry, paths.cache);
  } catch (const Error& e) {
    throw Error(e.code(),
                "looks like \"" + entry.url +
                    "\" is not a valid chart repository or cannot be reached: " + e.what());
  }
  file.update(entry);
  file.save(paths.config);
  return "\"" + entry.name + "\" has been added to your repositories\n";
}

std::string repo_remove(const RepoPaths& paths, const std::vector<std::string>& names) {
  helm::RepoFile file = helm::RepoFile::load(paths.config);
  if (file.repositories.empty()) throw Error(ErrorCode::kNotFound, "no repositories configured");
  std::string out;
  for (const std::string& name : names) {
    if (!file.remove(name))
      throw Error(ErrorCode::kNotFound, "no repo named \"" + name + "\" found");
    file.save(paths.config);
    std::error_code ec;
    std::filesystem::remove(helm::index_cache_file(paths.cache, name), ec);
    std::filesystem::remove(helm::charts_cache_file(paths.cache, name), ec);
    out += "\"" + name + "\" has been removed from your repositories\n";
  }
  return out;
}

std::string repo_update(const RepoPaths& paths, const std::vector<std::string>& names,
                        bool fail_on_error) {
  helm::RepoFile file = helm::RepoFile::load(paths.config);
  if (file.repositories.empty())
    throw Error(ErrorCode::kNotFound, "no repositories found. You must add one before updating");
  std::vector<helm::RepoEntry> chosen;
  for (const std::string& n : names)
    if (!file.has(n))
      throw Error(ErrorCode::kNotFound,
                  "no repositories found matching '" + n + "'.  Nothing will be updated");
  for (const helm::RepoEntry& e : file.repositories)
    if (names.empty() || std::find(names.begin(), names.end(), e.name) != names.end())
      chosen.push_back(e);
  std::vector<std::string> lines(chosen.size());
  std::vector<bool> failed(chosen.size(), false);
  parallel_for(chosen.size(), 8, [&](size_t i) {
    try {
      client::fetch_index(chosen[i], paths.cache);
      lines[i] =
          "...Successfully got an update from the \"" + chosen[i].name + "\" chart repository\n";
    } catch (const Error& e) {
      failed[i] = true;
      lines[i] = "...Unable to get an update from the \"" + chosen[i].name +
                 "\" chart repository (" + chosen[i].url + "):\n\t" + e.what() + "\n";
    }
  });
  std::string out = "Hang tight while we grab the latest from your chart repositories...\n";
  std::string failures;
  for (size_t i = 0; i < chosen.size(); ++i) {
    out += lines[i];
    if (failed[i]) failures += (failures.empty() ? "" : " ") + chosen[i].url;
  }
  if (!failures.empty() && fail_on_error)
    throw Error(ErrorCode::kNetwork,
                out + "Failed to update the following repositories: [" + failures + "]");
  return out + "Update Complete. ⎈Happy Helming!⎈\n";
}

std::string repo_list(const RepoPaths& paths, const std::string& format) {
  helm::RepoFile file = helm::RepoFile::load(paths.config);
  if (format == "json" || format == "yaml") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const helm::RepoEntry& e : file.repositories)
      list.push_back(nlohmann::ordered_json{{"name", e.name}, {"url", e.url}});
    return format == "json" ? gojson::marshal(list) + "\n" : goyaml::json_to_yaml(list);
  }
  if (format != "table")
    throw Error(ErrorCode::kInvalidArgument,
                "invalid format type \"" + format + "\": must be one of table, json, yaml");
  if (file.repositories.empty()) throw Error(ErrorCode::kNotFound, "no repositories to show");
  std::vector<std::vector<std::string>> rows = {{"NAME", "URL"}};
  for (const helm::RepoEntry& e : file.repositories) rows.push_back({e.name, e.url});
  return render_table(rows, 0);
}

void repo_index(const std::filesystem::path& dir, const std::string& url,
                const std::filesystem::path& merge, bool json) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw Error(ErrorCode::kNotFound, "stat " + dir.string() + ": no such file or directory");
  helm::IndexFile index = helm::index_directory(dir, url);
  if (!merge.empty()) {
    helm::IndexFile other;
    if (std::filesystem::exists(merge, ec)) other = helm::IndexFile::load(merge);
    index.merge(other);
  }
  index.sort_entries();
  fs::write_file_atomic(dir / "index.yaml", json ? index.to_json() : index.to_yaml(), 0644);
}

ClassicPullResult pull_classic(const RepoPaths& paths, const ClassicPullOptions& o) {
  helm::RepoEntry entry;
  std::string chart = o.chart;
  helm::IndexFile index;
  if (!o.repo_url.empty()) {
    entry.name = "helm-manager-" + digest_of(o.repo_url).hex;  // never saved
    entry.url = o.repo_url;
    entry.username = o.username;
    entry.password = o.password;
    entry.pass_credentials_all = o.pass_credentials;
    index = client::fetch_index(entry, paths.cache);
  } else {
    auto slash = chart.find('/');
    if (slash == std::string::npos)
      throw Error(ErrorCode::kInvalidArgument,
                  "non-absolute URLs should be in form of repo_name/path_to_chart, got: " + chart);
    std::string repo_name = chart.substr(0, slash);
    chart = chart.substr(slash + 1);
    helm::RepoFile file = helm::RepoFile::load(paths.config);
    const helm::RepoEntry* e = file.get(repo_name);
    if (e == nullptr) throw Error(ErrorCode::kNotFound, "repo " + repo_name + " not found");
    entry = *e;
    if (!o.username.empty()) entry.username = o.username;
    if (!o.password.empty()) entry.password = o.password;
    index = helm::IndexFile::load(helm::index_cache_file(paths.cache, entry.name));
  }
  std::string version = o.version.empty() && o.devel ? ">0.0.0-0" : o.version;
  const helm::ChartVersion* v = index.get(chart, version);
  if (v == nullptr) {
    std::string what =
        "chart \"" + chart + "\"" + (version.empty() ? "" : " version \"" + version + "\"");
    throw Error(ErrorCode::kNotFound, what + " not found in " + entry.url + " repository");
  }
  if (v->urls.empty())
    throw Error(ErrorCode::kNotFound, "chart \"" + chart + "\" has no downloadable URLs");
  std::string u = v->urls.front();
  std::string file = u.substr(u.rfind('/') + 1);
  file = file.substr(0, file.find('?'));
  ClassicPullResult result;
  if (!o.untar && !o.prov && !o.verify) {
    result.saved = client::download_chart_version(entry, *v, o.destination / file);
    return result;
  }
  // Everything lands in a temporary directory first; with --verify it is checked there, so
  // a chart that does not verify never reaches the destination.
  fs::TempDir tmp;
  std::filesystem::path archive = client::download_chart_version(entry, *v, tmp.path() / file);
  std::optional<std::string> prov;
  if (o.prov || o.verify) {
    try {
      prov = client::download_provenance(entry, *v);
    } catch (const Error& e) {
      if (o.verify) throw;
      // --prov alone goes on without it, with Helm's warning.
      result.warnings.push_back("WARNING: Verification not found for " + o.chart + ": " + e.what());
    }
  }
  if (o.verify) result.verification = verify_provenance(archive, *prov, file, o.keyring);
  std::filesystem::path dir = o.destination;
  if (o.untar) {
    dir = o.untar_dir.is_absolute() ? o.untar_dir : o.destination / o.untar_dir;
    std::filesystem::create_directories(dir);
    result.saved = expand_chart(archive, dir);
  } else {
    result.saved = o.destination / file;
    fs::copy_file_atomic(archive, result.saved);
  }
  if (prov) fs::write_file_atomic(dir / (file + ".prov"), *prov);
  return result;
}

}  // namespace ch::actions
