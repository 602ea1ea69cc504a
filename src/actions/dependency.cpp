#include "actions/dependency.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "actions/repo.hpp"
#include "actions/table.hpp"
#include "actions/verify.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/parallel.hpp"
#include "client/chart_resolver.hpp"
#include "gocompat/gojson.hpp"
#include "gocompat/gomatch.hpp"
#include "gocompat/semver.hpp"
#include "helm/archive.hpp"
#include "helm/helmpath.hpp"
#include "helm/index.hpp"
#include "helm/loader.hpp"
#include "helm/provenance.hpp"
#include "helm/repositories.hpp"
#include "oci/reference.hpp"

namespace ch::actions {

namespace stdfs = std::filesystem;

namespace {

constexpr std::string_view kManagerPrefix = "helm-manager-";

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool is_oci(const std::string& repository) {
  return starts_with(repository, "oci://");
}
bool is_file(const std::string& repository) {
  return starts_with(repository, "file://");
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}
// Helm's urlutil.Equal for the cases that matter: the same URL up to a trailing slash.
bool url_equal(const std::string& a, const std::string& b) {
  return trim_slash(a) == trim_slash(b);
}

// url.ParseRequestURI accepts an absolute URL or an absolute path.
bool is_request_uri(const std::string& s) {
  return s.find("://") != std::string::npos || starts_with(s, "/");
}

struct Context {
  const DependencyOptions& options;
  stdfs::path chart_dir;
  stdfs::path repository_config;
  stdfs::path repository_cache;
  helm::RepoFile repos;

  void out(const std::string& line) const {
    if (options.out) options.out(line);
  }
  void err(const std::string& line) const {
    if (options.err) options.err(line);
  }
};

Context make_context(const DependencyOptions& o) {
  Context c{o, o.chart_dir, o.repository_config, o.repository_cache, {}};
  if (c.repository_config.empty()) c.repository_config = helmpath::repository_config();
  if (c.repository_cache.empty()) c.repository_cache = helmpath::repository_cache();
  c.repos = helm::RepoFile::load(c.repository_config);
  return c;
}

// Helm's resolver.GetLocalPath.
stdfs::path local_path(const std::string& repository, const stdfs::path& chart_dir) {
  std::string p = repository.substr(is_file(repository) ? 7 : 0);
  stdfs::path path = starts_with(p, "/") ? stdfs::path(p) : chart_dir / p;
  std::error_code ec;
  if (!stdfs::exists(path, ec))
    throw Error(ErrorCode::kNotFound,
                "directory " + path.lexically_normal().string() + " not found");
  return path;
}

helm::Chart load_chart_dir(const Context& c) {
  std::error_code ec;
  if (!stdfs::exists(c.chart_dir, ec))
    throw Error(ErrorCode::kNotFound, "could not find " + c.chart_dir.string() + ": stat " +
                                          c.chart_dir.string() + ": no such file or directory");
  if (!stdfs::is_directory(c.chart_dir, ec))
    throw Error(ErrorCode::kInvalidArgument, "only unpacked charts can be updated");
  helm::Chart chart = helm::load_dir(c.chart_dir);
  if (chart.metadata.api_version != helm::kApiVersionV1 &&
      stdfs::exists(c.chart_dir / "requirements.yaml"))
    c.err(
        "Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We "
        "recommend migrating dependencies to Chart.yaml.\n");
  return chart;
}

// Helm's resolveRepoNames: dependency name -> configured repository name; @name and
// alias:name are rewritten to the repository's URL in `deps`.
std::map<std::string, std::string> resolve_repo_names(const Context& c,
                                                      std::vector<helm::Dependency>& deps) {
  std::map<std::string, std::string> names;
  std::vector<std::string> missing;
  for (helm::Dependency& d : deps) {
    if (d.repository.empty()) continue;
    if (is_file(d.repository)) {
      local_path(d.repository, c.chart_dir);
      names[d.name] = d.repository;
      continue;
    }
    if (is_oci(d.repository)) {
      names[d.name] = d.repository;
      continue;
    }
    bool found = false;
    for (const helm::RepoEntry& r : c.repos.repositories) {
      if ((starts_with(d.repository, "@") && d.repository.substr(1) == r.name) ||
          (starts_with(d.repository, "alias:") && d.repository.substr(6) == r.name)) {
        d.repository = r.url;
        names[d.name] = r.name;
        found = true;
        break;
      }
      if (url_equal(r.url, d.repository)) {
        names[d.name] = r.name;
        found = true;
        break;
      }
    }
    if (!found && !is_request_uri(d.repository)) missing.push_back(d.repository);
  }
  if (!missing.empty()) {
    std::string joined;
    bool non_url = false;
    for (const std::string& m : missing) {
      joined += (joined.empty() ? "" : ", ") + m;
      if (m.find("//") == std::string::npos && !starts_with(m, "@") && !starts_with(m, "alias:"))
        non_url = true;
    }
    std::string message =
        "no repository definition for " + joined + ". Please add them via 'helm repo add'";
    if (non_url)
      message +=
          "\nNote that repositories must be URLs or aliases. For example, to refer to the "
          "\"example\"\nrepository, use \"https://charts.example.com/\" or \"@example\" instead "
          "of\n\"example\". Don't forget to add the repo, too ('helm repo add').";
    throw Error(ErrorCode::kNotFound, message);
  }
  return names;
}

// Helm's parallelRepoUpdate: one line per repository, failures reported, not fatal.
void refresh(const Context& c, const std::vector<helm::RepoEntry>& entries) {
  std::vector<std::string> lines(entries.size());
  parallel_for(entries.size(), c.options.parallelism, [&](size_t i) {
    const helm::RepoEntry& r = entries[i];
    bool managed = !starts_with(r.name, kManagerPrefix);
    std::string label = managed ? r.name : r.url;
    try {
      client::fetch_index(r, c.repository_cache);
      lines[i] = "...Successfully got an update from the \"" + label + "\" chart repository\n";
    } catch (const Error& e) {
      lines[i] = "...Unable to get an update from the \"" + label + "\" chart repository" +
                 (managed ? " (" + r.url + ")" : std::string()) + ":\n\t" + e.what() + "\n";
    }
  });
  for (const std::string& l : lines) c.out(l);
}

// The configured repositories some dependency uses (Helm refreshes every configured
// repository; refreshing only those needed is what helm/helm#9865 asks for).
std::vector<helm::RepoEntry> used_repositories(const Context& c,
                                               const std::vector<helm::Dependency>& deps) {
  std::vector<helm::RepoEntry> used;
  for (const helm::RepoEntry& r : c.repos.repositories)
    for (const helm::Dependency& d : deps)
      if (!d.repository.empty() && url_equal(r.url, d.repository)) {
        used.push_back(r);
        break;
      }
  return used;
}

void update_repositories(const Context& c, const std::vector<helm::Dependency>& deps) {
  std::vector<helm::RepoEntry> used = used_repositories(c, deps);
  if (used.empty()) return;
  c.out("Hang tight while we grab the latest from your chart repositories...\n");
  refresh(c, used);
  c.out("Update Complete. ⎈Happy Helming!⎈\n");
}

std::string manager_name(const std::string& url) {
  return std::string(kManagerPrefix) + digest_of(url).hex;
}

// Helm's ensureMissingRepos: unmanaged http(s) repositories get a cache entry
// helm-manager-<sha256(url)>.
std::vector<helm::RepoEntry> ensure_missing_repos(const Context& c,
                                                  std::map<std::string, std::string>& names,
                                                  const std::vector<helm::Dependency>& deps) {
  std::vector<helm::RepoEntry> unmanaged;
  for (const helm::Dependency& d : deps) {
    if (d.repository.empty() || names.count(d.name)) continue;
    helm::RepoEntry e;
    e.name = manager_name(d.repository);
    e.url = d.repository;
    names[d.name] = e.name;
    unmanaged.push_back(e);
  }
  if (!c.options.skip_refresh && !unmanaged.empty()) {
    c.out("Getting updates for unmanaged Helm repositories...\n");
    refresh(c, unmanaged);
  }
  return unmanaged;
}

helm::IndexFile cached_index(const Context& c, const std::string& repo_name) {
  stdfs::path file = helm::index_cache_file(c.repository_cache, repo_name);
  try {
    return helm::IndexFile::load(file);
  } catch (const Error& e) {
    throw Error(ErrorCode::kNotFound, "no cached repository for " + repo_name +
                                          " found. (try 'helm repo update'): " + e.what());
  }
}

// Helm's resolver.Resolve.
std::vector<helm::Dependency> resolve(const Context& c, client::RegistryClient& registry,
                                      const std::vector<helm::Dependency>& reqs,
                                      const std::map<std::string, std::string>& names) {
  std::vector<helm::Dependency> locked(reqs.size());
  std::vector<std::string> missing(reqs.size());
  std::vector<std::vector<std::string>> skipped(reqs.size());  // tags that are not charts
  std::vector<semver::Constraints> constraints;
  for (const helm::Dependency& d : reqs) {
    try {
      constraints.push_back(semver::Constraints::parse(d.version));
    } catch (const Error& e) {
      throw Error(
          ErrorCode::kInvalidArgument,
          "dependency \"" + d.name + "\" has an invalid version/constraint format: " + e.what());
    }
  }
  parallel_for(reqs.size(), c.options.parallelism, [&](size_t i) {
    const helm::Dependency& d = reqs[i];
    helm::Dependency& l = locked[i];
    l.name = d.name;
    l.repository = d.repository;
    l.version = d.version;
    auto note_missing = [&] {
      missing[i] =
          "\"" + d.name + "\" (repository \"" + d.repository + "\", version \"" + d.version + "\")";
    };
    if (d.repository.empty()) {
      local_path("charts/" + d.name, c.chart_dir);
      return;
    }
    if (is_file(d.repository)) {
      helm::Chart sub = helm::load_dir(local_path(d.repository, c.chart_dir));
      auto v = semver::Version::try_parse(sub.metadata.version);
      if (!v) return;
      if (!constraints[i].check(*v)) return note_missing();
      l.version = sub.metadata.version;
      return;
    }
    std::vector<std::string> candidates;  // highest first
    if (is_oci(d.repository)) {
      if (semver::Version::try_parse(d.version)) {
        candidates = {d.version};
      } else {
        oci::Reference ref = oci::Reference::parse(trim_slash(d.repository) + "/" + d.name);
        client::TagList list;
        try {
          list = registry.list_tags_with_charts(ref.registry, ref.repository);
        } catch (const Error& e) {
          throw Error(e.code(), "could not retrieve list of tags for repository " + d.repository +
                                    ": " + e.what());
        }
        // The highest matching tag that holds a chart: images sharing the repository are
        // passed over (Helm would lock the image's version and fail to download it).
        std::vector<std::string> matching;
        for (const std::string& v : client::chart_versions(list.tags))
          if (constraints[i].check(semver::Version::parse_strict(v))) matching.push_back(v);
        client::ChartChoice choice =
            client::choose_chart(registry, ref.registry, ref.repository, matching, list.charts);
        for (const std::string& s : choice.skipped)
          skipped[i].push_back("Warning: skipping " + s + " (dependency \"" + d.name + "\")\n");
        if (!choice.version) return note_missing();
        l.version = *choice.version;
        return;
      }
    } else {
      helm::IndexFile index = cached_index(c, names.at(d.name));
      auto it = index.entries.find(d.name);
      if (it == index.entries.end())
        throw Error(ErrorCode::kNotFound, d.name + " chart not found in repo " + d.repository);
      for (const helm::ChartVersion& v : it->second)
        if (!v.urls.empty()) candidates.push_back(v.metadata.version);
    }
    for (const std::string& candidate : candidates) {
      auto v = semver::Version::try_parse(candidate);
      if (v && constraints[i].check(*v)) {
        l.version = v->original();
        return;
      }
    }
    note_missing();
  });
  for (const auto& lines : skipped)
    for (const std::string& line : lines) c.err(line);
  std::string joined;
  size_t count = 0;
  for (const std::string& m : missing)
    if (!m.empty()) {
      joined += (count++ ? ", " : "") + m;
    }
  if (count > 0)
    throw Error(ErrorCode::kNotFound,
                "can't get a valid version for " + std::to_string(count) +
                    " subchart(s): " + joined +
                    ". Make sure a matching chart version exists in the repo, or change the "
                    "version constraint in Chart.yaml");
  return locked;
}

// The repository entry (credentials, TLS) for a classic repository URL.
helm::RepoEntry entry_for(const Context& c, const std::string& url) {
  for (const helm::RepoEntry& r : c.repos.repositories)
    if (url_equal(r.url, url)) return r;
  helm::RepoEntry e;
  e.name = manager_name(url);
  e.url = url;
  return e;
}

// Helm's downloadAll + safeMoveDeps: everything lands in tmpcharts-<pid> first and is
// verified by loading it; only then are the archives moved into charts/ and outdated ones
// removed.
void download_all(const Context& c, client::RegistryClient& registry,
                  std::vector<helm::Dependency>& deps) {
  stdfs::path dest = c.chart_dir / "charts";
  std::error_code ec;
  if (stdfs::exists(dest, ec)) {
    if (!stdfs::is_directory(dest, ec))
      throw Error(ErrorCode::kInvalidArgument, "\"" + dest.string() + "\" is not a directory");
  } else {
    stdfs::create_directories(dest);
  }
  stdfs::path tmp = c.chart_dir / ("tmpcharts-" + std::to_string(::getpid()));
  stdfs::create_directories(tmp);
  struct Cleanup {
    stdfs::path p;
    ~Cleanup() {
      std::error_code e;
      stdfs::remove_all(p, e);
    }
  } cleanup{tmp};

  c.out("Saving " + std::to_string(deps.size()) + " charts\n");
  struct Job {
    size_t dep;
    std::string url;  // download identity (Helm's churl)
  };
  std::vector<Job> jobs;
  std::set<std::string> seen;
  for (size_t i = 0; i < deps.size(); ++i) {
    helm::Dependency& dep = deps[i];
    if (dep.repository.empty()) {
      c.out("Dependency " + dep.name +
            " did not declare a repository. Assuming it exists in the charts directory\n");
      stdfs::path path = dest / dep.name;
      helm::Chart sub;
      try {
        sub = helm::load_dir(path);
      } catch (const Error& e) {
        throw Error(e.code(), "unable to load chart '" + path.string() + "': " + e.what());
      }
      semver::Constraints constraint = semver::Constraints::parse(dep.version);
      if (!constraint.check(semver::Version::parse(sub.metadata.version))) {
        std::string message = "dependency " + dep.name + " at version " + sub.metadata.version +
                              " does not satisfy the constraint " + dep.version;
        c.out("Save error occurred:  " + message + "\n");
        throw Error(ErrorCode::kInvalidChart, message);
      }
      continue;
    }
    std::string url = is_oci(dep.repository) || is_file(dep.repository)
                          ? trim_slash(dep.repository) + "/" + dep.name + ":" + dep.version
                          : dep.repository + "#" + dep.name + "@" + dep.version;
    if (!is_file(dep.repository) && seen.count(url)) {
      c.out("Already downloaded " + dep.name + " from repo " + dep.repository + "\n");
      continue;
    }
    seen.insert(url);
    if (!is_file(dep.repository))
      c.out("Downloading " + dep.name + " from repo " + dep.repository + "\n");
    jobs.push_back({i, url});
  }

  std::vector<std::string> registry_lines(jobs.size());
  try {
    parallel_for(jobs.size(), c.options.parallelism, [&](size_t j) {
      helm::Dependency& dep = deps[jobs[j].dep];
      if (is_file(dep.repository)) {
        helm::Chart sub = helm::load_dir(local_path(dep.repository, c.chart_dir));
        semver::Constraints constraint = semver::Constraints::parse(dep.version);
        if (!constraint.check(semver::Version::parse(sub.metadata.version)))
          throw Error(ErrorCode::kNotFound, "can't get a valid version for dependency " + dep.name);
        helm::ArchiveOptions ao;
        ao.source_date_epoch = helm::source_date_epoch_from_env();
        ao.now = static_cast<std::int64_t>(std::time(nullptr));
        helm::save_archive(sub, tmp, ao);
        dep.version = sub.metadata.version;
        return;
      }
      if (is_oci(dep.repository)) {
        oci::Reference ref = oci::Reference::parse(trim_slash(dep.repository) + "/" + dep.name +
                                                   ":" + oci::version_to_tag(dep.version));
        client::FetchOptions fetch_options;
        fetch_options.want_prov = c.options.verify;
        client::FetchedChart fetched = client::fetch_chart(registry, ref, fetch_options);
        registry_lines[j] =
            "Pulled: " + fetched.printed_ref + "\nDigest: " + fetched.manifest_digest + "\n";
        std::string file = dep.name + "-" + dep.version + ".tgz";
        if (c.options.verify) {
          if (!fetched.prov)
            throw Error(ErrorCode::kNotFound,
                        "failed to fetch provenance \"oci://" + fetched.printed_ref + ".prov\"");
          verify_provenance(fetched.chart, fs::read_file(*fetched.prov, helm::kMaxProvenanceSize),
                            file, c.options.keyring);
        }
        fs::write_file_atomic(tmp / file, fs::read_file(fetched.chart));
        return;
      }
      helm::RepoEntry entry = entry_for(c, dep.repository);
      helm::IndexFile index = cached_index(c, entry.name);
      const helm::ChartVersion* version = nullptr;
      auto it = index.entries.find(dep.name);
      if (it != index.entries.end())
        for (const helm::ChartVersion& v : it->second) {
          if (v.urls.empty()) continue;
          auto a = semver::Version::try_parse(dep.version);
          auto b = semver::Version::try_parse(v.metadata.version);
          if ((a && b) ? *a == *b : dep.version == v.metadata.version) {
            version = &v;
            break;
          }
        }
      if (version == nullptr)
        throw Error(ErrorCode::kNotFound, "could not find " + dep.repository + ": chart " +
                                              dep.name + " version " + dep.version +
                                              " not found in " + dep.repository);
      std::string u = version->urls.front();
      std::string file = u.substr(u.rfind('/') + 1);
      file = file.substr(0, file.find('?'));
      client::download_chart_version(entry, *version, tmp / file);
      if (c.options.verify)
        verify_provenance(tmp / file, client::download_provenance(entry, *version), file,
                          c.options.keyring);
    });
  } catch (const Error& e) {
    for (const std::string& l : registry_lines) c.err(l);
    c.out("Save error occurred:  " + std::string(e.what()) + "\n");
    throw;
  }
  for (const std::string& l : registry_lines) c.err(l);

  // safeMoveDeps: verify each download is a chart, move it in, delete outdated archives.
  std::set<std::string> local_deps;
  for (const helm::Dependency& d : deps)
    if (d.repository.empty()) local_deps.insert(d.name);
  std::set<std::string> moved;
  std::vector<stdfs::path> before;
  for (const auto& e : stdfs::directory_iterator(dest))
    if (!e.is_directory()) before.push_back(e.path());
  for (const auto& e : stdfs::directory_iterator(tmp)) {
    if (e.is_directory()) continue;
    std::string name = e.path().filename().string();
    moved.insert(name);
    try {
      helm::load_archive_file(e.path());
    } catch (const Error& err) {
      c.out("Could not verify " + e.path().string() + " for moving: " + err.what() + " (Skipping)");
      continue;
    }
    stdfs::rename(e.path(), dest / name);
  }
  c.out("Deleting outdated charts\n");
  for (const stdfs::path& p : before) {
    if (moved.count(p.filename().string())) continue;
    helm::Chart old;
    try {
      old = helm::load_archive_file(p);
    } catch (const Error& err) {
      c.out("Could not verify " + p.string() + " for deletion: " + err.what() + " (Skipping)\n");
      continue;
    }
    if (local_deps.count(old.name())) continue;
    stdfs::remove(p, ec);
  }
}

void write_lock(const Context& c, const helm::Chart& chart, const helm::Lock& lock) {
  bool legacy = chart.metadata.api_version == helm::kApiVersionV1;
  stdfs::path file = c.chart_dir / (legacy ? "requirements.lock" : "Chart.lock");
  if (stdfs::is_symlink(file))
    throw Error(ErrorCode::kInvalidArgument, "the lock file (" + file.filename().string() +
                                                 ") is a symlink to " +
                                                 stdfs::read_symlink(file).string());
  fs::write_file_atomic(file, lock.to_yaml(), 0644);
}

client::RegistryClient make_registry(const DependencyOptions& o) {
  return client::RegistryClient(o.client);
}

}  // namespace

std::string lock_digest(const std::vector<helm::Dependency>& requested,
                        const std::vector<helm::Dependency>& locked) {
  nlohmann::ordered_json req = nlohmann::ordered_json::array();
  for (const helm::Dependency& d : requested) req.push_back(d.to_json());
  nlohmann::ordered_json lock = nlohmann::ordered_json::array();
  for (const helm::Dependency& d : locked) lock.push_back(d.to_json());
  nlohmann::ordered_json both = nlohmann::ordered_json::array({req, lock});
  return "sha256:" + digest_of(gojson::marshal(both)).hex;
}

void dependency_update(const DependencyOptions& options) {
  Context c = make_context(options);
  helm::Chart chart = load_chart_dir(c);
  std::vector<helm::Dependency> req = chart.metadata.dependencies;
  if (req.empty()) return;
  std::map<std::string, std::string> names = resolve_repo_names(c, req);
  ensure_missing_repos(c, names, req);
  if (!options.skip_refresh) update_repositories(c, req);
  client::RegistryClient registry = make_registry(options);
  helm::Lock lock;
  lock.dependencies = resolve(c, registry, req, names);
  download_all(c, registry, lock.dependencies);
  lock.digest = lock_digest(req, lock.dependencies);
  if (chart.lock && chart.lock->digest == lock.digest) return;  // unchanged: keep `generated`
  lock.generated = helm::now_rfc3339_nano();
  write_lock(c, chart, lock);
}

void dependency_build(const DependencyOptions& options) {
  Context c = make_context(options);
  helm::Chart chart = load_chart_dir(c);
  if (!chart.lock) return dependency_update(options);
  std::vector<helm::Dependency> req = chart.metadata.dependencies;
  bool v1 = chart.metadata.api_version == helm::kApiVersionV1;
  std::string v2_sum;
  if (v1) {
    nlohmann::ordered_json doc;
    doc["dependencies"] = nlohmann::ordered_json::array();
    for (const helm::Dependency& d : req) doc["dependencies"].push_back(d.to_json());
    v2_sum = "sha256:" + digest_of(gojson::marshal(doc)).hex;
  }
  resolve_repo_names(c, req);
  if (lock_digest(req, chart.lock->dependencies) != chart.lock->digest) {
    if (v1) {
      c.err("warning: a valid Helm v3 hash was not found. Checking against Helm v2 hash...\n");
      if (v2_sum != chart.lock->digest)
        throw Error(ErrorCode::kInvalidChart,
                    "the lock file (requirements.lock) is out of sync with the dependencies "
                    "file (requirements.yaml). Please update the dependencies");
    } else {
      throw Error(ErrorCode::kInvalidChart,
                  "the lock file (Chart.lock) is out of sync with the dependencies file "
                  "(Chart.yaml). Please update the dependencies");
    }
  }
  std::vector<helm::Dependency> locked = chart.lock->dependencies;
  std::vector<std::string> missing;
  for (const helm::Dependency& d : locked) {
    if (d.repository.empty() || is_file(d.repository) || is_oci(d.repository)) continue;
    bool known = false;
    for (const helm::RepoEntry& r : c.repos.repositories)
      known = known || url_equal(r.url, d.repository);
    if (!known) missing.push_back(d.repository);
  }
  if (!missing.empty()) {
    std::string joined;
    for (const std::string& m : missing) joined += (joined.empty() ? "" : ", ") + m;
    throw Error(ErrorCode::kNotFound, "no repository definition for " + joined +
                                          ". Please add the missing repos via 'helm repo add'");
  }
  if (!options.skip_refresh) update_repositories(c, locked);
  client::RegistryClient registry = make_registry(options);
  download_all(c, registry, locked);
}

std::string dependency_list(const stdfs::path& chart_dir, int max_col_width) {
  helm::Chart chart = helm::load_dir(chart_dir);
  const std::vector<helm::Dependency>& deps = chart.metadata.dependencies;
  stdfs::path charts = chart_dir / "charts";
  if (deps.empty()) return "WARNING: no dependencies at " + charts.string() + "\n";

  // Helm's dependencyStatus: an archive charts/<name>-*.tgz first (with several, only those
  // whose suffix is a strict semver count), then the loaded subchart of that name.
  auto version_status = [](const helm::Dependency& d, const std::string& version) -> std::string {
    if (version == d.version) return "";
    std::optional<semver::Constraints> constraint;
    try {
      constraint = semver::Constraints::parse(d.version);
    } catch (const Error&) {
      return "invalid version";
    }
    auto v = semver::Version::try_parse(version);
    if (!v) return "invalid version";
    return constraint->check(*v) ? "" : "wrong version";
  };
  auto archive_status = [&](const stdfs::path& archive, const helm::Dependency& d) {
    helm::Chart c;
    try {
      c = helm::load_archive_file(archive);
    } catch (const Error&) {
      return std::string("corrupt");
    }
    if (c.name() != d.name) return std::string("misnamed");
    std::string s = version_status(d, c.metadata.version);
    return s.empty() ? std::string("ok") : s;
  };
  auto status_of = [&](const helm::Dependency& d) -> std::string {
    std::vector<stdfs::path> archives;
    std::error_code ec;
    if (stdfs::is_directory(charts, ec))
      for (const auto& e : stdfs::directory_iterator(charts)) {
        std::string f = e.path().filename().string();
        if (go_match(d.name + "-*.tgz", f)) archives.push_back(e.path());
      }
    if (archives.size() > 1) {
      std::vector<stdfs::path> found;
      for (const auto& a : archives) {
        std::string f = a.filename().string();
        std::string v = f.substr(d.name.size() + 1, f.size() - d.name.size() - 5);
        if (semver::Version::try_parse_strict(v)) found.push_back(a);
      }
      if (found.size() == 1) return archive_status(found[0], d);
      if (found.size() > 1) return "too many matches";
    } else if (archives.size() == 1) {
      return archive_status(archives[0], d);
    }
    const helm::Chart* sub = nullptr;
    for (const helm::Chart& c : chart.subcharts)
      if (c.name() == d.name) sub = &c;
    if (sub == nullptr) return "missing";
    std::string s = version_status(d, sub->metadata.version);
    return s.empty() ? "unpacked" : s;
  };

  std::vector<std::vector<std::string>> rows = {{"NAME", "VERSION", "REPOSITORY", "STATUS"}};
  for (const helm::Dependency& d : deps)
    rows.push_back({d.name, d.version, d.repository, status_of(d)});
  std::string out = render_table(rows, static_cast<size_t>(max_col_width)) + "\n";
  // Helm's printMissing: entries of charts/* (directories and .tgz files) that are not
  // charts, or not named by any dependency.
  std::error_code ec;
  if (stdfs::is_directory(charts, ec)) {
    std::vector<stdfs::path> entries;
    for (const auto& e : stdfs::directory_iterator(charts)) entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (const stdfs::path& p : entries) {
      bool dir = stdfs::is_directory(p, ec);
      if (!dir && p.extension() != ".tgz") continue;
      helm::Chart c;
      try {
        c = dir ? helm::load_dir(p) : helm::load_archive_file(p);
      } catch (const Error&) {
        out += "WARNING: \"" + p.string() + "\" is not a chart.\n";
        continue;
      }
      bool listed = false;
      for (const helm::Dependency& d : deps) listed = listed || d.name == c.name();
      if (!listed) out += "WARNING: \"" + p.string() + "\" is not in Chart.yaml.\n";
    }
  }
  return out;
}

}  // namespace ch::actions
