#include "server/handlers/registry.hpp"

#include <openssl/rand.h>

#include <cstdio>

#include "base/error.hpp"
#include "base/percent.hpp"
#include "oci/reference.hpp"
#include "server/handlers/context.hpp"
#include "server/handlers/offload.hpp"
#include "server/routes.hpp"
#include "server/http/url.hpp"

namespace ch::server::handlers {

std::shared_ptr<Session> UploadSessions::create(const std::string& id, std::shared_ptr<Session> s) {
  std::lock_guard lock(mu_);
  std::size_t& mine = per_client_[s->client];
  if (sessions_.size() >= kMax || mine >= kMaxPerClient) {
    if (mine == 0) per_client_.erase(s->client);
    throw ApiError(429, "TOOMANYREQUESTS",
                   "too many open upload sessions; finish or cancel some first");
  }
  ++mine;
  s->touched = std::chrono::steady_clock::now();
  sessions_[id] = s;
  return s;
}

std::shared_ptr<Session> UploadSessions::find(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void UploadSessions::forget(const Session& s) {
  auto it = per_client_.find(s.client);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

void UploadSessions::erase(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  forget(*it->second);
  sessions_.erase(it);
}

std::string client_of(const http::Request& req) {
  const std::string& r = req.remote;
  if (!r.empty() && r[0] == '[') return r.substr(0, r.find(']') + 1);
  return r.substr(0, r.rfind(':'));
}

std::size_t UploadSessions::expire(std::chrono::seconds age) {
  std::vector<std::shared_ptr<Session>> dropped;
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      std::unique_lock slock(it->second->mu, std::try_to_lock);
      if (slock.owns_lock() && !it->second->busy && now - it->second->touched > age) {
        dropped.push_back(it->second);
        forget(*it->second);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : dropped) {
    std::lock_guard slock(s->mu);
    if (s->upload) s->upload->cancel();
  }
  return dropped.size();
}

bool looks_like_digest(const std::string& ref) {
  return ref.find(':') != std::string::npos;
}

Digest parse_digest(const std::string& text) {
  try {
    return Digest::parse(text);
  } catch (const Error& e) {
    throw ApiError(400, "DIGEST_INVALID", e.what());
  }
}

void require_scopes(const Context& ctx, const http::Request& req,
                    const std::vector<auth::Scope>& scopes, const nlohmann::json& detail) {
  auto d = ctx.auth.authorize(req.header("Authorization"), scopes, req.header("Host"), req.tls);
  if (d.allowed) return;
  http::Headers h;
  if (!d.www_authenticate.empty()) h.emplace("WWW-Authenticate", d.www_authenticate);
  throw ApiError(d.status, d.error_code.empty() ? "UNAUTHORIZED" : d.error_code, d.message, detail,
                 std::move(h));
}

void require(const Context& ctx, const http::Request& req, const std::string& name,
             std::vector<std::string> actions) {
  auth::Scope scope{"repository", name, std::move(actions)};
  require_scopes(ctx, req, {scope},
                 nlohmann::json::array(
                     {{{"Type", "repository"}, {"Name", name}, {"Action", scope.actions.back()}}}));
}

long parse_page_size(const http::Request& req) {
  std::string n = req.param("n");
  if (n.empty()) return -1;
  char* end = nullptr;
  long v = std::strtol(n.c_str(), &end, 10);
  if (end == n.c_str() || *end != '\0' || v < 0 || v > 100000)
    throw ApiError(400, "UNSUPPORTED", "invalid page size n=" + n);
  return v;
}

std::string next_link(const std::string& path, long n, const std::string& last) {
  return "<" + path + "?n=" + std::to_string(n) + "&last=" + percent_encode(last, "/") +
         ">; rel=\"next\"";
}

namespace {

void check_name(const std::string& name) {
  if (!oci::valid_repository(name))  // also bounds the length: no name over 255 is valid
    throw ApiError(400, "NAME_INVALID", "invalid repository name");
}

Awaitable base(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  if (ctx.auth.config().mode != auth::Mode::kNone) require_scopes(ctx, req, {}, nullptr);
  http::Response r;
  r.headers.emplace("Content-Type", "application/json");
  r.body = "{}";
  co_await ex.send(std::move(r));
}

Awaitable token(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  std::multimap<std::string, std::string> params = req.query;
  if (req.method == "POST") {
    // application/x-www-form-urlencoded (OAuth2 grants), decoded as the query is.
    std::string body = co_await ex.read_all(64 * 1024);
    params.merge(http::parse_query(body));
  }
  auto reply = ctx.auth.token(req.method, params, req.header("Authorization"));
  http::Response r;
  r.status = reply.status;
  r.headers.emplace("Content-Type", reply.content_type);
  r.headers.emplace("Cache-Control", "no-store");
  if (!reply.www_authenticate.empty())
    r.headers.emplace("WWW-Authenticate", reply.www_authenticate);
  r.body = reply.body;
  co_await ex.send(std::move(r));
}

bool loopback(const std::string& remote) {
  return remote.rfind("127.", 0) == 0 || remote.rfind("[::1]", 0) == 0 ||
         remote.rfind("::1", 0) == 0;
}

// Constant-time comparison of the admin token.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Awaitable admin_gc(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  if (ctx.options.admin_token.empty() || !ctx.options.admin_gc || !loopback(req.remote) ||
      !same_secret(req.header("X-Charthouse-Admin"), ctx.options.admin_token))
    throw ApiError(403, "DENIED", "administration is only for charthouse gc on this machine");
  if (req.method != "POST") throw ApiError(405, "UNSUPPORTED", "method not allowed");
  std::string dry = req.param("dry_run");
  http::Response r;
  r.headers.emplace("Content-Type", "application/json");
  r.body = ctx.options.admin_gc(dry == "1" || dry == "true").dump();
  co_await ex.send(std::move(r));
}

Awaitable dispatch(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  std::optional<Route> route = match_route(req.path);
  if (!route) throw ApiError(404, "NAME_UNKNOWN", "no such route");
  switch (route->kind) {
    case RouteKind::kHealth: {
      http::Response r;
      r.headers.emplace("Content-Type", "application/json");
      r.body = "{\"status\":\"ok\"}";
      co_await ex.send(std::move(r));
      co_return;
    }
    case RouteKind::kMetrics: {
      http::Response r;
      r.headers.emplace("Content-Type", "text/plain; version=0.0.4");
      r.body = ctx.metrics.render();
      co_await ex.send(std::move(r));
      co_return;
    }
    case RouteKind::kAdminGc:
      co_await admin_gc(ctx, ex);
      co_return;
    case RouteKind::kToken:
      if (ctx.auth.config().mode != auth::Mode::kToken)
        throw ApiError(404, "UNSUPPORTED", "token authentication is not enabled");
      co_await token(ctx, ex);
      co_return;
    case RouteKind::kBase:
      if (req.method != "GET" && req.method != "HEAD")
        throw ApiError(405, "UNSUPPORTED", "method not allowed");
      co_await base(ctx, ex);
      co_return;
    case RouteKind::kCatalog:
      if (req.method != "GET") throw ApiError(405, "UNSUPPORTED", "method not allowed");
      co_await handle_catalog(ctx, ex);
      co_return;
    case RouteKind::kUploadStart:
    case RouteKind::kUpload:
      check_name(route->name);
      co_await handle_upload(ctx, ex, route->name, route->ref);
      co_return;
    case RouteKind::kBlob:
      check_name(route->name);
      co_await handle_blob(ctx, ex, route->name, route->ref);
      co_return;
    case RouteKind::kManifest:
      check_name(route->name);
      co_await handle_manifest(ctx, ex, route->name, route->ref);
      co_return;
    case RouteKind::kTags:
      check_name(route->name);
      co_await handle_tags(ctx, ex, route->name);
      co_return;
    case RouteKind::kReferrers:
      check_name(route->name);
      co_await handle_referrers(ctx, ex, route->name, route->ref);
      co_return;
    case RouteKind::kApiChartVersion:
    case RouteKind::kApiChart:
    case RouteKind::kApiCharts:
    case RouteKind::kIndex:
    case RouteKind::kChartFile: {
      bool handled = co_await handle_charts(ctx, ex, *route);
      if (handled) co_return;
      break;
    }
  }
  throw ApiError(404, "NAME_UNKNOWN", "no such route");
}

}  // namespace

Registry::Registry(ApiOptions options, store::BlobStore& blobs, store::MetadataStore& meta,
                   const auth::Authenticator& auth, Metrics& metrics,
                   std::shared_mutex& commit_lock)
    : ctx_(new Context{options, blobs, meta, auth, metrics, commit_lock, {}}) {}

Registry::~Registry() = default;

std::size_t Registry::expire_uploads(std::chrono::seconds age) {
  return ctx_->uploads.expire(age);
}

boost::asio::awaitable<void> Registry::handle(http::Exchange& ex) {
  std::optional<http::Response> failure;
  try {
    // bcrypt (~50 ms of CPU per check) runs on the CPU pool; the authorize calls that
    // follow find the outcome cached.
    const std::string authorization = ex.request().header("Authorization");
    if (authorization.size() > 6 && (authorization[0] == 'B' || authorization[0] == 'b') &&
        ctx_->auth.config().mode != auth::Mode::kNone) {
      const auth::Authenticator& authenticator = ctx_->auth;
      co_await offload(
          [&authenticator, &authorization] { authenticator.verify_credentials(authorization); });
    }
    co_await dispatch(*ctx_, ex);
  } catch (const ApiError& e) {
    failure = error_response(e.status(), e.code(), e.what(), e.detail());
    for (const auto& [k, v] : e.headers()) failure->headers.emplace(k, v);
  } catch (const Error& e) {
    int status = 500;
    std::string code = "UNKNOWN";
    switch (e.code()) {
      case ErrorCode::kTooLarge:
        status = 413;
        code = "SIZE_INVALID";
        break;
      case ErrorCode::kInvalidArgument:
        status = 400;
        code = "UNSUPPORTED";
        break;
      case ErrorCode::kDigestMismatch:
        status = 400;
        code = "DIGEST_INVALID";
        break;
      case ErrorCode::kNotFound:
        status = 404;
        code = "BLOB_UNKNOWN";
        break;
      default:
        break;
    }
    // A server-side failure says nothing of the server's files or internals to the client;
    // the details go to the log.
    std::string message = e.what();
    if (status >= 500) {
      std::fprintf(stderr, "error: %s %s: %s\n", ex.request().method.c_str(),
                   ex.request().path.substr(0, 256).c_str(), message.c_str());
      message = "internal server error";
    }
    failure = error_response(status, code, message);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s %s: %s\n", ex.request().method.c_str(),
                 ex.request().path.substr(0, 256).c_str(), e.what());
    failure = error_response(500, "UNKNOWN", "internal server error");
  }
  if (failure && !ex.responded()) {
    if (ex.request().method == "HEAD") {
      failure->headers.emplace("Content-Length", std::to_string(failure->body.size()));
      failure->body.clear();
    }
    co_await ex.send(std::move(*failure));
  }
}

}  // namespace ch::server::handlers
