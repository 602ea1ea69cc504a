// /token: the Docker token endpoint (GET with Basic or anonymous, OAuth2 POST), answered by
// the Authenticator in token mode; 404 otherwise.
#include "server/handlers/context.hpp"
#include "server/http/url.hpp"

namespace ch::server::handlers {

Awaitable token(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  if (ctx.auth.config().mode != auth::Mode::kToken)
    throw ApiError(OciError::kNotEnabled, "token authentication is not enabled");
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

}  // namespace ch::server::handlers
