// What the API handlers share: options, stores, auth, metrics, upload sessions, and the
// helpers every area uses (authorization, digest/name parsing). Internal to registry/api.
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/errors.hpp"
#include "server/handlers/offload.hpp"
#include "server/router.hpp"
#include "server/routes.hpp"
#include "server/store/blob_cache.hpp"

namespace ch::server::handlers {

struct UploadSession {
  std::string repository;
  std::string client;  // the address that opened it (for the per-client limit)
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::unique_ptr<store::Upload> upload;
  std::chrono::steady_clock::time_point touched;
  std::mutex mu;      // one request at a time per session
  bool busy = false;  // a request is streaming into it
};

// Open upload sessions. Bounded: at most kMaxPerClient per client address and kMax in all
// (create() throws ApiError 429 TOOMANYREQUESTS past them); idle ones hold no descriptor.
class UploadSessions {
 public:
  static constexpr std::size_t kMax = 100000;
  static constexpr std::size_t kMaxPerClient = 1000;
  std::shared_ptr<UploadSession> create(const std::string& id, std::shared_ptr<UploadSession> s);
  std::shared_ptr<UploadSession> find(const std::string& id);
  void erase(const std::string& id);
  std::size_t expire(std::chrono::seconds age);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<UploadSession>> sessions_;
  std::unordered_map<std::string, std::size_t> per_client_;
  void forget(const UploadSession& s);  // with mu_ held
};

// "ip" of a request's remote "ip:port" / "[v6]:port".
std::string client_of(const http::Request& req);

struct UiState;  // the web UI's caches (ui.cpp)

struct Context {
  ApiOptions options;
  store::BlobStore& blobs;
  store::MetadataStore& meta;
  const auth::Authenticator& auth;
  Metrics& metrics;
  std::shared_mutex& commit_lock;  // shared while committing+linking; GC holds it exclusively
  UploadSessions uploads;
  // Signature checks of the signature policy (signatures.cpp), per "repo@digest keys", valid
  // for one store generation.
  struct VerifiedSignatures {
    struct Entry {
      std::uint64_t generation = 0;
      std::optional<std::string> result;
    };
    std::mutex mu;
    std::unordered_map<std::string, Entry> by_key;
  } verified;
  std::shared_ptr<UiState> ui;  // with the web UI on (make_ui_state)
  // Local copies of object-store blobs (find_blob, send_blob_body); null for local files.
  std::unique_ptr<store::BlobCache> blob_cache;
};

// Runs f(), a sequence of store calls: inline when both stores are local (files, SQLite held
// in memory), else on the store pool, so that an I/O thread never waits on S3 or PostgreSQL.
template <typename F>
boost::asio::awaitable<std::invoke_result_t<F>> on_stores(Context& ctx, F f) {
  if (ctx.blobs.local_files() && !ctx.meta.remote()) co_return f();
  co_return co_await offload_to(store_pool(), std::move(f));
}

// Throws ApiError(401/403, with the auth challenge) unless the request holds every scope.
void require_scopes(const Context& ctx, const http::Request& req,
                    const std::vector<auth::Scope>& scopes, const nlohmann::json& detail);
// Throws ApiError(401/403) unless the request may do `actions` on repository `name`.
void require(const Context& ctx, const http::Request& req, const std::string& name,
             std::vector<std::string> actions);
// Throws ApiError NAME_INVALID unless `name` is a valid repository name.
void check_name(const std::string& name);
// Parses a digest from the URL/query; throws ApiError 400 DIGEST_INVALID.
Digest parse_digest(const std::string& text);
bool looks_like_digest(const std::string& ref);

// Parses and validates a manifest pushed with `content_type`; fills everything the store
// needs except digest and chart (400 MANIFEST_INVALID when malformed).
store::Manifest parse_manifest(const std::string& name, const std::string& bytes,
                               std::string content_type);
// For a Helm chart manifest whose config blob is stored: its classic index entry (see
// store::Manifest::chart); "" for anything else.
std::string chart_info(Context& ctx, const store::Manifest& m);

using Awaitable = boost::asio::awaitable<void>;
// One per area, dispatched by the router's table (router.cpp).
Awaitable base(Context& ctx, http::Exchange& ex);      // base.cpp: GET /v2/
Awaitable health(Context& ctx, http::Exchange& ex);    // base.cpp
Awaitable ready(Context& ctx, http::Exchange& ex);     // base.cpp
Awaitable metrics(Context& ctx, http::Exchange& ex);   // base.cpp
Awaitable token(Context& ctx, http::Exchange& ex);     // token.cpp
Awaitable admin_gc(Context& ctx, http::Exchange& ex);  // admin.cpp
// The web UI (ui.cpp): every path is_ui_path accepts that no API route matched.
bool is_ui_path(std::string_view path);
// Its caches and signing key (from options.ui_key, else a random one for this process).
std::shared_ptr<UiState> make_ui_state(const ApiOptions& options);
// Builds the UI's chart list now (the router runs it on a thread of its own at start-up, so
// the first visitor does not wait for it).
void warm_ui(Context& ctx);
Awaitable handle_ui(Context& ctx, http::Exchange& ex);
Awaitable handle_blob(Context& ctx, http::Exchange& ex, const std::string& name,
                      const std::string& ref);
// A blob about to be sent (blobs.cpp): its open file from a local store (or the node's copy
// of an object-store blob), else only its size from the object store (send_blob_body streams
// it). nullopt when the store does not have it.
struct BlobSource {
  std::optional<store::BlobFile> file;
  std::uint64_t size = 0;
};
// `linked`: the blob's size as linked to the request's repository in the metadata, when the
// caller checked that (a node's copy then serves it without asking the object store).
boost::asio::awaitable<std::optional<BlobSource>> find_blob(
    Context& ctx, const Digest& digest, std::optional<std::uint64_t> linked = std::nullopt);
// Sends `length` bytes of the blob from `offset` after `r`'s headers: with sendfile from
// the source's file (a local store, or the node's copy of an object-store blob), else streamed
// from the object store (a whole-blob download then leaves a copy in ctx.blob_cache).
Awaitable send_blob_body(Context& ctx, http::Exchange& ex, http::Response r, const Digest& digest,
                         const BlobSource& source, std::uint64_t offset, std::uint64_t length);
Awaitable handle_upload(Context& ctx, http::Exchange& ex, const std::string& name,
                        const std::string& id);
Awaitable handle_manifest(Context& ctx, http::Exchange& ex, const std::string& name,
                          const std::string& ref);
Awaitable handle_tags(Context& ctx, http::Exchange& ex, const std::string& name);
Awaitable handle_catalog(Context& ctx, http::Exchange& ex);
// The classic repository view and ChartMuseum API (charts.cpp): true when `path` was one
// of their routes (and answered).
boost::asio::awaitable<bool> handle_charts(Context& ctx, http::Exchange& ex, const Route& route);
Awaitable handle_referrers(Context& ctx, http::Exchange& ex, const std::string& name,
                           const std::string& ref);

// "?n=" and "&last=" pagination shared by tags and catalog: parses n (throws 400 on bad),
// and builds the Link header for the next page.
long parse_page_size(const http::Request& req);
std::string next_link(const std::string& path, long n, const std::string& last);

}  // namespace ch::server::handlers
