#include "actions/search.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "actions/table.hpp"
#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "base/parallel.hpp"
#include "client/chart_resolver.hpp"
#include "gocompat/gojson.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/semver.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"

namespace ch::actions {

namespace {}  // namespace

std::vector<SearchEntry> search_charts(const SearchOptions& options) {
  oci::Reference base = oci::Reference::parse(options.url);
  if (!base.tag.empty() || !base.digest.empty())
    throw Error(ErrorCode::kInvalidArgument,
                "search takes a repository or namespace without a tag or digest: " + options.url);
  client::RegistryClient client(options.client);
  const std::string& host = base.registry;

  // The repositories to look at: the one named, or every one under the namespace.
  std::vector<std::pair<std::string, client::TagList>> repos;  // name, tags
  try {
    repos.emplace_back(base.repository, client.list_tags_with_charts(host, base.repository));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
  }
  if (repos.empty() || repos[0].second.tags.empty()) {
    std::vector<std::string> names;
    try {
      names = client.catalog(host);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound) throw;
    }
    std::string prefix = base.repository + "/";
    std::vector<std::string> under;
    for (const std::string& n : names)
      if (n.starts_with(prefix)) under.push_back(n);
    if (under.empty() && repos.empty())
      throw Error(ErrorCode::kNotFound, "no chart found at " + options.url);
    std::vector<client::TagList> tags(under.size());
    parallel_for(under.size(), options.parallelism,
                 [&](size_t i) { tags[i] = client.list_tags_with_charts(host, under[i]); });
    for (size_t i = 0; i < under.size(); ++i) repos.emplace_back(under[i], std::move(tags[i]));
  }

  std::string constraint_text = !options.version.empty() ? options.version
                                : options.devel          ? ">0.0.0-0"
                                                         : "*";
  semver::Constraints constraints = semver::Constraints::parse(constraint_text);
  // One job per repository (its matching versions, highest first, up to the first that is a
  // chart), or with --versions one per matching version. Tags the registry marks as not
  // charts are left out without a request; without that hint each manifest tells.
  struct Job {
    std::string repository;
    std::vector<std::string> versions;
  };
  std::vector<Job> jobs;
  for (const auto& [repository, list] : repos) {
    std::vector<std::string> matching;
    for (const std::string& v : client::chart_versions(list.tags)) {
      if (!constraints.check(semver::Version::parse_strict(v))) continue;
      if (list.charts && !list.charts->count(oci::version_to_tag(v))) continue;
      if (options.all_versions)
        jobs.push_back({repository, {v}});
      else
        matching.push_back(v);
    }
    if (!matching.empty()) jobs.push_back({repository, std::move(matching)});
  }
  // Each version's description and app version come from its config blob.
  std::vector<std::optional<SearchEntry>> found(jobs.size());
  parallel_for(jobs.size(), options.parallelism, [&](size_t i) {
    const Job& job = jobs[i];
    for (const std::string& v : job.versions) {
      client::FetchedManifest m = client.get_manifest(host, job.repository, oci::version_to_tag(v));
      oci::Manifest manifest;
      try {
        manifest = oci::parse_manifest(m.bytes);
      } catch (const Error&) {
        continue;  // an index or something else: not listed as a chart
      }
      if (manifest.config.media_type != oci::kHelmConfig) continue;
      SearchEntry entry{"oci://" + host + "/" + job.repository, v, {}, {}};
      std::string config = client.fetch_small_blob(host, job.repository, manifest.config);
      auto doc = json_depth_within(config) ? nlohmann::json::parse(config, nullptr, false)
                                           : nlohmann::json(nlohmann::json::value_t::discarded);
      if (doc.is_object()) {
        if (doc.contains("appVersion") && doc["appVersion"].is_string())
          entry.app_version = doc["appVersion"].get<std::string>();
        if (doc.contains("description") && doc["description"].is_string())
          entry.description = doc["description"].get<std::string>();
      }
      found[i] = std::move(entry);
      return;
    }
  });
  std::vector<SearchEntry> charts;
  for (auto& f : found)
    if (f) charts.push_back(std::move(*f));
  std::stable_sort(charts.begin(), charts.end(),
                   [](const SearchEntry& a, const SearchEntry& b) { return a.name < b.name; });
  return charts;
}

std::string render_search(const std::vector<SearchEntry>& entries, const std::string& format) {
  if (format == "json" || format == "yaml") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const SearchEntry& e : entries) {
      nlohmann::ordered_json j;
      j["name"] = e.name;
      j["version"] = e.version;
      j["app_version"] = e.app_version;
      j["description"] = e.description;
      list.push_back(j);
    }
    if (format == "json") return gojson::marshal(list) + "\n";
    nlohmann::ordered_json sorted = nlohmann::ordered_json::array();
    for (const auto& j : list) {
      nlohmann::ordered_json s;
      for (const char* k : {"app_version", "description", "name", "version"}) s[k] = j[k];
      sorted.push_back(s);
    }
    return goyaml::json_to_yaml(sorted);
  }
  if (format != "table")
    throw Error(ErrorCode::kInvalidArgument,
                "invalid format type \"" + format + "\": must be one of table, json, yaml");
  if (entries.empty()) return "No results found\n";
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"}};
  for (const SearchEntry& e : entries)
    rows.push_back({e.name, e.version, e.app_version, e.description});
  return render_table(rows, 50);
}

}  // namespace ch::actions
