// The web UI (server/ui/): pages at "/" and under "/-/", rendered on the server from the same
// stores and with the same users and access rules as the API. A viewer signs in with a form
// (htpasswd users) and gets a signed session cookie; every page shows only repositories the
// viewer may pull; state-changing forms (sign-out, delete) carry a CSRF token. Every response
// has a strict Content-Security-Policy (scripts and styles only from /-/static/) and a
// Server-Timing header with the time the server spent on it.
#include <chrono>
#include <set>

#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "base/random.hpp"
#include "helm/loader.hpp"
#include "oci/reference.hpp"
#include "server/handlers/context.hpp"
#include "server/handlers/signatures.hpp"
#include "server/http/url.hpp"
#include "server/ui/assets.hpp"
#include "server/ui/catalog.hpp"
#include "server/ui/content.hpp"
#include "server/ui/pages.hpp"
#include "server/ui/session.hpp"

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace ch::server::handlers {

struct UiState {
  std::mutex mu;
  std::shared_ptr<const ui::Catalog> catalog;
  std::mutex entries_mu;  // held while a catalog is built
  ui::EntryCache entries;
  std::uint64_t repos_generation = ~0ull;
  std::shared_ptr<const std::vector<std::string>> repositories;  // every repository
  ui::ContentCache content{64 << 20};
  std::string key;
};

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kPerPage = 60;
constexpr std::size_t kMaxForm = 16 * 1024;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What one request knows of its viewer.
struct Request {
  Context& ctx;
  http::Exchange& ex;
  UiState& st;
  ui::Viewer viewer;
  std::string browser;       // ch_browser cookie value
  bool new_browser = false;  // set the cookie on the response
  Clock::time_point started = Clock::now();

  const http::Request& req() const { return ex.request(); }
  bool may(const std::string& repository, const char* action) const {
    return ctx.auth.user_may(viewer.user, {auth::Scope{"repository", repository, {action}}});
  }
  ui::Site site() const {
    std::string host = req().header("Host");
    bool ok = !host.empty() && host.size() <= 255;
    for (unsigned char c : host)
      if (!(std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
        ok = false;
    return {ok ? host : std::string("localhost"), req().tls};
  }
};

Request make_request(Context& ctx, http::Exchange& ex) {
  UiState& st = *ctx.ui;
  Request r{ctx, ex, st, {}, {}, false};
  std::string cookies = ex.request().header("Cookie");
  r.browser = ui::cookie_value(cookies, ui::kBrowserCookie);
  if (r.browser.size() != 32 ||
      r.browser.find_first_not_of("0123456789abcdef") != std::string::npos) {
    r.browser = ui::new_browser_id();
    r.new_browser = true;
  }
  r.viewer.can_sign_in = ctx.auth.has_users();
  if (r.viewer.can_sign_in) {
    std::string session = ui::cookie_value(cookies, ui::kSessionCookie);
    if (!session.empty()) r.viewer.user = ui::session_user(st.key, session, now_seconds());
  }
  r.viewer.csrf = ui::csrf_token(st.key, r.browser);
  return r;
}

std::string cookie(const Request& r, const std::string& name, const std::string& value,
                   long max_age) {
  return name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" +
         (r.req().tls ? "; Secure" : "") + "; Max-Age=" + std::to_string(max_age);
}

http::Response page(Request& r, int status, std::string body,
                    std::string content_type = "text/html; charset=utf-8") {
  http::Response resp;
  resp.status = status;
  resp.headers.emplace("Content-Type", std::move(content_type));
  resp.headers.emplace("Content-Security-Policy",
                       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
                       "https:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                       "base-uri 'none'");
  resp.headers.emplace("X-Content-Type-Options", "nosniff");
  resp.headers.emplace("X-Frame-Options", "DENY");
  resp.headers.emplace("Referrer-Policy", "same-origin");
  resp.headers.emplace("Cache-Control", "no-store");
  if (r.new_browser) {
    resp.headers.emplace("Set-Cookie", cookie(r, ui::kBrowserCookie, r.browser, 365L * 24 * 3600));
    r.new_browser = false;
  }
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - r.started).count();
  resp.headers.emplace("Server-Timing", "app;dur=" + std::to_string(micros / 1000) + "." +
                                            std::to_string(micros % 1000 / 100));
  resp.body = std::move(body);
  return resp;
}

http::Response redirect(Request& r, const std::string& location) {
  http::Response resp = page(r, 303, "");
  resp.headers.emplace("Location", location);
  return resp;
}

http::Response message(Request& r, int status, const std::string& title, const std::string& text) {
  return page(r, status, ui::message_page(r.viewer, title, text));
}

// A "next" target after sign-in: a path on this server, nothing else.
std::string safe_next(const std::string& next) {
  if (next.empty() || next[0] != '/' || next.size() > 2048) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (unsigned char c : next)
    if (c < 0x21 || c == 0x7f) return "/";
  return next;
}

// Builds the chart list of store generation `generation` (store calls: on the store pool or a
// thread of its own) and keeps it unless a newer one was kept meanwhile.
std::shared_ptr<const ui::Catalog> build_and_keep(Context& ctx, UiState& st,
                                                  std::uint64_t generation) {
  auto tags = ctx.meta.charts_under("");
  std::shared_ptr<const ui::Catalog> built;
  {
    std::lock_guard lock(st.entries_mu);
    built = ui::build_catalog(tags, generation, &st.entries);
  }
  std::lock_guard lock(st.mu);
  if (!st.catalog || st.catalog->generation <= generation) st.catalog = built;
  return built;
}

boost::asio::awaitable<std::shared_ptr<const ui::Catalog>> catalog_of(Request& r) {
  Context& ctx = r.ctx;
  UiState& st = r.st;
  std::uint64_t generation = co_await on_stores(ctx, [&ctx] { return ctx.meta.generation(); });
  {
    std::lock_guard lock(st.mu);
    if (st.catalog && st.catalog->generation == generation) co_return st.catalog;
  }
  co_return co_await on_stores(
      ctx, [&ctx, &generation, &st] { return build_and_keep(ctx, st, generation); });
}

boost::asio::awaitable<std::shared_ptr<const std::vector<std::string>>> repositories_of(
    Request& r, std::uint64_t generation) {
  Context& ctx = r.ctx;
  {
    std::lock_guard lock(r.st.mu);
    if (r.st.repositories && r.st.repos_generation == generation) co_return r.st.repositories;
  }
  auto repos = co_await on_stores(ctx, [&ctx] {
    return std::make_shared<const std::vector<std::string>>(
        ctx.meta.list_repositories("", -1).items);
  });
  std::lock_guard lock(r.st.mu);
  r.st.repositories = repos;
  r.st.repos_generation = generation;
  co_return repos;
}

// The content of a chart version's archive, or nullptr when it cannot be read.
boost::asio::awaitable<std::shared_ptr<const ui::ChartContent>> content_of(
    Request& r, const ui::ChartVersion& v) {
  if (v.layer_digest.empty()) co_return nullptr;
  if (auto hit = r.st.content.find(v.layer_digest)) co_return hit;
  Context& ctx = r.ctx;
  std::shared_ptr<const ui::ChartContent> content;
  try {
    Digest d = Digest::parse(v.layer_digest);
    auto bytes = co_await on_stores(ctx, [&ctx, &d] {
      return ctx.blobs.read(d, static_cast<std::uint64_t>(helm::kMaxArchiveSize));
    });
    if (!bytes) co_return nullptr;
    std::string archive = std::move(*bytes);
    content = co_await offload([&archive] { return ui::read_chart_content(archive); });
  } catch (const Error&) {
    co_return nullptr;
  }
  r.st.content.put(v.layer_digest, content);
  co_return content;
}

ui::ArtifactRow artifact_row(Context& ctx, const std::string& repo, const std::string& tag,
                             const store::Manifest& m) {
  ui::ArtifactRow row;
  row.tag = tag;
  row.digest = m.digest.str();
  row.media_type = m.media_type;
  row.artifact_type = m.artifact_type;
  row.size = m.bytes.size();
  for (const auto& b : m.blobs) row.size += b.size;
  row.referrers = ctx.meta.referrers(repo, m.digest, {}).size();
  return row;
}

// --- pages

boost::asio::awaitable<http::Response> home(Request& r) {
  auto catalog = co_await catalog_of(r);
  ui::HomeData d;
  d.query = r.req().param("q").substr(0, 200);
  d.sort = r.req().param("sort") == "updated" ? "updated" : "name";
  std::vector<const ui::ChartRepo*> all;
  for (const ui::ChartRepo& c : catalog->charts)
    if (ui::matches(c, d.query) && r.may(c.repository, "pull")) all.push_back(&c);
  if (d.sort == "updated")
    std::stable_sort(all.begin(), all.end(), [](const ui::ChartRepo* a, const ui::ChartRepo* b) {
      return a->last_push > b->last_push;
    });
  else
    std::stable_sort(all.begin(), all.end(), [](const ui::ChartRepo* a, const ui::ChartRepo* b) {
      return a->ns != b->ns ? a->ns < b->ns : a->name < b->name;
    });
  d.total = all.size();
  d.pages = std::max<std::size_t>(1, (all.size() + kPerPage - 1) / kPerPage);
  std::string page_param = r.req().param("page");
  d.page = 1;
  if (!page_param.empty() && page_param.size() < 7 &&
      page_param.find_first_not_of("0123456789") == std::string::npos)
    d.page = std::clamp<std::size_t>(std::stoul(page_param), 1, d.pages);
  std::size_t from = (d.page - 1) * kPerPage;
  for (std::size_t i = from; i < all.size() && i < from + kPerPage; ++i) d.charts.push_back(all[i]);
  bool fragment = r.req().param("fragment") == "1";
  if (!fragment && d.query.empty()) {
    auto repos = co_await repositories_of(r, catalog->generation);
    for (const std::string& repo : *repos) {
      if (d.other_repositories.size() >= 200) break;
      if (!catalog->find(repo) && r.may(repo, "pull")) d.other_repositories.push_back(repo);
    }
  }
  co_return page(r, 200, ui::home_page(r.viewer, d, fragment));
}

boost::asio::awaitable<http::Response> chart(Request& r, const ui::ChartRepo& c,
                                             const ui::ChartVersion& v, bool explicit_version) {
  Context& ctx = r.ctx;
  ui::ChartPageData d;
  d.chart = &c;
  d.version = &v;
  d.explicit_version = explicit_version;
  d.site = r.site();
  static const std::set<std::string> kTabs = {"readme",       "values",   "schema",   "templates",
                                              "dependencies", "versions", "artifacts"};
  d.tab = r.req().param("tab");
  if (!kTabs.count(d.tab)) d.tab = "readme";
  d.file = r.req().param("file");
  d.content = co_await content_of(r, v);
  if (d.tab == "templates" && d.file.empty() && d.content && !d.content->templates.empty())
    d.file = d.content->templates.front().first;
  d.may_delete = ctx.options.delete_enabled && r.may(c.repository, "delete");

  // Tags that are not chart versions (signatures, attestations, anything else).
  std::set<std::string> version_tags;
  for (const auto& x : c.versions) version_tags.insert(x.tag);
  const std::string repo = c.repository;
  const bool details = d.tab == "artifacts";
  const bool versions_tab = d.tab == "versions";
  std::vector<std::string> versions_digests;
  std::vector<bool> prov;
  for (std::size_t i = 0; i < c.versions.size() && i < 500; ++i) {
    versions_digests.push_back(c.versions[i].manifest_digest);
    prov.push_back(!c.versions[i].prov_digest.empty());
  }
  auto [artifacts, signed_versions] = co_await on_stores(
      ctx, [&ctx, &version_tags, &repo, &details, &versions_tab, &versions_digests, &prov] {
        std::vector<ui::ArtifactRow> rows;
        auto tags = ctx.meta.list_tags(repo, "", 1000).items;
        for (const auto& t : tags) {
          if (version_tags.count(t)) continue;
          if (rows.size() >= 200) break;
          ui::ArtifactRow row;
          row.tag = t;
          if (details) {
            if (auto digest = ctx.meta.resolve_tag(repo, t))
              if (auto m = ctx.meta.get_manifest(repo, *digest))
                row = artifact_row(ctx, repo, t, *m);
          }
          rows.push_back(std::move(row));
        }
        std::vector<bool> signs;
        if (versions_tab)
          for (std::size_t i = 0; i < versions_digests.size(); ++i)
            signs.push_back(prov[i] ||
                            has_cosign_signature(ctx, repo, Digest::parse(versions_digests[i])));
        return std::make_pair(std::move(rows), std::move(signs));
      });
  d.artifacts = std::move(artifacts);
  d.signed_versions = std::move(signed_versions);

  // Dependencies stored in this registry link to their pages.
  if (auto deps = v.entry().find("dependencies"); deps != v.entry().end() && deps->is_array()) {
    auto catalog = co_await catalog_of(r);
    const ui::Site site = d.site;
    for (const json& dep : *deps) {
      std::string href;
      if (dep.is_object()) {
        std::string where = dep.value("repository", ""), name = dep.value("name", "");
        std::string ns;
        for (const char* scheme : {"oci://", "http://", "https://"}) {
          std::string prefix = std::string(scheme) + site.host + "/";
          if (where.rfind(prefix, 0) == 0) ns = where.substr(prefix.size());
        }
        while (!ns.empty() && ns.back() == '/') ns.pop_back();
        if (!ns.empty() && !name.empty()) {
          std::string target = ns + "/" + name;
          if (const ui::ChartRepo* t = catalog->find(target); t && r.may(target, "pull"))
            href = ui::chart_href(target);
        }
      }
      d.dependency_links.push_back(href);
    }
  }
  co_return page(r, 200, ui::chart_page(r.viewer, d));
}

boost::asio::awaitable<http::Response> repository(Request& r, const std::string& repo) {
  Context& ctx = r.ctx;
  ui::RepoData d;
  d.repository = repo;
  std::string digest_param = r.req().param("digest");
  if (!digest_param.empty()) {
    Digest digest = parse_digest(digest_param);
    auto m = co_await on_stores(
        ctx, [&ctx, &repo, &digest] { return ctx.meta.get_manifest(repo, digest); });
    if (!m) co_return message(r, 404, "Not found", "No such manifest in " + repo + ".");
    d.manifest =
        co_await on_stores(ctx, [&ctx, &repo, &m] { return artifact_row(ctx, repo, "", *m); });
    try {
      d.manifest_json =
          parse_untrusted_json(m->bytes).dump(2, ' ', false, json::error_handler_t::replace);
    } catch (const Error&) {
      d.manifest_json = m->bytes.substr(0, 64 * 1024);
    }
    auto referrers = co_await on_stores(ctx, [&ctx, &repo, &digest] {
      std::vector<ui::ArtifactRow> rows;
      for (const auto& x : ctx.meta.referrers(repo, digest, {})) {
        if (rows.size() >= 200) break;
        rows.push_back(artifact_row(ctx, repo, "", x));
      }
      return rows;
    });
    d.referrers = std::move(referrers);
    co_return page(r, 200, ui::repo_page(r.viewer, d));
  }
  auto [rows, more] = co_await on_stores(ctx, [&ctx, &repo] {
    std::vector<ui::ArtifactRow> rows;
    auto tags = ctx.meta.list_tags(repo, "", 200);
    for (const auto& t : tags.items)
      if (auto digest = ctx.meta.resolve_tag(repo, t))
        if (auto m = ctx.meta.get_manifest(repo, *digest))
          rows.push_back(artifact_row(ctx, repo, t, *m));
    return std::make_pair(std::move(rows), tags.more);
  });
  d.rows = std::move(rows);
  d.more = more;
  co_return page(r, 200, ui::repo_page(r.viewer, d));
}

// "/<repository>" or "/<repository>/<version>", or a repository that holds no charts.
boost::asio::awaitable<http::Response> browse(Request& r, std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::string target = path.substr(1);
  auto catalog = co_await catalog_of(r);
  const std::string not_found = "There is no chart or repository here that you may see.";
  if (const ui::ChartRepo* c = catalog->find(target)) {
    if (!r.may(c->repository, "pull")) co_return message(r, 404, "Not found", not_found);
    co_return co_await chart(r, *c, c->latest(), false);
  }
  auto slash = target.rfind('/');
  if (slash != std::string::npos) {
    if (const ui::ChartRepo* c = catalog->find(target.substr(0, slash))) {
      const ui::ChartVersion* v = c->find(target.substr(slash + 1));
      if (v && r.may(c->repository, "pull")) co_return co_await chart(r, *c, *v, true);
      co_return message(r, 404, "Not found", not_found);
    }
  }
  if (!oci::valid_repository(target) || !r.may(target, "pull"))
    co_return message(r, 404, "Not found", not_found);
  Context& ctx = r.ctx;
  bool exists =
      co_await on_stores(ctx, [&ctx, &target] { return ctx.meta.repository_exists(target); });
  if (!exists) co_return message(r, 404, "Not found", not_found);
  co_return co_await repository(r, target);
}

boost::asio::awaitable<http::Response> compare(Request& r, const std::string& repo) {
  auto catalog = co_await catalog_of(r);
  const ui::ChartRepo* c = catalog->find(repo);
  if (!c || !r.may(repo, "pull")) co_return message(r, 404, "Not found", "No such chart.");
  ui::CompareData d;
  d.chart = c;
  d.from = c->find(r.req().param("from"));
  d.to = c->find(r.req().param("to"));
  if (!d.from || !d.to)
    co_return message(r, 400, "Compare", "Choose two versions of " + c->name + ".");
  d.split = r.req().param("view") == "split";
  d.a = co_await content_of(r, *d.from);
  d.b = co_await content_of(r, *d.to);
  if (!d.a || !d.b) co_return message(r, 500, "Compare", "A chart archive cannot be read.");
  co_return page(r, 200, ui::compare_page(r.viewer, d));
}

boost::asio::awaitable<http::Response> image(Request& r) {
  auto catalog = co_await catalog_of(r);
  const std::string repo = r.req().param("repo"), path = r.req().param("path");
  const ui::ChartRepo* c = catalog->find(repo);
  const ui::ChartVersion* v = c ? c->find(r.req().param("version")) : nullptr;
  if (!v || !r.may(repo, "pull")) co_return message(r, 404, "Not found", "No such image.");
  auto content = co_await content_of(r, *v);
  auto it = content ? content->images.find(path) : decltype(content->images)::const_iterator{};
  if (!content || it == content->images.end())
    co_return message(r, 404, "Not found", "No such image.");
  http::Response resp = page(r, 200, it->second, ui::image_type(path));
  // An SVG opened on its own runs nothing and loads nothing.
  resp.headers.erase("Content-Security-Policy");
  resp.headers.emplace("Content-Security-Policy",
                       "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  resp.headers.erase("Cache-Control");
  resp.headers.emplace("Cache-Control", "private, max-age=3600");
  co_return resp;
}

boost::asio::awaitable<http::Response> login(Request& r) {
  if (!r.viewer.can_sign_in)
    co_return message(r, 404, "Sign in", "This server has no users to sign in as.");
  if (r.req().method != "POST")
    co_return page(r, 200, ui::login_page(r.viewer, safe_next(r.req().param("next")), ""));
  std::string body = co_await r.ex.read_all(kMaxForm);
  auto form = http::parse_query(body);
  auto field = [&](const char* k) {
    auto it = form.find(k);
    return it == form.end() ? std::string() : it->second;
  };
  std::string next = safe_next(field("next"));
  if (r.new_browser || !ui::csrf_ok(r.st.key, r.browser, field("csrf")))
    co_return page(r, 403, ui::login_page(r.viewer, next, "The form expired; please try again."));
  std::string user = field("user").substr(0, 256), password = field("password").substr(0, 1024);
  const auth::Authenticator& authn = r.ctx.auth;
  bool ok =
      co_await offload([&authn, &user, &password] { return authn.check_password(user, password); });
  if (!ok) co_return page(r, 401, ui::login_page(r.viewer, next, "Wrong user name or password."));
  http::Response resp = redirect(r, next);
  resp.headers.emplace(
      "Set-Cookie", cookie(r, ui::kSessionCookie, ui::make_session(r.st.key, user, now_seconds()),
                           ui::kSessionLifetime.count()));
  co_return resp;
}

// POST forms other than sign-in: the CSRF token must match this browser's.
boost::asio::awaitable<std::optional<std::multimap<std::string, std::string>>> checked_form(
    Request& r) {
  std::string body = co_await r.ex.read_all(kMaxForm);
  auto form = http::parse_query(body);
  auto it = form.find("csrf");
  if (r.new_browser || it == form.end() || !ui::csrf_ok(r.st.key, r.browser, it->second))
    co_return std::nullopt;
  co_return form;
}

boost::asio::awaitable<http::Response> logout(Request& r) {
  auto form = co_await checked_form(r);
  if (!form) co_return message(r, 403, "Sign out", "The form expired; please try again.");
  http::Response resp = redirect(r, "/");
  resp.headers.emplace("Set-Cookie", cookie(r, ui::kSessionCookie, "", 0));
  co_return resp;
}

boost::asio::awaitable<http::Response> remove(Request& r) {
  auto form = co_await checked_form(r);
  if (!form) co_return message(r, 403, "Delete", "The form expired; please try again.");
  auto field = [&](const char* k) {
    auto it = form->find(k);
    return it == form->end() ? std::string() : it->second;
  };
  std::string repo = field("repo");
  if (!oci::valid_repository(repo)) co_return message(r, 400, "Delete", "No such repository.");
  if (!r.ctx.options.delete_enabled)
    co_return message(r, 405, "Delete", "Deleting is disabled on this server.");
  if (!r.may(repo, "delete"))
    co_return message(r, 403, "Delete", "You may not delete from " + repo + ".");
  Digest digest = parse_digest(field("digest"));
  Context& ctx = r.ctx;
  bool deleted = co_await on_stores(ctx, [&ctx, &repo, &digest] {
    std::shared_lock lock(ctx.commit_lock);
    return ctx.meta.delete_manifest(repo, digest);
  });
  if (!deleted) co_return message(r, 404, "Delete", "That version is already gone.");
  co_return redirect(r, ui::chart_href(repo) + "?tab=versions");
}

boost::asio::awaitable<http::Response> respond(Request& r) {
  const http::Request& req = r.req();
  const std::string& path = req.path;
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (path.size() > kMaxPath) co_return message(r, 404, "Not found", "No such page.");
  if (path == "/-/login" && (get || req.method == "POST")) co_return co_await login(r);
  if (path == "/-/logout" && req.method == "POST") co_return co_await logout(r);
  if (path == "/-/delete" && req.method == "POST") co_return co_await remove(r);
  if (!get) co_return message(r, 405, "Not allowed", "That method is not allowed here.");
  if (path.rfind("/-/static/", 0) == 0) {
    const ui::Asset* a = ui::find_asset(std::string_view(path).substr(10));
    if (!a) co_return message(r, 404, "Not found", "No such file.");
    http::Response resp = page(r, 200, std::string(a->body), std::string(a->content_type));
    resp.headers.erase("Cache-Control");
    resp.headers.emplace("Cache-Control", "public, max-age=300");
    co_return resp;
  }
  if (path == "/-/image") co_return co_await image(r);
  if (path.rfind("/-/compare/", 0) == 0) co_return co_await compare(r, path.substr(11));
  if (path == "/" || path.empty()) co_return co_await home(r);
  if (path.rfind("/-/", 0) == 0) co_return message(r, 404, "Not found", "No such page.");
  co_return co_await browse(r, path);
}

}  // namespace

std::shared_ptr<UiState> make_ui_state(const ApiOptions& options) {
  auto st = std::make_shared<UiState>();
  st->key = options.ui_key.empty() ? random_hex(32) : options.ui_key;
  return st;
}

void warm_ui(Context& ctx) {
  if (ctx.ui) build_and_keep(ctx, *ctx.ui, ctx.meta.generation());
}

bool is_ui_path(std::string_view path) {
  return path.rfind("/v2", 0) != 0 && path.rfind("/api/", 0) != 0 &&
         path.rfind("/_charthouse", 0) != 0 && !path.empty() && path[0] == '/';
}

Awaitable handle_ui(Context& ctx, http::Exchange& ex) {
  Request r = make_request(ctx, ex);
  http::Response resp;
  std::optional<std::pair<int, std::string>> failure;
  try {
    resp = co_await respond(r);
  } catch (const ApiError& e) {
    failure = {e.status(), e.what()};
  } catch (const Error& e) {
    int status = status_of(oci_error_of(e.code()));
    if (status >= 500)
      std::fprintf(stderr, "error: UI %s: %s\n", ex.request().path.substr(0, 256).c_str(),
                   e.what());
    failure = {status, status >= 500
                           ? std::string("The server could not answer (") +
                                 (status == 503 ? "a store is unavailable" : "internal error") +
                                 ")."
                           : std::string(e.what())};
  }
  if (failure)
    resp = message(r, failure->first, "Error " + std::to_string(failure->first), failure->second);
  if (ex.request().method == "HEAD") {
    resp.headers.emplace("Content-Length", std::to_string(resp.body.size()));
    resp.body.clear();
  }
  co_await ex.send(std::move(resp));
}

}  // namespace ch::server::handlers
