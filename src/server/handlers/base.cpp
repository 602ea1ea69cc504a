// GET /v2/ (the API version check, which asks for credentials when auth is on), /healthz
// (liveness, with the stores' state), /readyz (readiness: 503 while a store is unreachable)
// and /metrics.
#include "server/handlers/context.hpp"
#include "server/handlers/offload.hpp"

// GCC 12 reports a false -Wmismatched-new-delete for Asio's recycled coroutine frames of
// functions that await offload_to.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

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

namespace {

// Whether each store answers: "ok" or why not (an object store or database that is down).
nlohmann::json store_status(Context& ctx) {
  nlohmann::json j = nlohmann::json::object();
  try {
    ctx.blobs.size_of(digest_of(""));
    j["blobs"] = "ok";
  } catch (const std::exception& e) {
    j["blobs"] = e.what();
  }
  try {
    ctx.meta.generation();
    j["metadata"] = "ok";
  } catch (const std::exception& e) {
    j["metadata"] = e.what();
  }
  return j;
}

Awaitable send_status(Context& ctx, http::Exchange& ex, bool readiness) {
  nlohmann::json stores = co_await offload_to(store_pool(), [&ctx] { return store_status(ctx); });
  const bool ready = stores["blobs"] == "ok" && stores["metadata"] == "ok";
  http::Response r;
  // Liveness (/healthz) is this process answering; readiness (/readyz, for a load balancer)
  // also needs its stores.
  r.status = readiness && !ready ? 503 : 200;
  r.headers.emplace("Content-Type", "application/json");
  r.headers.emplace("Cache-Control", "no-store");
  nlohmann::json body = {{"status", ready ? "ok" : "degraded"}, {"stores", stores}};
  r.body = body.dump();
  co_await ex.send(std::move(r));
}

}  // namespace

Awaitable health(Context& ctx, http::Exchange& ex) {
  co_await send_status(ctx, ex, false);
}

Awaitable ready(Context& ctx, http::Exchange& ex) {
  co_await send_status(ctx, ex, true);
}

Awaitable metrics(Context& ctx, http::Exchange& ex) {
  http::Response r;
  r.headers.emplace("Content-Type", "text/plain; version=0.0.4");
  r.body = ctx.metrics.render();
  if (ctx.blob_cache) {
    const auto s = ctx.blob_cache->stats();
    auto metric = [&r](const char* name, const char* type, const char* help, std::uint64_t v) {
      r.body += std::string("# HELP charthouse_blob_cache_") + name + " " + help + "\n# TYPE " +
                "charthouse_blob_cache_" + name + " " + type + "\ncharthouse_blob_cache_" + name +
                " " + std::to_string(v) + "\n";
    };
    metric("bytes", "gauge", "Bytes of object-store blobs copied on this node.", s.bytes);
    metric("files", "gauge", "Object-store blobs copied on this node.", s.files);
    metric("hits_total", "counter", "Blob reads served from this node's copy.", s.hits);
    metric("misses_total", "counter", "Blob reads that found no copy on this node.", s.misses);
    metric("fills_total", "counter", "Copies written by whole-blob downloads.", s.fills);
    metric("evictions_total", "counter", "Copies removed to stay within the size limit.",
           s.evictions);
    metric("rejected_total", "counter", "Copies discarded because digest or size differed.",
           s.rejected);
  }
  co_await ex.send(std::move(r));
}

}  // namespace ch::server::handlers
