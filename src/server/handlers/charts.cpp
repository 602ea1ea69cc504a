// The classic chart-repository view of the OCI content, and a ChartMuseum-compatible API:
//   GET /<ns>/index.yaml                  every chart stored under <ns> (any depth)
//   GET /<ns>/charts/<name>-<version>.tgz[.prov]   the chart (provenance) layer
//   POST /api/<ns>/charts                 upload (raw .tgz, or multipart "chart"/"prov")
//   GET /api/<ns>/charts[/<name>[/<version>]], DELETE /api/<ns>/charts/<name>/<version>
// Each chart's index entry is computed once, when its manifest is pushed (chart_info), and
// stored with it; an index is assembled from those entries for the repositories under the
// namespace, cached until the store changes. Clients of these routes speak Basic auth only.
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "base/time.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/semver.hpp"
#include "helm/loader.hpp"
#include "helm/oci_artifact.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"
#include "server/handlers/context.hpp"
#include "server/handlers/offload.hpp"
#include "server/handlers/signatures.hpp"

// GCC 12 reports a false -Wmismatched-new-delete for Asio's recycled coroutine frames of
// awaitable<bool> functions (new and delete are both Asio's frame operators).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace ch::server::handlers {

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr std::size_t kMaxUpload = 110 * 1024 * 1024;

http::Response json_response(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.headers.emplace("Content-Type", "application/json; charset=utf-8");
  r.body = body.dump();
  return r;
}

// ChartMuseum's error shape.
struct ChartError : std::runtime_error {
  ChartError(int status, const std::string& message, std::string www_authenticate)
      : std::runtime_error(message),
        status(status),
        www_authenticate(std::move(www_authenticate)) {}
  int status;
  std::string www_authenticate;
};

// What a chart manifest's stored info says, parsed once per manifest digest (a digest's
// info never changes) and shared by every namespace view that lists it.
struct Parsed {
  std::string name, version;
  json info;         // {"entry", "layer", "prov"}
  std::string yaml;  // the version's lines in index.yaml (urls are namespace-relative)
};

// A chart version found under a namespace.
struct Found {
  std::string repository;
  std::string tag;
  std::shared_ptr<const Parsed> parsed;
  // How the version is signed, for its entry's annotation kSignaturesAnnotation: "cosign"
  // (a cosign signature or Sigstore bundle is stored next to it), "provenance" (a .prov
  // layer), both joined by ',', or "" (unsigned).
  std::string signatures;
  std::shared_ptr<const store::Manifest> manifest;
  const std::string& name() const { return parsed->name; }
  const std::string& version() const { return parsed->version; }
};

// Tells index.yaml readers (and the ChartMuseum API's) which versions are signed, and how.
constexpr const char* kSignaturesAnnotation = "charthouse.dev/signatures";

// The entry as index.yaml and the ChartMuseum API show it: urls relative to the namespace.
json entry_with_urls(const Parsed& p, const std::string& signatures = "") {
  json e = p.info["entry"];
  e["urls"] = json::array({"charts/" + p.name + "-" + p.version + ".tgz"});
  if (!signatures.empty()) {
    if (!e.contains("annotations") || !e["annotations"].is_object())
      e["annotations"] = json::object();
    e["annotations"][kSignaturesAnnotation] = signatures;
  }
  return e;
}

// One version's lines under "entries:\n  <name>:\n" (sigs.k8s.io/yaml's layout).
std::string entry_yaml(const Parsed& p, const std::string& signatures = "") {
  json sorted = json::array({entry_with_urls(p, signatures)});  // objects keep keys sorted
  std::string yaml = goyaml::json_to_yaml(ojson::parse(sorted.dump()));
  std::string out;
  size_t pos = 0;
  while (pos < yaml.size()) {
    size_t end = yaml.find('\n', pos);
    if (end == std::string::npos) end = yaml.size();
    out += "  " + yaml.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out;
}

std::shared_ptr<const Parsed> parsed_info(const store::Manifest& m) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const Parsed>> cache;
  const std::string key = m.repository + "@" + m.digest.str();
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  json info;
  auto p = std::make_shared<Parsed>();
  try {
    info = parse_untrusted_json(m.chart);
    if (!info.is_object() || !info.contains("entry") || !info["entry"].is_object()) return nullptr;
    p->name = info["entry"].value("name", "");
    p->version = info["entry"].value("version", "");
    p->info = std::move(info);
    p->yaml = entry_yaml(*p);
  } catch (const std::exception&) {
    return nullptr;  // not an entry this server can list (stored before the limits existed)
  }
  std::lock_guard lock(mu);
  if (cache.size() > 500000) cache.clear();  // bounded; entries are recomputed on demand
  cache.emplace(key, p);
  return p;
}

size_t depth_of(const std::string& repository) {
  return static_cast<size_t>(std::count(repository.begin(), repository.end(), '/'));
}

// A namespace's chart versions. A version is listed only under the name of the repository
// it was pushed to (its last path component equals the chart name), and each chart name is
// served by one repository: the shallowest under the namespace (then the first bytewise).
// So nobody can make another repository's chart name serve their archive, or add versions
// to it, by pushing a config that carries that name.
std::vector<Found> charts_in(Context& ctx, const std::string& ns) {
  std::vector<Found> candidates;
  std::map<std::string, std::string> source;  // chart name -> the repository that serves it
  for (const store::ChartTag& t : ctx.meta.charts_under(ns)) {
    auto p = parsed_info(*t.manifest);
    if (!p) continue;
    auto slash = t.repository.rfind('/');
    std::string_view last = slash == std::string::npos
                                ? std::string_view(t.repository)
                                : std::string_view(t.repository).substr(slash + 1);
    if (last != p->name) continue;
    auto [it, fresh] = source.emplace(p->name, t.repository);
    if (!fresh && it->second != t.repository) {
      size_t have = depth_of(it->second), mine = depth_of(t.repository);
      if (mine < have || (mine == have && t.repository < it->second)) it->second = t.repository;
    }
    std::string signatures;
    if (has_cosign_signature(ctx, t.repository, t.manifest->digest)) signatures = "cosign";
    if (!p->info.value("prov", "").empty())
      signatures += signatures.empty() ? "provenance" : ",provenance";
    candidates.push_back({t.repository, t.tag, std::move(p), std::move(signatures), t.manifest});
  }
  std::vector<Found> out;
  for (Found& f : candidates)
    if (source[f.name()] == f.repository) out.push_back(std::move(f));
  return out;
}

json entry_with_urls(const Found& f) {
  return entry_with_urls(*f.parsed, f.signatures);
}

void authorize(Context& ctx, const http::Request& req, const std::string& repository,
               std::vector<std::string> actions) {
  auth::Decision d = ctx.auth.authorize_basic(req.header("Authorization"),
                                              {auth::Scope{"repository", repository, actions}});
  if (!d.allowed) throw ChartError{d.status, d.message, d.www_authenticate};
}

// The versions a request may see: those of repositories it may pull.
struct NamespaceView;
std::shared_ptr<const NamespaceView> view_of(Context& ctx, const std::string& ns);
const std::vector<Found>& found_of(const NamespaceView& v);

// The versions a request may see: those of repositories it may pull. *everything tells
// whether that is all of them.
std::vector<Found> visible(Context& ctx, const http::Request& req, const std::string& ns,
                           bool* everything = nullptr) {
  auto view = view_of(ctx, ns);
  const std::vector<Found>& all = found_of(*view);
  if (everything != nullptr) *everything = true;
  if (ctx.auth.config().mode == auth::Mode::kNone) return all;
  std::string authz = req.header("Authorization");
  if (!authz.empty()) {
    auth::Decision who = ctx.auth.authorize_basic(authz, {});
    if (!who.allowed) throw ChartError{who.status, who.message, who.www_authenticate};
  }
  std::vector<Found> out;
  std::map<std::string, bool> allowed;  // per repository
  std::string challenge;
  for (const Found& f : all) {
    auto it = allowed.find(f.repository);
    if (it == allowed.end()) {
      auth::Decision d =
          ctx.auth.authorize_basic(authz, {auth::Scope{"repository", f.repository, {"pull"}}});
      if (!d.allowed && challenge.empty()) challenge = d.www_authenticate;
      it = allowed.emplace(f.repository, d.allowed).first;
    }
    if (it->second)
      out.push_back(f);
    else if (everything != nullptr)
      *everything = false;
  }
  // Nothing visible to an anonymous caller: ask for credentials, as a protected repo does.
  if (out.empty() && authz.empty())
    throw ChartError{
        401, "authentication required",
        challenge.empty() ? "Basic realm=\"" + ctx.auth.config().service + "\"" : challenge};
  return out;
}

// Highest version first; the first repository (bytewise) wins a name+version clash.
std::map<std::string, std::vector<const Found*>> by_name(const std::vector<Found>& found) {
  std::map<std::string, std::vector<const Found*>> names;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Found& f : found)
    if (seen.emplace(f.name(), f.version()).second) names[f.name()].push_back(&f);
  for (auto& [name, list] : names)
    std::stable_sort(list.begin(), list.end(), [](const Found* a, const Found* b) {
      auto va = semver::Version::try_parse(a->version());
      auto vb = semver::Version::try_parse(b->version());
      if (!vb) return static_cast<bool>(va);
      if (!va) return false;
      return *va > *vb;
    });
  return names;
}

std::string name_key(const std::string& name) {
  ojson key = ojson::object();
  key[name] = 0;
  std::string line = goyaml::json_to_yaml(key);  // "<key>: 0\n", quoted when YAML needs it
  return line.substr(0, line.rfind(": 0"));
}

// index.yaml without its `generated` line.
std::string render_entries(const std::vector<Found>& found) {
  auto names = by_name(found);
  std::string body = "apiVersion: v1\n";
  body += names.empty() ? "entries: {}\n" : "entries:\n";
  for (const auto& [name, list] : names) {
    body += "  " + name_key(name) + ":\n";
    for (const Found* f : list)
      body += f->signatures.empty() ? f->parsed->yaml : entry_yaml(*f->parsed, f->signatures);
  }
  return body;
}

// A namespace's chart versions and rendered index, kept until the store changes.
struct NamespaceView {
  std::uint64_t generation = 0;
  std::vector<Found> found;
  std::string rendered;  // render_entries(found)
};

std::shared_ptr<const NamespaceView> view_of(Context& ctx, const std::string& ns) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const NamespaceView>> views;
  std::uint64_t generation = ctx.meta.generation();
  {
    std::lock_guard lock(mu);
    auto it = views.find(ns);
    if (it != views.end() && it->second->generation == generation) return it->second;
  }
  auto view = std::make_shared<NamespaceView>();
  view->generation = generation;  // read before the listing: a later change rebuilds it
  view->found = charts_in(ctx, ns);
  view->rendered = render_entries(view->found);
  std::lock_guard lock(mu);
  if (views.size() > 10000) views.clear();
  views[ns] = view;
  return view;
}

const std::vector<Found>& found_of(const NamespaceView& v) {
  return v.found;
}

const Found* find_version(const std::vector<Found>& found, const std::string& name,
                          const std::string& version) {
  for (const Found& f : found)
    if (f.name() == name && f.version() == version) return &f;
  return nullptr;
}

// Stores a blob and links it into the repository (under the commit lock, so garbage
// collection cannot take it between the two).
oci::Descriptor store_blob(Context& ctx, const std::string& repository, const std::string& data,
                           std::string_view media_type) {
  std::shared_lock lock(ctx.commit_lock);
  auto cluster = ctx.meta.share_commits();  // and a collector on another node
  Digest d = ctx.blobs.put(data);
  ctx.meta.link_blob(repository, d, data.size());
  return oci::Descriptor{std::string(media_type), d.str(), static_cast<std::int64_t>(data.size())};
}

boost::asio::awaitable<void> upload(Context& ctx, http::Exchange& ex, const std::string& ns) {
  const auto& req = ex.request();
  // Who may push here is settled before a byte of the body is read or parsed.
  auth::Decision may = ctx.auth.authorize_basic_under(req.header("Authorization"), ns, "push");
  if (!may.allowed) throw ChartError{may.status, may.message, may.www_authenticate};
  if (req.content_length && *req.content_length > kMaxUpload)
    throw ChartError{413, "chart upload too large", ""};
  std::string body;
  try {
    body = co_await ex.read_all(kMaxUpload);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kTooLarge) throw ChartError{413, "chart upload too large", ""};
    throw;
  }
  std::string content_type = req.header("Content-Type");
  // Parsing (gzip, tar, YAML) is CPU work on untrusted bytes: off the I/O thread, with the
  // loader's limits.
  struct Received {
    std::string chart, prov;
    helm::Metadata meta;
  };
  Received got = co_await offload([&body, &content_type]() {
    Received r;
    try {
      if (content_type.rfind("multipart/form-data", 0) == 0) {
        auto fields = parse_multipart(body, content_type);
        if (!fields.count("chart")) throw ChartError{400, "no chart file in the request", ""};
        r.chart = std::move(fields["chart"]);
        if (fields.count("prov")) r.prov = std::move(fields["prov"]);
      } else {
        r.chart = std::move(body);
      }
      r.meta = helm::load_archive(r.chart).metadata;
    } catch (const Error& e) {
      throw ChartError{400, e.what(), ""};
    }
    return r;
  });
  const helm::Metadata& meta = got.meta;
  std::string repository = ns + "/" + meta.name;
  if (!oci::valid_repository(repository))
    throw ChartError{400, "invalid chart name \"" + meta.name + "\" for namespace " + ns, ""};
  authorize(ctx, req, repository, {"pull", "push"});
  std::string tag = oci::version_to_tag(meta.version);
  if (!oci::valid_tag(tag)) throw ChartError{400, "invalid chart version " + meta.version, ""};
  std::string force = req.param("force");
  bool forced = req.query.count("force") != 0 && force != "false" && force != "0";
  co_await on_stores(ctx, [&ctx, &repository, &tag, &meta, &got, forced] {
    if (!forced && ctx.meta.resolve_tag(repository, tag))
      throw ChartError{409, "file already exists", ""};

    oci::Descriptor layer = store_blob(ctx, repository, got.chart, oci::kHelmChartLayer);
    std::optional<oci::Descriptor> prov;
    if (!got.prov.empty()) prov = store_blob(ctx, repository, got.prov, oci::kHelmProvenanceLayer);
    helm::ChartArtifact artifact =
        helm::build_chart_artifact(meta, layer, prov, rfc3339_local(std::time(nullptr)));
    store_blob(ctx, repository, artifact.config, oci::kHelmConfig);
    store::Manifest m =
        parse_manifest(repository, artifact.manifest, std::string(oci::kImageManifest));
    m.digest = Digest::parse(artifact.manifest_digest);
    m.chart = chart_info(ctx, m);
    auto result = ctx.meta.put_manifest(m, {tag});
    if (!result.missing.empty()) throw ChartError{500, "stored blobs went missing; try again", ""};
  });
  http::Response saved = json_response(201, json{{"saved", true}});
  co_await ex.send(std::move(saved));
}

boost::asio::awaitable<void> send_layer(Context& ctx, http::Exchange& ex, const Found& f,
                                        bool prov) {
  std::string digest = f.parsed->info.value(prov ? "prov" : "layer", "");
  if (digest.empty() || !Digest::is_valid(digest)) throw ChartError{404, "no provenance file", ""};
  if (!prov && ctx.auth.signature_keys(f.repository)) {
    const store::Manifest& chart = *f.manifest;
    std::string refusal =
        co_await offload([&ctx, &chart]() { return signature_policy_refusal(ctx, chart); });
    if (!refusal.empty()) throw ChartError{403, refusal, ""};
  }
  const Digest blob = Digest::parse(digest);
  std::optional<BlobSource> source = co_await find_blob(ctx, blob);
  if (!source) throw ChartError{404, "chart content is missing from the store", ""};
  http::Response r;
  r.headers.emplace("Content-Type", prov ? "application/pgp-signature" : "application/gzip");
  r.headers.emplace("Docker-Content-Digest", digest);
  r.headers.emplace("ETag", "\"" + digest + "\"");
  if (ex.request().method == "HEAD") {
    r.headers.emplace("Content-Length", std::to_string(source->size));
    co_await ex.send(std::move(r));
    co_return;
  }
  co_await send_blob_body(ctx, ex, std::move(r), blob, *source, 0, source->size);
}

boost::asio::awaitable<bool> route(Context& ctx, http::Exchange& ex, const Route& route) {
  const auto& req = ex.request();
  const bool read = req.method == "GET" || req.method == "HEAD";
  const std::string& ns = route.name;
  // Namespaces are repository-name prefixes: anything else names nothing here.
  if (!oci::valid_repository(ns)) {
    if (route.kind == RouteKind::kIndex || route.kind == RouteKind::kChartFile) co_return false;
    throw ChartError{404, "invalid namespace", ""};
  }
  switch (route.kind) {
    case RouteKind::kApiChartVersion: {
      const std::string& name = route.ref;
      const std::string& version = route.version;
      if (req.method == "DELETE") {
        std::string repository = ns + "/" + name;
        if (!oci::valid_repository(repository)) throw ChartError{404, "chart not found", ""};
        authorize(ctx, req, repository, {"delete"});
        if (!ctx.options.delete_enabled) throw ChartError{405, "deletes are disabled", ""};
        std::string tag = oci::version_to_tag(version);
        if (!oci::valid_tag(tag)) throw ChartError{404, "improper constraint: " + version, ""};
        const bool removed = co_await on_stores(
            ctx, [&ctx, &repository, &tag] { return ctx.meta.delete_tag(repository, tag); });
        if (!removed) throw ChartError{404, "improper constraint: " + version, ""};
        http::Response deleted = json_response(200, json{{"deleted", true}});
        co_await ex.send(std::move(deleted));
        co_return true;
      }
      if (!read) throw ChartError{405, "method not allowed", ""};
      std::vector<Found> found =
          co_await on_stores(ctx, [&ctx, &req, &ns] { return visible(ctx, req, ns); });
      const Found* f = find_version(found, name, version);
      if (f == nullptr) throw ChartError{404, "chart not found", ""};
      http::Response one = json_response(200, entry_with_urls(*f));
      co_await ex.send(std::move(one));
      co_return true;
    }
    case RouteKind::kApiChart: {
      if (!read) throw ChartError{405, "method not allowed", ""};
      std::vector<Found> found =
          co_await on_stores(ctx, [&ctx, &req, &ns] { return visible(ctx, req, ns); });
      auto names = by_name(found);
      auto it = names.find(route.ref);
      if (it == names.end()) throw ChartError{404, "chart not found", ""};
      json list = json::array();
      for (const Found* f : it->second) list.push_back(entry_with_urls(*f));
      http::Response listed = json_response(200, list);
      co_await ex.send(std::move(listed));
      co_return true;
    }
    case RouteKind::kApiCharts: {
      if (req.method == "POST") {
        co_await upload(ctx, ex, ns);
        co_return true;
      }
      if (!read) throw ChartError{405, "method not allowed", ""};
      std::vector<Found> found =
          co_await on_stores(ctx, [&ctx, &req, &ns] { return visible(ctx, req, ns); });
      json all = json::object();
      for (const auto& [name, list] : by_name(found)) {
        json versions = json::array();
        for (const Found* f : list) versions.push_back(entry_with_urls(*f));
        all[name] = versions;
      }
      http::Response everything = json_response(200, all);
      co_await ex.send(std::move(everything));
      co_return true;
    }
    case RouteKind::kIndex: {
      if (!read) co_return false;
      bool everything = false;
      std::vector<Found> found = co_await on_stores(
          ctx, [&ctx, &req, &ns, &everything] { return visible(ctx, req, ns, &everything); });
      http::Response r;
      r.headers.emplace("Content-Type", "application/x-yaml");
      if (everything)
        r.body = co_await on_stores(ctx, [&ctx, &ns] { return view_of(ctx, ns)->rendered; });
      else
        r.body = render_entries(found);
      r.body += "generated: \"" + now_rfc3339_utc() + "\"\n";
      if (req.method == "HEAD") {
        r.headers.emplace("Content-Length", std::to_string(r.body.size()));
        r.body.clear();
      }
      co_await ex.send(std::move(r));
      co_return true;
    }
    case RouteKind::kChartFile: {
      if (!read) co_return false;
      std::vector<Found> found =
          co_await on_stores(ctx, [&ctx, &req, &ns] { return visible(ctx, req, ns); });
      for (const Found& f : found)
        if (f.name() + "-" + f.version() == route.ref) {
          co_await send_layer(ctx, ex, f, route.prov);
          co_return true;
        }
      throw ChartError{404, "chart not found", ""};
    }
    default:
      co_return false;
  }
}

}  // namespace

std::string chart_info(Context& ctx, const store::Manifest& m) {
  if (m.media_type != oci::kImageManifest || m.blobs.empty()) return {};
  const store::Descriptor& config = m.blobs.front();
  if (config.media_type != oci::kHelmConfig || config.size > 4 * 1024 * 1024) return {};
  std::string layer, prov;
  for (size_t i = 1; i < m.blobs.size(); ++i) {
    if (m.blobs[i].media_type == oci::kHelmChartLayer ||
        (layer.empty() && m.blobs[i].media_type == oci::kLegacyChartLayer))
      layer = m.blobs[i].digest;
    if (m.blobs[i].media_type == oci::kHelmProvenanceLayer) prov = m.blobs[i].digest;
  }
  if (layer.empty()) return {};
  auto read = ctx.blobs.read(Digest::parse(config.digest), 4 * 1024 * 1024);
  if (!read) return {};  // put_manifest reports it as missing
  const std::string& bytes = *read;
  json entry;
  try {
    entry = parse_untrusted_json(bytes);
  } catch (const Error&) {
    return {};  // not a config this server can index (malformed or nested too deep)
  }
  if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
      !entry.contains("version") || !entry["version"].is_string())
    return {};
  if (!entry.contains("apiVersion")) entry["apiVersion"] = "v1";
  std::string created;
  if (m.annotations.contains("org.opencontainers.image.created") &&
      m.annotations["org.opencontainers.image.created"].is_string())
    created = m.annotations["org.opencontainers.image.created"].get<std::string>();
  entry["created"] = created.empty() ? now_rfc3339_utc() : created;
  entry["digest"] = layer.substr(layer.find(':') + 1);
  json info = {{"entry", entry}, {"layer", layer}, {"prov", prov}};
  // An entry that cannot be written as index.yaml (e.g. control characters Go's YAML
  // refuses) is not indexed, rather than breaking its namespace's index for everybody.
  try {
    Parsed probe;
    probe.name = entry["name"].get<std::string>();
    probe.version = entry["version"].get<std::string>();
    probe.info = info;
    entry_yaml(probe);
  } catch (const std::exception&) {
    return {};
  }
  return info.dump();
}

boost::asio::awaitable<bool> handle_charts(Context& ctx, http::Exchange& ex, const Route& which) {
  std::optional<ChartError> failure;
  try {
    bool handled = co_await route(ctx, ex, which);
    co_return handled;
  } catch (const ChartError& e) {
    failure = e;
  }
  json error_body = {{"error", std::string(failure->what())}};
  http::Response r = json_response(failure->status, error_body);
  if (!failure->www_authenticate.empty())
    r.headers.emplace("WWW-Authenticate", failure->www_authenticate);
  co_await ex.send(std::move(r));
  co_return true;
}

}  // namespace ch::server::handlers
