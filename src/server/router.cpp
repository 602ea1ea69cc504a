#include "server/router.hpp"

#include <cstdio>

#include "base/error.hpp"
#include "server/errors.hpp"
#include "server/handlers/context.hpp"
#include "server/handlers/offload.hpp"
#include "server/routes.hpp"

namespace ch::server {

namespace {

using handlers::Awaitable;
using handlers::Context;
using Handler = Awaitable (*)(Context&, http::Exchange&, const Route&);

// Repository routes validate the name (matching only split the path) before their handler.
Awaitable checked(Context& ctx, http::Exchange& ex, const Route& r,
                  Awaitable (*handler)(Context&, http::Exchange&, const std::string&,
                                       const std::string&)) {
  handlers::check_name(r.name);
  co_await handler(ctx, ex, r.name, r.ref);
}

Awaitable charts(Context& ctx, http::Exchange& ex, const Route& r) {
  // (Not `if (!co_await ...)`: GCC 12 miscompiles a co_await inside a condition.)
  bool handled = co_await handlers::handle_charts(ctx, ex, r);
  if (!handled) throw ApiError(OciError::kNameUnknown, "no such route");
}

// The dispatch half of the route table: the handler of each route (routes.cpp matches the
// paths and names the routes). Adding an endpoint: its RouteKind and matcher in routes.cpp,
// one line here, its handler in handlers/.
struct Dispatch {
  RouteKind kind;
  Handler handler;
};
const Dispatch kDispatch[] = {
    {RouteKind::kHealth,
     [](Context& c, http::Exchange& ex, const Route&) { return handlers::health(c, ex); }},
    {RouteKind::kReady,
     [](Context& c, http::Exchange& ex, const Route&) { return handlers::ready(c, ex); }},
    {RouteKind::kMetrics,
     [](Context& c, http::Exchange& ex, const Route&) { return handlers::metrics(c, ex); }},
    {RouteKind::kAdminGc,
     [](Context& c, http::Exchange& ex, const Route&) { return handlers::admin_gc(c, ex); }},
    {RouteKind::kToken,
     [](Context& c, http::Exchange& ex, const Route&) { return handlers::token(c, ex); }},
    {RouteKind::kBase,
     [](Context& c, http::Exchange& ex, const Route&) { return handlers::base(c, ex); }},
    {RouteKind::kCatalog,
     [](Context& c, http::Exchange& ex, const Route&) { return handlers::handle_catalog(c, ex); }},
    {RouteKind::kUploadStart,
     [](Context& c, http::Exchange& ex, const Route& r) {
       return checked(c, ex, r, handlers::handle_upload);
     }},
    {RouteKind::kUpload, [](Context& c, http::Exchange& ex,
                            const Route& r) { return checked(c, ex, r, handlers::handle_upload); }},
    {RouteKind::kBlob, [](Context& c, http::Exchange& ex,
                          const Route& r) { return checked(c, ex, r, handlers::handle_blob); }},
    {RouteKind::kManifest,
     [](Context& c, http::Exchange& ex, const Route& r) {
       return checked(c, ex, r, handlers::handle_manifest);
     }},
    {RouteKind::kTags,
     [](Context& c, http::Exchange& ex, const Route& r) {
       return checked(c, ex, r,
                      [](Context& c2, http::Exchange& ex2, const std::string& name,
                         const std::string&) { return handlers::handle_tags(c2, ex2, name); });
     }},
    {RouteKind::kReferrers,
     [](Context& c, http::Exchange& ex, const Route& r) {
       return checked(c, ex, r, handlers::handle_referrers);
     }},
    {RouteKind::kApiChartVersion, charts},
    {RouteKind::kApiChart, charts},
    {RouteKind::kApiCharts, charts},
    {RouteKind::kIndex, charts},
    {RouteKind::kChartFile, charts},
};

Awaitable dispatch(Context& ctx, http::Exchange& ex) {
  std::optional<Route> route = match_route(ex.request().path);
  if (!route && ctx.options.ui && handlers::is_ui_path(ex.request().path)) {
    co_await handlers::handle_ui(ctx, ex);
    co_return;
  }
  if (!route) throw ApiError(OciError::kNameUnknown, "no such route");
  for (const Dispatch& d : kDispatch)
    if (d.kind == route->kind) {
      co_await d.handler(ctx, ex, *route);
      co_return;
    }
  throw ApiError(OciError::kNameUnknown, "no such route");
}

}  // namespace

Router::Router(ApiOptions options, store::BlobStore& blobs, store::MetadataStore& meta,
               const auth::Authenticator& auth, Metrics& metrics, std::shared_mutex& commit_lock)
    : ctx_(
          new Context{options, blobs, meta, auth, metrics, commit_lock, {}, {}, nullptr, nullptr}) {
  if (ctx_->options.ui) ctx_->ui = handlers::make_ui_state(ctx_->options);
  // The UI's chart list, built while the server starts rather than on the first visit; only
  // for a local metadata store (it holds every chart version, which a scale-out node only
  // does once someone browses it).
  if (ctx_->ui && !meta.remote())
    warm_up_ = std::async(std::launch::async, [c = ctx_.get()] {
      try {
        handlers::warm_ui(*c);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "warning: UI chart list: %s\n", e.what());
      }
    });
  if (!blobs.local_files() && ctx_->options.blob_cache_bytes > 0)
    ctx_->blob_cache = std::make_unique<store::BlobCache>(ctx_->options.blob_cache_dir,
                                                          ctx_->options.blob_cache_bytes);
}

Router::~Router() {
  if (warm_up_.valid()) warm_up_.wait();
}

std::size_t Router::expire_uploads(std::chrono::seconds age) {
  return ctx_->uploads.expire(age);
}

boost::asio::awaitable<void> Router::handle(http::Exchange& ex) {
  std::optional<http::Response> failure;
  try {
    // bcrypt (~50 ms of CPU per check) runs on the CPU pool; the authorize calls that
    // follow find the outcome cached.
    const std::string authorization = ex.request().header("Authorization");
    if (authorization.size() > 6 && (authorization[0] == 'B' || authorization[0] == 'b') &&
        ctx_->auth.config().mode != auth::Mode::kNone) {
      const auth::Authenticator& authenticator = ctx_->auth;
      co_await handlers::offload(
          [&authenticator, &authorization] { authenticator.verify_credentials(authorization); });
    }
    co_await dispatch(*ctx_, ex);
  } catch (const ApiError& e) {
    failure = error_response(e.error(), e.what(), e.detail());
    for (const auto& [k, v] : e.headers()) failure->headers.emplace(k, v);
  } catch (const Error& e) {
    const OciError error = oci_error_of(e.code());
    // A server-side failure says nothing of the server's files or internals to the client;
    // the details go to the log.
    std::string message = e.what();
    if (status_of(error) >= 500) {
      std::fprintf(stderr, "error: %s %s: %s\n", ex.request().method.c_str(),
                   ex.request().path.substr(0, 256).c_str(), message.c_str());
      message = "internal server error";
    }
    failure = error_response(error, message);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s %s: %s\n", ex.request().method.c_str(),
                 ex.request().path.substr(0, 256).c_str(), e.what());
    failure = error_response(OciError::kInternal, "internal server error");
  }
  if (failure && !ex.responded()) {
    if (ex.request().method == "HEAD") {
      failure->headers.emplace("Content-Length", std::to_string(failure->body.size()));
      failure->body.clear();
    }
    co_await ex.send(std::move(*failure));
  }
}

}  // namespace ch::server
