// The OCI Distribution v1.1 API (plus _catalog, /token, /healthz, /metrics) as one HTTP
// handler over a BlobStore, a MetadataStore and an Authenticator.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>

#include "server/auth/auth.hpp"
#include "server/http/server.hpp"
#include "server/metrics.hpp"
#include "server/store/blob_store.hpp"
#include "server/store/metadata_store.hpp"

namespace ch::server::handlers {

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
};

class UploadSessions;

class Registry {
 public:
  Registry(ApiOptions options, store::BlobStore& blobs, store::MetadataStore& meta,
           const auth::Authenticator& auth, Metrics& metrics, std::shared_mutex& commit_lock);
  ~Registry();
  boost::asio::awaitable<void> handle(http::Exchange& ex);
  // Drops upload sessions idle for longer than `age`; returns how many.
  std::size_t expire_uploads(std::chrono::seconds age);

  struct Context;  // shared by the handlers of each API area (context.hpp)

 private:
  std::unique_ptr<Context> ctx_;
};

}  // namespace ch::server::handlers
