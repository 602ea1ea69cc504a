// GET/HEAD/DELETE /v2/<name>/blobs/<digest>: blob bodies go out with sendfile, with Range,
// ETag and If-None-Match.
#include <cinttypes>

#include "server/handlers/context.hpp"

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
  auto file = ctx.blobs.open(digest);
  if (!file) throw ApiError(OciError::kBlobUnknown, "blob unknown to registry", digest.str());
  const std::uint64_t size = file->size();
  const std::string etag = "\"" + digest.str() + "\"";

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
  co_await ex.send_file(std::move(r), file->fd(), range.first, length);
}

}  // namespace ch::server::handlers
