// Blob uploads: POST (new session, single-POST monolithic with ?digest=, cross-repository
// mount with ?mount=&from=, automatic mount), PATCH chunks (with and without
// Content-Range, streamed without Content-Length), PUT to close, GET status, DELETE cancel.
// Bodies are hashed in one pass while they stream to disk.
#include "base/error.hpp"
#include "base/random.hpp"
#include "oci/reference.hpp"
#include "server/handlers/context.hpp"
#include "server/handlers/offload.hpp"

namespace ch::server::handlers {

namespace {

constexpr std::size_t kChunk = 1 << 20;

std::string upload_location(const std::string& name, const std::string& id, std::uint64_t size) {
  // A fresh Location per chunk: the offset makes each one distinct; it is informational.
  return "/v2/" + name + "/blobs/uploads/" + id + "?_state=" + std::to_string(size);
}

std::string range_value(std::uint64_t size) {
  return "0-" + std::to_string(size == 0 ? 0 : size - 1);
}

// An open session's state: Location (fresh per chunk), Range received so far, its id.
Awaitable send_progress(http::Exchange& ex, int status, const std::string& name,
                        const std::string& id, std::uint64_t size) {
  http::Response r;
  r.status = status;
  r.headers.emplace("Location", upload_location(name, id, size));
  r.headers.emplace("Range", range_value(size));
  r.headers.emplace("Docker-Upload-UUID", id);
  r.headers.emplace("Content-Length", "0");
  co_await ex.send(std::move(r));
}

// Streams the request body into the upload. Returns the bytes appended.
boost::asio::awaitable<std::uint64_t> stream_body(Context& ctx, http::Exchange& ex,
                                                  store::Upload& up) {
  std::uint64_t n = 0;
  const auto& req = ex.request();
  std::string buf;
  while (true) {
    // A recycled buffer keeps its capacity: no new memory to fault in. A small body gets a
    // buffer of its size.
    std::uint64_t want = kChunk;
    if (req.content_length) {
      if (*req.content_length <= n) break;
      want = std::min(want, *req.content_length - n);
    }
    buf.resize(static_cast<std::size_t>(want));
    std::size_t got = co_await ex.read_some(buf.data(), buf.size());
    if (got == 0) break;
    buf.resize(got);
    n += got;
    if (ctx.blobs.local_files()) {
      buf = up.append_owned(std::move(buf));
    } else {
      // (Captures by reference only: GCC 12 destroys a lambda temporary with an owning
      // capture twice when it is a coroutine's argument.)
      std::string back = co_await offload_to(
          store_pool(), [&up, &buf]() { return up.append_owned(std::move(buf)); });
      buf = std::move(back);
    }
  }
  if (req.content_length && *req.content_length != n)
    throw ApiError(OciError::kSizeInvalid, "body shorter than Content-Length");
  co_return n;
}

// 201 Created for a blob now in the repository (upload finished or mounted).
Awaitable blob_created(http::Exchange& ex, const std::string& name, const Digest& d) {
  http::Response r;
  r.status = 201;
  r.headers.emplace("Location", "/v2/" + name + "/blobs/" + d.str());
  r.headers.emplace("Docker-Content-Digest", d.str());
  r.headers.emplace("Content-Length", "0");
  co_await ex.send(std::move(r));
}

// Commits the session's data under `expected` and links it into the repository.
void commit_and_link(Context& ctx, const std::string& name, store::Upload& up,
                     const Digest& expected) {
  std::uint64_t size = up.size();
  {
    std::shared_lock lock(ctx.commit_lock);   // GC must not delete it between commit and link
    auto cluster = ctx.meta.share_commits();  // ... nor a collector on another node
    try {
      up.commit(expected);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kDigestMismatch)
        throw ApiError(OciError::kDigestInvalid, "provided digest did not match uploaded content",
                       expected.str());
      throw;
    }
    ctx.meta.link_blob(name, expected, size);
  }
  ctx.metrics.upload_committed(size);
}

bool can_pull(const Context& ctx, const http::Request& req, const std::string& repo) {
  auth::Scope s{"repository", repo, {"pull"}};
  return ctx.auth.authorize(req.header("Authorization"), {s}, req.header("Host"), req.tls).allowed;
}

Awaitable start(Context& ctx, http::Exchange& ex, const std::string& name) {
  const auto& req = ex.request();
  std::string mount = req.param("mount");
  if (!mount.empty()) {
    Digest d = parse_digest(mount);
    std::string from = req.param("from");
    const bool mounted = co_await on_stores(ctx, [&ctx, &req, &name, &from, &d] {
      std::optional<std::string> source;
      if (!from.empty()) {
        if (ctx.meta.blob_in_repo(from, d) && can_pull(ctx, req, from)) source = from;
      } else if (ctx.options.auto_mount) {
        if (auto repo = ctx.meta.repo_with_blob(d); repo && can_pull(ctx, req, *repo))
          source = repo;
      }
      if (!source) return false;
      std::shared_lock lock(ctx.commit_lock);
      auto cluster = ctx.meta.share_commits();
      auto size = ctx.meta.blob_in_repo(*source, d);
      if (!size || !ctx.blobs.size_of(d)) return false;
      ctx.meta.link_blob(name, d, *size);
      return true;
    });
    if (mounted) {
      co_await blob_created(ex, name, d);
      co_return;
    }
    // Not mountable: fall through to a normal upload session (202).
  }

  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::string alg = req.param("digest-algorithm");
  if (!alg.empty()) {
    if (alg == "sha512") {
      algorithm = DigestAlgorithm::kSha512;
    } else if (alg != "sha256") {
      throw ApiError(OciError::kDigestInvalid, "unsupported digest algorithm " + alg);
    }
  }
  std::string digest_param = req.param("digest");
  std::optional<Digest> expected;
  if (!digest_param.empty()) {
    expected = parse_digest(digest_param);
    algorithm = expected->algorithm;
  }

  std::string id = random_uuid();
  auto session = std::make_shared<UploadSession>();
  session->repository = name;
  session->client = client_of(req);
  session->algorithm = algorithm;
  session->upload = ctx.blobs.start_upload(id, algorithm, name);
  ctx.metrics.upload_started();

  if (expected) {  // monolithic single POST
    try {
      co_await stream_body(ctx, ex, *session->upload);
      co_await on_stores(ctx, [&] { commit_and_link(ctx, name, *session->upload, *expected); });
    } catch (...) {
      // (An object-store session never suspended is cancelled by its destructor.)
      if (ctx.blobs.local_files()) session->upload->cancel();
      throw;
    }
    co_await blob_created(ex, name, *expected);
    co_return;
  }
  if (ctx.blobs.shared_sessions()) {
    // The session lives in the shared store: any node continues it.
    co_await on_stores(ctx, [&] { session->upload->suspend(); });
    co_await send_progress(ex, 202, name, id, 0);
    co_return;
  }
  try {
    ctx.uploads.create(id, session);
  } catch (...) {
    session->upload->cancel();
    throw;
  }
  session->upload->suspend();  // no descriptor held while the client is away
  co_await send_progress(ex, 202, name, id, 0);
}

// Marks the session busy for the duration of one request, so expiry leaves it alone and a
// concurrent request on the same session is refused.
class SessionUse {
 public:
  explicit SessionUse(std::shared_ptr<UploadSession> s) : s_(std::move(s)) {
    std::lock_guard lock(s_->mu);
    if (s_->busy) throw ApiError(OciError::kUploadBusy, "upload is in use by another request");
    s_->busy = true;
  }
  ~SessionUse() { release(); }
  // Ends the use before the response goes out: a client may send its next request on the
  // session the moment it has the response, before this coroutine resumes.
  void release() {
    if (released_) return;
    released_ = true;
    std::lock_guard lock(s_->mu);
    s_->busy = false;
    s_->touched = std::chrono::steady_clock::now();
  }
  UploadSession& operator*() { return *s_; }

 private:
  std::shared_ptr<UploadSession> s_;
  bool released_ = false;
};

// Checks Content-Range (when present) against the session's size: chunks must be in order.
void check_content_range(const http::Request& req, const std::string& name, const std::string& id,
                         std::uint64_t size) {
  std::string cr = req.header("Content-Range");
  if (cr.empty()) return;
  auto out_of_order = [&] {
    http::Headers h;
    h.emplace("Location", upload_location(name, id, size));
    h.emplace("Range", range_value(size));
    return ApiError(OciError::kUploadOutOfOrder,
                    "chunk out of order: expected offset " + std::to_string(size), nullptr,
                    std::move(h));
  };
  std::uint64_t first = 0, last = 0;
  if (!parse_content_range(cr, &first, &last)) throw out_of_order();
  if (first != size || last < first) throw out_of_order();
  if (req.content_length && *req.content_length != last - first + 1)
    throw ApiError(OciError::kSizeInvalid, "Content-Length does not match Content-Range");
}

}  // namespace

Awaitable handle_upload(Context& ctx, http::Exchange& ex, const std::string& name,
                        const std::string& id) {
  const auto& req = ex.request();
  const std::string& method = req.method;
  if (id.empty()) {
    if (method != "POST") throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
    std::string from = req.param("from");
    if (!req.param("mount").empty() && oci::valid_repository(from) && from != name) {
      // A mount: the challenge asks for pull on the source too (as distribution does), so a
      // token client comes back with a token that lets the mount succeed (201).
      auth::Scope target{"repository", name, {"pull", "push"}};
      if (!ctx.auth.authorize(req.header("Authorization"), {target}, req.header("Host"), req.tls)
               .allowed)
        require_scopes(
            ctx, req, {target, auth::Scope{"repository", from, {"pull"}}},
            nlohmann::json::array({{{"Type", "repository"}, {"Name", name}, {"Action", "push"}}}));
    } else {
      require(ctx, req, name, {"pull", "push"});
    }
    co_await start(ctx, ex, name);
    co_return;
  }
  if (method != "GET" && method != "PATCH" && method != "PUT" && method != "DELETE")
    throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  require(ctx, req, name, {"pull", "push"});
  std::shared_ptr<UploadSession> session;
  if (ctx.blobs.shared_sessions()) {
    // Started on any node: taken up from the shared store for this request.
    auto resumed = std::make_shared<UploadSession>();
    resumed->upload = co_await on_stores(ctx, [&] {
      return ctx.blobs.resume_upload(id, &resumed->repository, &resumed->algorithm);
    });
    if (resumed->upload) session = std::move(resumed);
  } else {
    session = ctx.uploads.find(id);
  }
  if (!session || session->repository != name)
    throw ApiError(OciError::kUploadUnknown, "blob upload unknown to registry", id);
  SessionUse use(session);
  store::Upload& up = *(*use).upload;

  if (method == "GET") {
    std::uint64_t size = up.size();
    use.release();
    co_await send_progress(ex, 204, name, id, size);
    co_return;
  }
  if (method == "DELETE") {
    co_await on_stores(ctx, [&] { up.cancel(); });
    ctx.uploads.erase(id);
    use.release();
    http::Response r;
    r.status = 204;
    co_await ex.send(std::move(r));
    co_return;
  }
  if (method == "PATCH") {
    check_content_range(req, name, id, up.size());
    try {
      co_await stream_body(ctx, ex, up);
    } catch (...) {
      // A shared session keeps the state of its last completed request.
      if (ctx.blobs.local_files()) up.suspend();
      throw;
    }
    co_await on_stores(ctx, [&] { up.suspend(); });
    std::uint64_t size = up.size();
    use.release();
    co_await send_progress(ex, 202, name, id, size);
    co_return;
  }
  // PUT: optional last chunk, then close with ?digest=.
  std::string digest_param = req.param("digest");
  if (digest_param.empty()) throw ApiError(OciError::kDigestInvalid, "digest parameter missing");
  Digest expected = parse_digest(digest_param);
  if (expected.algorithm != (*use).algorithm)
    throw ApiError(OciError::kDigestInvalid, "digest algorithm does not match the upload's");
  check_content_range(req, name, id, up.size());
  try {
    co_await stream_body(ctx, ex, up);
  } catch (...) {
    if (ctx.blobs.local_files()) up.suspend();
    throw;
  }
  try {
    co_await on_stores(ctx, [&] { commit_and_link(ctx, name, up, expected); });
  } catch (const ApiError& e) {
    if (e.code() == "DIGEST_INVALID") ctx.uploads.erase(id);  // the data is gone
    throw;
  }
  ctx.uploads.erase(id);
  use.release();
  co_await blob_created(ex, name, expected);
}

}  // namespace ch::server::handlers
