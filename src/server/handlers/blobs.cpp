// GET/HEAD/DELETE /v2/<name>/blobs/<digest>: blob bodies go out with sendfile, with Range,
// ETag and If-None-Match.
#include <cinttypes>
#include <deque>
#include <future>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <memory>

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
    const bool unlinked = co_await on_stores(
        ctx, [&ctx, &name, &digest] { return ctx.meta.unlink_blob(name, digest); });
    if (!unlinked) throw ApiError(OciError::kBlobUnknown, "blob unknown to registry", digest.str());
    http::Response r;
    r.status = 202;
    r.headers.emplace("Docker-Content-Digest", digest.str());
    r.headers.emplace("Content-Length", "0");
    co_await ex.send(std::move(r));
    co_return;
  }

  const bool linked = co_await on_stores(
      ctx, [&ctx, &name, &digest] { return ctx.meta.blob_in_repo(name, digest).has_value(); });
  if (!linked) throw ApiError(OciError::kBlobUnknown, "blob unknown to registry", digest.str());
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

// Reads an object-store blob in pieces, two pieces ahead: while piece k goes out to the
// client, pieces k+1 and k+2 are read on the store pool (memory per download: three pieces,
// 24 MiB). Measured on RGW for a 256 MiB blob: one ahead ~690 MB/s, two ~800, three or
// 16 MiB pieces no better; RGW's own single GET gives ~1.2 GB/s. The read's result is
// handed back on the request's own executor, which wakes the waiting coroutine through a timer
// (no thread ever blocks waiting for another).
class PieceReader {
 public:
  static constexpr std::uint64_t kPiece = 8 << 20;
  static constexpr std::size_t kAhead = 2;  // reads in flight

  PieceReader(Context& ctx, boost::asio::any_io_executor executor, const Digest& digest,
              std::uint64_t offset, std::uint64_t end)
      : ctx_(ctx), executor_(std::move(executor)), digest_(digest), offset_(offset), end_(end) {
    for (std::size_t i = 0; i < kAhead; ++i) start_next();
  }
  // An abandoned download waits for the reads in flight: they use the store.
  ~PieceReader() {
    for (const auto& slot : slots_) slot->read_done.wait();
  }
  PieceReader(const PieceReader&) = delete;
  PieceReader& operator=(const PieceReader&) = delete;

  boost::asio::awaitable<std::string> next() {
    std::shared_ptr<Slot> slot = slots_.front();
    if (!slot->delivered) {
      boost::system::error_code ec;
      slot->wake.expires_at(boost::asio::steady_timer::time_point::max());
      co_await slot->wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    slots_.pop_front();
    if (slot->error) std::rethrow_exception(slot->error);
    if (!slot->data || slot->data->size() != slot->size)
      throw Error(ErrorCode::kUnavailable, "blob " + digest_.str() + " vanished while being sent");
    start_next();
    co_return std::move(*slot->data);
  }

 private:
  struct Slot {
    explicit Slot(const boost::asio::any_io_executor& e) : wake(e) {}
    boost::asio::steady_timer wake;
    std::uint64_t size = 0;
    std::optional<std::string> data;
    std::exception_ptr error;
    bool delivered = false;  // on the request's executor
    std::promise<void> read_over;
    std::shared_future<void> read_done = read_over.get_future().share();
  };

  void start_next() {
    if (offset_ >= end_) return;
    auto slot = std::make_shared<Slot>(executor_);
    slot->size = std::min(kPiece, end_ - offset_);
    slots_.push_back(slot);
    boost::asio::post(
        store_pool(), [slot, &ctx = ctx_, digest = digest_, at = offset_, executor = executor_] {
          std::optional<std::string> data;
          std::exception_ptr error;
          try {
            data = ctx.blobs.read_range(digest, at, slot->size);
          } catch (...) {
            error = std::current_exception();
          }
          boost::asio::post(executor, [slot, data = std::move(data), error]() mutable {
            slot->data = std::move(data);
            slot->error = error;
            slot->delivered = true;
            slot->wake.cancel();
          });
          slot->read_over.set_value();
        });
    offset_ += slot->size;
  }

  Context& ctx_;
  boost::asio::any_io_executor executor_;
  Digest digest_;
  std::uint64_t offset_, end_;
  std::deque<std::shared_ptr<Slot>> slots_;  // the pieces being read, in order
};

}  // namespace

Awaitable send_blob_body(Context& ctx, http::Exchange& ex, http::Response r, const Digest& digest,
                         const store::BlobFile* file, std::uint64_t offset, std::uint64_t length) {
  if (file) {
    co_await ex.send_file(std::move(r), file->fd(), offset, length);
    co_return;
  }
  PieceReader reader(ctx, co_await boost::asio::this_coro::executor, digest, offset,
                     offset + length);
  PieceReader* pieces = &reader;
  // (A plain lambda returning the coroutine: GCC 12 warns wrongly about a coroutine lambda.)
  co_await ex.send_stream(std::move(r), length, [pieces] { return pieces->next(); });
}

}  // namespace ch::server::handlers
