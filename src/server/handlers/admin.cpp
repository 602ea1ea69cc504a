// POST /_charthouse/gc: how `charthouse gc` asks a running server on the same machine to
// collect now (loopback only, with the admin token from the registry root).
#include "server/handlers/context.hpp"

namespace ch::server::handlers {

namespace {

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

}  // namespace

Awaitable admin_gc(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  if (ctx.options.admin_token.empty() || !ctx.options.admin_gc || !loopback(req.remote) ||
      !same_secret(req.header("X-Charthouse-Admin"), ctx.options.admin_token))
    throw ApiError(OciError::kDenied, "administration is only for charthouse gc on this machine");
  if (req.method != "POST") throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  std::string dry = req.param("dry_run");
  http::Response r;
  r.headers.emplace("Content-Type", "application/json");
  r.body = ctx.options.admin_gc(dry == "1" || dry == "true").dump();
  co_await ex.send(std::move(r));
}

}  // namespace ch::server::handlers
