// GET /v2/ (the API version check, which asks for credentials when auth is on), /healthz
// and /metrics.
#include "server/handlers/context.hpp"

namespace ch::server::handlers {

Awaitable base(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  if (req.method != "GET" && req.method != "HEAD")
    throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  if (ctx.auth.config().mode != auth::Mode::kNone) require_scopes(ctx, req, {}, nullptr);
  http::Response r;
  r.headers.emplace("Content-Type", "application/json");
  r.body = "{}";
  co_await ex.send(std::move(r));
}

Awaitable health(Context&, http::Exchange& ex) {
  http::Response r;
  r.headers.emplace("Content-Type", "application/json");
  r.body = "{\"status\":\"ok\"}";
  co_await ex.send(std::move(r));
}

Awaitable metrics(Context& ctx, http::Exchange& ex) {
  http::Response r;
  r.headers.emplace("Content-Type", "text/plain; version=0.0.4");
  r.body = ctx.metrics.render();
  co_await ex.send(std::move(r));
}

}  // namespace ch::server::handlers
