// Content discovery: tag list and _catalog (sorted, ?n= and ?last= with a Link header), and
// the referrers API (artifactType filter with OCI-Filters-Applied, Link pagination).
#include <unordered_set>

#include "base/percent.hpp"
#include "server/handlers/context.hpp"

// GCC 12 reports a false -Wmismatched-new-delete for Asio's recycled coroutine frames of
// functions that await offload_to (on_stores).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace ch::server::handlers {

namespace {

using json = nlohmann::json;

Awaitable send_page(http::Exchange& ex, const std::string& path, long n, json body,
                    const store::Page& page) {
  http::Response r;
  r.headers.emplace("Content-Type", "application/json");
  if (page.more && n > 0 && !page.items.empty())
    r.headers.emplace("Link", next_link(path, n, page.items.back()));
  r.body = body.dump();
  co_await ex.send(std::move(r));
}

}  // namespace

Awaitable handle_tags(Context& ctx, http::Exchange& ex, const std::string& name) {
  const auto& req = ex.request();
  if (req.method != "GET") throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  require(ctx, req, name, {"pull"});
  long n = parse_page_size(req);
  const std::string last = req.param("last");
  json body;
  store::Page page = co_await on_stores(ctx, [&ctx, &name, &last, n, &body] {
    if (!ctx.meta.repository_exists(name))
      throw ApiError(OciError::kNameUnknown, "repository name not known to registry",
                     json{{"name", name}});
    store::Page page = n == 0 ? store::Page{} : ctx.meta.list_tags(name, last, n);
    body = {{"name", name}, {"tags", page.items}};
    // An extension other clients ignore: which of these tags hold Helm charts, so that a
    // version range resolved by charthouse skips images sharing the repository without one
    // request per tag (flux source-controller#1795, argo-cd#23140).
    if (!page.items.empty()) {
      std::unordered_set<std::string> charts;
      for (const store::ChartTag& t : ctx.meta.charts_under(name))
        if (t.repository == name) charts.insert(t.tag);
      json chart_tags = json::array();
      for (const std::string& t : page.items)
        if (charts.count(t)) chart_tags.push_back(t);
      body["charts"] = std::move(chart_tags);
    }
    return page;
  });
  co_await send_page(ex, "/v2/" + name + "/tags/list", n, std::move(body), page);
}

Awaitable handle_catalog(Context& ctx, http::Exchange& ex) {
  const auto& req = ex.request();
  if (req.method != "GET") throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  require_scopes(ctx, req, {auth::Scope{"registry", "catalog", {"*"}}}, nullptr);
  long n = parse_page_size(req);
  const std::string last = req.param("last");
  store::Page page = co_await on_stores(ctx, [&ctx, &last, n] {
    return n == 0 ? store::Page{} : ctx.meta.list_repositories(last, n);
  });
  json body = {{"repositories", page.items}};
  co_await send_page(ex, "/v2/_catalog", n, std::move(body), page);
}

Awaitable handle_referrers(Context& ctx, http::Exchange& ex, const std::string& name,
                           const std::string& ref) {
  const auto& req = ex.request();
  if (req.method != "GET") throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  require(ctx, req, name, {"pull"});
  Digest subject = parse_digest(ref);
  std::vector<std::string> types = req.params("artifactType");
  auto all = co_await on_stores(
      ctx, [&ctx, &name, &subject, &types] { return ctx.meta.referrers(name, subject, types); });
  // Pages of page_size descriptors; ?_page=k selects one (Link to the next).
  std::size_t per = ctx.options.page_size;
  std::size_t page_no = 0;
  std::string p = req.param("_page");
  if (!p.empty()) page_no = static_cast<std::size_t>(std::strtoul(p.c_str(), nullptr, 10));
  json manifests = json::array();
  for (std::size_t i = page_no * per; i < all.size() && i < (page_no + 1) * per; ++i) {
    const auto& m = all[i];
    json d = {{"mediaType", m.media_type}, {"digest", m.digest.str()}, {"size", m.bytes.size()}};
    if (!m.artifact_type.empty()) d["artifactType"] = m.artifact_type;
    if (!m.annotations.empty()) d["annotations"] = m.annotations;
    manifests.push_back(std::move(d));
  }
  json body = {{"schemaVersion", 2},
               {"mediaType", "application/vnd.oci.image.index.v1+json"},
               {"manifests", manifests}};
  http::Response r;
  r.headers.emplace("Content-Type", "application/vnd.oci.image.index.v1+json");
  if (!types.empty()) r.headers.emplace("OCI-Filters-Applied", "artifactType");
  if ((page_no + 1) * per < all.size()) {
    std::string link =
        "</v2/" + name + "/referrers/" + subject.str() + "?_page=" + std::to_string(page_no + 1);
    for (const auto& t : types) link += "&artifactType=" + percent_encode(t, "/");
    r.headers.emplace("Link", link + ">; rel=\"next\"");
  }
  r.body = body.dump();
  co_await ex.send(std::move(r));
}

}  // namespace ch::server::handlers
