// The front hall of `charthouse serve`: one HTTP handler over a BlobStore, a MetadataStore and
// an Authenticator that matches a request against the route table (routes.hpp), hands it to
// the handler of its area (handlers/), and turns what they throw into OCI error responses
// (errors.hpp). The OCI Distribution v1.1 API, _catalog, /token, /healthz, /metrics, the
// classic chart repository view and the ChartMuseum API.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>

#include "server/auth/auth.hpp"
#include "server/http/server.hpp"
#include "server/metrics.hpp"
#include "server/store/blob_store.hpp"
#include "server/store/metadata_store.hpp"

namespace ch::server {

struct ApiOptions {
  bool delete_enabled = true;
  bool auto_mount = true;  // POST ?mount=<digest> without from= mounts from any repository
  std::size_t max_manifest_bytes = 4 * 1024 * 1024;
  std::size_t page_size = 1000;  // referrers per page
  // POST /_charthouse/gc[?dry_run=1] runs `admin_gc` for a request that carries
  // `X-Charthouse-Admin: <admin_token>` and comes from a loopback address (this is how
  // `charthouse gc` reaches a running server). Empty token: the endpoint is off.
  std::string admin_token;
  std::function<nlohmann::ordered_json(bool dry_run)> admin_gc;
  // The web UI (handlers/ui.cpp) at "/" and "/-/...", and the secret that signs its sign-in
  // and CSRF cookies (read from ui_key_file, created 0600 when missing; the service fills
  // ui_key). Nodes behind one address share the file.
  bool ui = true;
  std::string ui_key_file;
  std::string ui_key;
  // With blobs in an object store: local copies of served blobs (store/blob_cache.hpp) under
  // blob_cache_dir, at most blob_cache_bytes (0: none).
  std::string blob_cache_dir;
  std::uint64_t blob_cache_bytes = 0;
};

namespace handlers {
struct Context;  // what the handlers share (handlers/context.hpp)
}

class Router {
 public:
  Router(ApiOptions options, store::BlobStore& blobs, store::MetadataStore& meta,
         const auth::Authenticator& auth, Metrics& metrics, std::shared_mutex& commit_lock);
  ~Router();
  boost::asio::awaitable<void> handle(http::Exchange& ex);
  // Drops upload sessions idle for longer than `age`; returns how many.
  std::size_t expire_uploads(std::chrono::seconds age);

 private:
  std::unique_ptr<handlers::Context> ctx_;
  std::future<void> warm_up_;  // the UI's chart list being built at start-up
};

}  // namespace ch::server
