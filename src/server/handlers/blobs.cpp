// GET/HEAD/DELETE /v2/<name>/blobs/<digest>: blob bodies go out with sendfile, with Range,
// ETag and If-None-Match.
#include <cinttypes>

#include "base/error.hpp"
#include "server/handlers/context.hpp"
#include "server/handlers/offload.hpp"

// GCC 12 reports a false -Wmismatched-new-delete for Asio's recycled coroutine frames of
// functions that await offload_to (as in charts.cpp and manifests.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace ch::server::handlers {

namespace {

struct ByteRange {
  std::uint64_t first = 0, last = 0;  // inclusive
};

// Parses a single "bytes=a-b", "bytes=a-" or "bytes=-n" range. Returns false when the
// header is not a single byte range (then it is ignored, as RFC 9110 allows); sets
// *unsatisfiable when the range lies outside the blob.
bool parse_range(const std::string& h, std::uint64_t size, ByteRange* out, bool* unsatisfiable) {
  *unsatisfiable = false;
  if (h.rfind("bytes=", 0) != 0 || h.find(',') != std::string::npos) return false;
  std::string spec = h.substr(6);
  auto dash = spec.find('-');
  if (dash == std::string::npos) return false;
  std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto num = [](const std::string& s, std::uint64_t* v) {
    if (s.empty() || s.size() > 19) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    *v = std::stoull(s);
    return true;
  };
  std::uint64_t x = 0, y = 0;
  if (a.empty()) {
    if (!num(b, &y)) return false;
    if (y == 0 || size == 0) {
      *unsatisfiable = true;
      return true;
    }
    out->first = y >= size ? 0 : size - y;
    out->last = size - 1;
    return true;
  }
  if (!num(a, &x)) return false;
  if (!b.empty() && (!num(b, &y) || y < x)) return false;
  if (x >= size) {
    *unsatisfiable = true;
    return true;
  }
  out->first = x;
  out->last = b.empty() || y >= size ? size - 1 : y;
  return true;
}

}  // namespace

Awaitable handle_blob(Context& ctx, http::Exchange& ex, const std::string& name,
                      const std::string& ref) {
  const auto& req = ex.request();
  const std::string& method = req.method;
  if (method != "GET" && method != "HEAD" && method != "DELETE")
    throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  require(ctx, req, name, {method == "DELETE" ? "delete" : "pull"});
  Digest digest = parse_digest(ref);

  if (method == "DELETE") {
    if (!ctx.options.delete_enabled)
      throw ApiError(OciError::kMethodNotAllowed, "deletes are disabled");
    if (!ctx.meta.unlink_blob(name, digest))
      throw ApiError(OciError::kBlobUnknown, "blob unknown to registry", digest.str());
    http::Response r;
    r.status = 202;
    r.headers.emplace("Docker-Content-Digest", digest.str());
    r.headers.emplace("Content-Length", "0");
    co_await ex.send(std::move(r));
    co_return;
  }

  if (!ctx.meta.blob_in_repo(name, digest))
    throw ApiError(OciError::kBlobUnknown, "blob unknown to registry", digest.str());
  const std::string etag = "\"" + digest.str() + "\"";
  if (method == "GET" && !ctx.blobs.local_files()) {
    // An object store may hand the bytes out itself (--s3-redirect): 307 to a presigned URL.
    std::string url = co_await offload_to(
        store_pool(), [&ctx, &digest] { return ctx.blobs.redirect_url(digest); });
    if (!url.empty()) {
      http::Response r;
      r.status = 307;
      r.headers.emplace("Location", url);
      r.headers.emplace("Docker-Content-Digest", digest.str());
      r.headers.emplace("Content-Length", "0");
      co_await ex.send(std::move(r));
      co_return;
    }
  }
  std::optional<store::BlobFile> file =
      ctx.blobs.local_files() ? ctx.blobs.open(digest) : std::nullopt;
  std::optional<std::uint64_t> found_size;
  if (file) {
    found_size = file->size();
  } else if (!ctx.blobs.local_files()) {
    found_size =
        co_await offload_to(store_pool(), [&ctx, &digest] { return ctx.blobs.size_of(digest); });
  }
  if (!found_size) throw ApiError(OciError::kBlobUnknown, "blob unknown to registry", digest.str());
  const std::uint64_t size = *found_size;

  http::Response r;
  r.headers.emplace("Docker-Content-Digest", digest.str());
  r.headers.emplace("ETag", etag);
  r.headers.emplace("Accept-Ranges", "bytes");
  r.headers.emplace("Cache-Control", "max-age=31536000");
  r.headers.emplace("Content-Type", "application/octet-stream");

  std::string inm = req.header("If-None-Match");
  if (!inm.empty() && (inm == etag || inm == "*" || inm == digest.str())) {
    r.status = 304;
    co_await ex.send(std::move(r));
    co_return;
  }

  ByteRange range{0, size == 0 ? 0 : size - 1};
  std::uint64_t length = size;
  std::string range_header = req.header("Range");
  if (!range_header.empty()) {
    bool unsatisfiable = false;
    ByteRange parsed;
    if (parse_range(range_header, size, &parsed, &unsatisfiable)) {
      if (unsatisfiable) {
        http::Headers h;
        h.emplace("Content-Range", "bytes */" + std::to_string(size));
        throw ApiError(OciError::kRangeNotSatisfiable, "requested range not satisfiable", nullptr,
                       std::move(h));
      }
      range = parsed;
      length = range.last - range.first + 1;
      r.status = 206;
      r.headers.emplace("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                             std::to_string(range.last) + "/" +
                                             std::to_string(size));
    }
  }
  if (method == "HEAD") {
    r.headers.emplace("Content-Length", std::to_string(length));
    co_await ex.send(std::move(r));
    co_return;
  }
  co_await send_blob_body(ctx, ex, std::move(r), digest, file ? &*file : nullptr, range.first,
                          length);
}

namespace {

boost::asio::awaitable<std::string> read_piece(Context& ctx, const Digest& digest,
                                               std::uint64_t offset, std::uint64_t n) {
  auto piece = co_await offload_to(
      store_pool(), [&ctx, &digest, offset, n] { return ctx.blobs.read_range(digest, offset, n); });
  if (!piece || piece->size() != n)
    throw Error(ErrorCode::kUnavailable, "blob " + digest.str() + " vanished while being sent");
  co_return std::move(*piece);
}

}  // namespace

Awaitable send_blob_body(Context& ctx, http::Exchange& ex, http::Response r, const Digest& digest,
                         const store::BlobFile* file, std::uint64_t offset, std::uint64_t length) {
  if (file) {
    co_await ex.send_file(std::move(r), file->fd(), offset, length);
    co_return;
  }
  // From the object store in pieces: memory per download stays at one piece.
  static constexpr std::uint64_t kPiece = 4 << 20;
  std::uint64_t next_offset = offset, end = offset + length;
  // (A plain lambda returning the coroutine: GCC 12 warns wrongly about a coroutine lambda.)
  co_await ex.send_stream(std::move(r), length, [&ctx, &digest, &next_offset, end] {
    std::uint64_t n = std::min(kPiece, end - next_offset);
    std::uint64_t at = next_offset;
    next_offset += n;
    return read_piece(ctx, digest, at, n);
  });
}

}  // namespace ch::server::handlers
