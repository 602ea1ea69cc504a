// One connection's request loop: HTTP/1.1 keep-alive with a Beast parser, request bodies
// streamed through a caller-provided buffer, responses written by hand (one gather write),
// file bodies with sendfile(2) over plain TCP and pread+write over TLS.
#include "server/http/connection.hpp"

#include <nlohmann/json.hpp>

#include "gocompat/gojson.hpp"

#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>

#include "base/error.hpp"
#include "server/http/url.hpp"

namespace ch::server::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// Keep-alive wait + header read. Longer than the 90 s clients such as Go's keep idle
// connections, so the client closes first and never races a request against our close.
constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto kIoTimeout = std::chrono::seconds(60);         // no progress on a body read/write
constexpr auto kHandshakeTimeout = std::chrono::seconds(15);  // TLS handshake
constexpr auto kLingerTime = std::chrono::seconds(2);         // reading leftovers before close
constexpr std::uint64_t kLingerBytes = 16 << 20;
constexpr std::uint64_t kDrainLimit = 1 << 20;    // unread body discarded to keep a connection
constexpr std::size_t kScratch = 256 * 1024;      // drain, linger, file copy over TLS
constexpr std::size_t kCoalesce = 16 * 1024;      // bodies up to this go in the header's write
constexpr std::size_t kGrowStep = 64 * 1024;      // read_all of a chunked body
constexpr std::size_t kBufferedRead = 64 * 1024;  // socket reads for headers and chunked bodies
constexpr std::size_t kIdleBuffer = 8 * 1024;     // kept across requests
constexpr std::size_t kHeaderRead = 4 * 1024;     // a typical request header in one read
constexpr std::uint64_t kSendfileMax = 1 << 30;
constexpr std::uint64_t kYieldBytes = 16 << 20;  // let other connections run

auto redirect(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

// Whether a comma-separated header value lists `token` (case-insensitively).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || c == ':' || c == '(' || c == ')' || c == ',' || c == ';' ||
        c == '<' || c == '>' || c == '@' || c == '[' || c == ']' || c == '\\' || c == '"' ||
        c == '/' || c == '?' || c == '=' || c == '{' || c == '}')
      return false;
  }
  return true;
}

bool valid_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string reason(int status) {
  auto s = bhttp::int_to_status(static_cast<unsigned>(status));
  if (s == bhttp::status::unknown) return "Unknown";
  auto r = bhttp::obsolete_reason(s);
  return std::string(r.data(), r.size());
}

bool is_parse_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

std::string format_endpoint(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  std::string host = addr.to_string();
  if (addr.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

template <class Stream>
class Connection final : public Exchange {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Connection(Worker& worker, tcp::socket socket, std::string remote) requires(!kTls)
      : worker_(worker), stream_(std::move(socket)), remote_(std::move(remote)) {
    enroll();
  }
  Connection(Worker& worker, tcp::socket socket, std::string remote) requires(kTls)
      : worker_(worker),
        stream_(std::move(socket), *worker.shared.tls),
        remote_(std::move(remote)) {
    enroll();
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  ~Connection() override {
    worker_.conns.erase(&conn_);
    error_code ec;
    lowest().close(ec);
    --worker_.active;
    if (worker_.shared.stopping) {
      std::lock_guard lk(worker_.shared.mu);
      worker_.shared.cv.notify_all();
    }
  }

  // Serves requests until the connection ends; never throws.
  asio::awaitable<void> run() {
    bool linger = false;
    try {
      linger = co_await serve();
    } catch (const std::exception&) {
      // The peer went away, timed out or sent garbage mid-body: the connection just ends.
      linger = false;
    }
    if (in_request_) report();  // cut short by an error
    if (linger && !conn_.aborted) {
      try {
        co_await linger_close();
      } catch (const std::exception&) {
        // Best effort: the response is already out.
      }
    }
  }

  // Exchange.
  const Request& request() const override { return req_; }
  bool responded() const override { return responded_; }

  asio::awaitable<std::size_t> read_some(char* data, std::size_t max) override {
    if (body_done() || max == 0) co_return 0;
    if (!chunked_) max = static_cast<std::size_t>(std::min<std::uint64_t>(max, body_left_));
    co_return co_await read_into(data, max);
  }

  asio::awaitable<std::string> read_all(std::size_t limit) override {
    auto too_large = [limit] {
      return Error(ErrorCode::kTooLarge,
                   "request body exceeds the limit of " + std::to_string(limit) + " bytes");
    };
    std::string all;
    if (req_.content_length) {
      if (*req_.content_length > limit) throw too_large();
      // The buffer grows with the bytes that actually arrive (at most twice them), never to
      // what Content-Length merely announces.
      const std::size_t want = static_cast<std::size_t>(body_left_);
      std::size_t got = 0;
      while (got < want) {
        if (got == all.size()) all.resize(std::min(want, std::max(kGrowStep, 2 * got)));
        std::size_t n = co_await read_into(all.data() + got, all.size() - got);
        if (n == 0) break;
        got += n;
      }
      all.resize(got);
      co_return all;
    }
    for (;;) {
      std::size_t room = limit - all.size() >= kGrowStep ? kGrowStep : limit - all.size() + 1;
      std::size_t old = all.size();
      all.resize(old + room);
      std::size_t n = co_await read_into(all.data() + old, room);
      all.resize(old + n);
      if (n == 0) break;
      if (all.size() > limit) throw too_large();
    }
    co_return all;
  }

  asio::awaitable<void> send(Response r) override {
    const bool body_allowed = !head_ && r.status != 204 && r.status != 304;
    std::optional<std::uint64_t> length;
    if (body_allowed)
      length = r.body.size();
    else if (head_ && r.status != 204 && !r.body.empty() &&
             !has_header(r.headers, "Content-Length"))
      length = r.body.size();  // a HEAD answer describes the body a GET would get
    std::string head = start_response(r, length, !body_allowed);
    if (!body_allowed || r.body.empty()) {
      co_await write(asio::buffer(head));
    } else if (r.body.size() <= kCoalesce) {
      head += r.body;
      co_await write(asio::buffer(head));
    } else {
      // (A named array: GCC 12 miscompiles an aggregate prvalue argument of a coroutine.)
      const std::array buffers{asio::buffer(head), asio::buffer(r.body)};
      co_await write(buffers);
    }
    bytes_out_ = body_allowed ? r.body.size() : 0;
    response_complete_ = true;
  }

  asio::awaitable<void> send_file(Response r, int fd, std::uint64_t offset,
                                  std::uint64_t length) override {
    const bool body_allowed = !head_ && r.status != 204 && r.status != 304;
    std::optional<std::uint64_t> announced;
    if (r.status != 204) announced = length;
    std::string head = start_response(r, announced, false);
    if (!body_allowed || length == 0) {
      co_await write(asio::buffer(head));
    } else if constexpr (kTls) {
      co_await write(asio::buffer(head));
      co_await copy_file(fd, offset, length);
    } else {
      co_await sendfile_body(head, fd, offset, length);
    }
    response_complete_ = true;
  }

  asio::awaitable<void> send_stream(Response r, std::uint64_t length,
                                    std::function<asio::awaitable<std::string>()> next) override {
    const bool body_allowed = !head_ && r.status != 204 && r.status != 304;
    std::optional<std::uint64_t> announced;
    if (r.status != 204) announced = length;
    if (!body_allowed || length == 0) {
      std::string head = start_response(r, announced, false);
      co_await write(asio::buffer(head));
      response_complete_ = true;
      co_return;
    }
    // The first piece is read before anything is sent: a store that fails at once still
    // gets a proper error response; and the headers leave with it in one write (two small
    // writes would wait on the client's delayed ACK).
    std::uint64_t left = length;
    std::string piece = co_await next();
    if (piece.empty() || piece.size() > left)
      throw Error(ErrorCode::kIo, "a streamed body did not match its announced length");
    std::string head = start_response(r, announced, false);
    const std::array buffers{asio::buffer(head), asio::buffer(piece)};
    co_await write(buffers);
    for (;;) {
      left -= piece.size();
      bytes_out_ += piece.size();
      if (left == 0) break;
      piece = co_await next();
      if (piece.empty() || piece.size() > left)
        throw Error(ErrorCode::kIo, "a streamed body did not match its announced length");
      co_await write(asio::buffer(piece));
    }
    response_complete_ = true;
  }

 private:
  Shared& shared() { return worker_.shared; }
  tcp::socket& lowest() { return beast::get_lowest_layer(stream_); }

  void enroll() {
    conn_.socket = &lowest();
    worker_.conns.insert(&conn_);
    ++worker_.active;
  }

  static bool has_header(const Headers& h, const std::string& name) { return h.count(name) > 0; }

  [[noreturn]] void fail_io(error_code ec) {
    io_error_ = true;
    throw boost::system::system_error(ec);
  }
  [[noreturn]] void fail_io(int err) { fail_io(error_code(err, boost::system::system_category())); }

  char* scratch() {
    if (!scratch_) scratch_ = std::make_unique<char[]>(kScratch);
    return scratch_.get();
  }

  asio::awaitable<bool> serve() {
    error_code ec;
    if constexpr (kTls) {
      conn_.arm(kHandshakeTimeout);
      co_await stream_.async_handshake(asio::ssl::stream_base::server, redirect(ec));
      conn_.disarm();
      if (ec) co_return false;
    } else {
      lowest().non_blocking(true, ec);  // for the sendfile(2) loop; asio's own ops cope
    }
    buffer_.reserve(kHeaderRead);
    for (;;) {
      if (shared().stopping) co_return false;
      parser_.emplace();
      parser_->header_limit(kHeaderLimit);
      // Bodies are streamed; handlers set their own limits. (Not boost::none: Beast 1.74
      // compares the Content-Length against the optional and rejects every body then.)
      parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
      if (buffer_.size() == 0 && buffer_.capacity() > kIdleBuffer) {  // after a chunked body
        buffer_.shrink_to_fit();
        buffer_.reserve(kHeaderRead);
      }
      conn_.idle = buffer_.size() == 0;
      conn_.awaiting = true;
      conn_.arm(kIdleTimeout);
      co_await bhttp::async_read_header(stream_, buffer_, *parser_, redirect(ec));
      conn_.idle = false;
      conn_.awaiting = false;
      conn_.disarm();
      if (ec && (conn_.aborted || !is_parse_error(ec))) co_return false;
      reset_request();
      if (ec) {
        force_close_ = true;
        co_await send_error(ec == bhttp::error::header_limit ? 431 : 400,
                            "malformed request: " + ec.message());
        report();
        co_return true;
      }
      if (!begin_request()) {
        force_close_ = true;
        co_await send_error(400, "malformed request target");
        report();
        co_return true;
      }

      bool failed = false;
      std::string failure;
      try {
        co_await shared().handler(*this);
      } catch (const std::exception& e) {
        failed = true;
        failure = e.what();
      } catch (...) {
        failed = true;
        failure = "unknown exception in the request handler";
      }
      if (io_error_) {
        report();
        co_return false;
      }
      if (!responded_) {
        if (!failed) failure = "the request handler sent no response";
        co_await send_error(body_error_ ? 400 : 500, failure);
      } else if (failed || !response_complete_) {
        report();  // the response may be cut short: only closing is safe
        co_return response_complete_;
      }
      if (keep_alive_ && !body_done()) keep_alive_ = co_await drain();
      report();
      if (!keep_alive_) co_return true;
    }
  }

  void reset_request() {
    req_ = Request{};
    req_.remote = remote_;
    req_.tls = kTls;
    head_ = wants_keep_alive_ = http10_ = expect_continue_ = continue_sent_ = false;
    responded_ = response_complete_ = keep_alive_ = force_close_ = body_error_ = false;
    status_ = 0;
    chunked_ = false;
    body_left_ = 0;
    bytes_in_ = bytes_out_ = 0;
    started_ = Clock::now();
    in_request_ = true;
  }

  bool begin_request() {
    const auto& h = parser_->get();
    req_.method = std::string(sv(h.method_string()));
    req_.target = std::string(sv(h.target()));
    for (const auto& f : h)
      req_.headers.emplace(std::string(sv(f.name_string())), std::string(sv(f.value())));
    chunked_ = parser_->chunked();
    if (!chunked_) {
      req_.content_length = parser_->content_length().value_or(0);
      body_left_ = *req_.content_length;
    }
    head_ = h.method() == bhttp::verb::head;
    wants_keep_alive_ = h.keep_alive();
    http10_ = h.version() < 11;
    expect_continue_ = !http10_ && has_token(sv(h[bhttp::field::expect]), "100-continue");
    auto target = parse_target(req_.target);
    if (!target) return false;
    req_.path = std::move(target->path);
    req_.query = std::move(target->query);
    return true;
  }

  // Whether the connection can serve another request after this response.
  bool can_keep_alive() const {
    if (!wants_keep_alive_ || force_close_ || shared_stopping() || body_error_) return false;
    if (body_done()) return true;
    if (expect_continue_ && !continue_sent_) return false;  // the client may never send it
    if (!chunked_) return body_left_ <= kDrainLimit;
    return true;  // chunked: drained after the response, closed if it is too long
  }
  bool shared_stopping() const { return worker_.shared.stopping; }

  // Validates the response, decides on keep-alive and renders the status line and headers.
  // `length` is the Content-Length to send (replacing the handler's); without it, the
  // handler's own Content-Length is kept when `keep_length` (HEAD, 304).
  std::string start_response(const Response& r, std::optional<std::uint64_t> length,
                             bool keep_length) {
    if (responded_)
      throw Error(ErrorCode::kInternal, "a response was already sent for this request");
    if (r.status < 200 || r.status > 999)
      throw Error(ErrorCode::kInternal, "invalid HTTP status " + std::to_string(r.status));
    for (const auto& [name, value] : r.headers)
      if (!valid_name(name) || !valid_value(value))
        throw Error(ErrorCode::kInternal, "invalid response header \"" + name + "\"");

    bool close = false;
    std::string head;
    head.reserve(256);
    head += "HTTP/1.1 ";
    head += std::to_string(r.status);
    head += ' ';
    head += reason(r.status);
    head += "\r\n";
    for (const auto& [name, value] : r.headers) {
      if (iequals(name, "Connection")) {
        close = close || has_token(value, "close");
        continue;
      }
      if (iequals(name, "Transfer-Encoding")) continue;
      if (iequals(name, "Content-Length") && (length || !keep_length || r.status == 204)) continue;
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    if (length) {
      head += "Content-Length: ";
      head += std::to_string(*length);
      head += "\r\n";
    }
    keep_alive_ = !close && can_keep_alive();
    if (!keep_alive_)
      head += "Connection: close\r\n";
    else if (http10_)
      head += "Connection: keep-alive\r\n";
    head += "\r\n";
    responded_ = true;
    status_ = r.status;
    return head;
  }

  asio::awaitable<void> send_error(int status, const std::string& message) {
    Response r;
    r.status = status;
    r.headers.emplace("Content-Type", "application/json");
    r.body = gojson::marshal(
        {{"errors", nlohmann::ordered_json::array({{{"code", "UNKNOWN"}, {"message", message}}})}});
    co_await send(std::move(r));
  }

  void report() {
    in_request_ = false;
    const auto& cb = shared().options.on_complete;
    if (!cb) return;
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    try {
      cb(req_, responded_ ? status_ : 499, bytes_in_, bytes_out_, seconds);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "http: the on_complete callback failed: %s\n", e.what());
    }
  }

  template <class Buffers>
  asio::awaitable<void> write(Buffers buffers) {
    error_code ec;
    conn_.arm(kIoTimeout);
    co_await asio::async_write(stream_, buffers, redirect(ec));
    conn_.disarm();
    if (ec) fail_io(ec);
  }

  bool body_done() const { return chunked_ ? parser_->is_done() : body_left_ == 0; }

  // Fills [p, p + cap) with body bytes, or as many as the body has left; 0 once it is over.
  asio::awaitable<std::size_t> read_into(char* p, std::size_t cap) {
    if (body_done()) co_return 0;
    if (body_error_) throw Error(ErrorCode::kInvalidArgument, "malformed request body");
    co_await send_continue();
    std::size_t got = chunked_ ? co_await read_chunked(p, cap) : co_await read_counted(p, cap);
    bytes_in_ += got;
    co_return got;
  }

  // A Content-Length body bypasses the parser: what the header read buffered first, then
  // straight from the stream into the caller's memory.
  asio::awaitable<std::size_t> read_counted(char* p, std::size_t cap) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(cap, body_left_));
    std::size_t got = 0;
    if (buffer_.size() > 0) {
      got = std::min(want, buffer_.size());
      std::memcpy(p, buffer_.data().data(), got);
      buffer_.consume(got);
    }
    while (got < want) {
      error_code ec;
      conn_.arm(kIoTimeout);  // per step: a slow but steady client is fine
      std::size_t n =
          co_await stream_.async_read_some(asio::buffer(p + got, want - got), redirect(ec));
      conn_.disarm();
      if (ec) fail_io(ec);  // including EOF: the body is short and the client gone
      got += n;
    }
    body_left_ -= got;
    co_return got;
  }

  asio::awaitable<std::size_t> read_chunked(char* p, std::size_t cap) {
    if (buffer_.capacity() < kBufferedRead) buffer_.reserve(kBufferedRead);
    auto& body = parser_->get().body();
    body.data = p;
    body.size = cap;
    error_code ec;
    while (body.size > 0 && !parser_->is_done()) {
      conn_.arm(kIoTimeout);
      co_await bhttp::async_read_some(stream_, buffer_, *parser_, redirect(ec));
      conn_.disarm();
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) break;
    }
    std::size_t got = cap - body.size;
    body.data = nullptr;
    body.size = 0;
    if (ec) {
      if (is_parse_error(ec)) {
        body_error_ = true;
        throw Error(ErrorCode::kInvalidArgument, "malformed request body: " + ec.message());
      }
      fail_io(ec);
    }
    co_return got;
  }

  asio::awaitable<void> send_continue() {
    if (!expect_continue_ || continue_sent_ || responded_ || body_done()) co_return;
    continue_sent_ = true;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await write(asio::buffer(kContinue.data(), kContinue.size()));
  }

  // Discards the rest of an unread body so the connection can take the next request.
  asio::awaitable<bool> drain() {
    if (body_error_ || (expect_continue_ && !continue_sent_)) co_return false;
    std::uint64_t drained = 0;
    while (!body_done()) {
      if (drained > kDrainLimit) co_return false;
      bool ok = true;
      try {
        drained += co_await read_into(scratch(), kScratch);
      } catch (const std::exception&) {
        ok = false;  // the connection closes; the response is already out
      }
      if (!ok) co_return false;
    }
    co_return true;
  }

  // Closes after a response without losing it: shutting down our side and reading what the
  // client still sends keeps the kernel from answering unread data with a reset that could
  // destroy the response before the client reads it.
  asio::awaitable<void> linger_close() {
    auto& s = lowest();
    error_code ec;
    s.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    conn_.arm(kLingerTime);
    std::uint64_t total = 0;
    while (total < kLingerBytes) {
      std::size_t n = co_await s.async_read_some(asio::buffer(scratch(), kScratch), redirect(ec));
      if (ec) break;
      total += n;
    }
    conn_.disarm();
  }

  asio::awaitable<void> wait_writable() {
    error_code ec;
    conn_.arm(kIoTimeout);
    co_await lowest().async_wait(tcp::socket::wait_write, redirect(ec));
    conn_.disarm();
    if (ec) fail_io(ec);
  }

  // Writes on the non-blocking native socket (plain TCP only).
  asio::awaitable<void> send_raw(std::string_view data, int flags) {
    const int sock = lowest().native_handle();
    while (!data.empty()) {
      ssize_t n = ::send(sock, data.data(), data.size(), flags | MSG_NOSIGNAL);
      if (n >= 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        co_await wait_writable();
        continue;
      }
      fail_io(err);
    }
  }

  // TCP_CORK for the time of a file body: only full segments leave until it is lifted
  // (on every way out), so a large blob crosses in ~64 KiB segments instead of whatever the
  // send buffer had room for: +30% for a loopback client that copies the body (docs/
  // benchmarks.md, row 3), as nginx does with tcp_nopush.
  class Cork {
   public:
    explicit Cork(int sock) : sock_(sock) { set(1); }
    ~Cork() { set(0); }
    Cork(const Cork&) = delete;
    Cork& operator=(const Cork&) = delete;

   private:
    void set(int on) { (void)::setsockopt(sock_, IPPROTO_TCP, TCP_CORK, &on, sizeof on); }
    int sock_;
  };

  // Headers, then the file with sendfile(2), corked: small blobs leave in one packet.
  asio::awaitable<void> sendfile_body(const std::string& head, int fd, std::uint64_t offset,
                                      std::uint64_t length) {
    const int sock = lowest().native_handle();
    Cork cork(sock);
    co_await send_raw(head, MSG_MORE);
    off_t off = static_cast<off_t>(offset);
    std::uint64_t left = length, since_yield = 0;
    while (left > 0) {
      ssize_t n =
          ::sendfile(sock, fd, &off, static_cast<std::size_t>(std::min(left, kSendfileMax)));
      if (n > 0) {
        left -= static_cast<std::uint64_t>(n);
        bytes_out_ += static_cast<std::uint64_t>(n);
        since_yield += static_cast<std::uint64_t>(n);
        if (since_yield >= kYieldBytes) {
          since_yield = 0;
          co_await asio::post(lowest().get_executor(), asio::use_awaitable);
        }
        continue;
      }
      if (n == 0) throw Error(ErrorCode::kIo, "the file ended before the announced length");
      int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        co_await wait_writable();
        continue;
      }
      if ((err == EINVAL || err == ENOSYS) && left == length) {  // not a sendfile-able fd
        co_await copy_file(fd, static_cast<std::uint64_t>(off), left);
        co_return;
      }
      fail_io(err);
    }
  }

  asio::awaitable<void> copy_file(int fd, std::uint64_t offset, std::uint64_t length) {
    char* buf = scratch();
    while (length > 0) {
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, kScratch));
      ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("read of a response body file");
      }
      if (n == 0) throw Error(ErrorCode::kIo, "the file ended before the announced length");
      co_await write(asio::buffer(buf, static_cast<std::size_t>(n)));
      offset += static_cast<std::uint64_t>(n);
      length -= static_cast<std::uint64_t>(n);
      bytes_out_ += static_cast<std::uint64_t>(n);
    }
  }

  Worker& worker_;
  Stream stream_;
  std::string remote_;
  Conn conn_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;
  std::unique_ptr<char[]> scratch_;

  // The current request.
  Request req_;
  bool head_ = false;
  bool wants_keep_alive_ = false;
  bool http10_ = false;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool responded_ = false;
  bool response_complete_ = false;
  bool keep_alive_ = false;   // decided when the response starts
  bool force_close_ = false;  // malformed request
  bool body_error_ = false;   // malformed body: the stream position is lost
  bool io_error_ = false;     // the connection is broken
  bool chunked_ = false;
  std::uint64_t body_left_ = 0;  // Content-Length bodies: bytes not read yet
  bool in_request_ = false;      // a request was read and on_complete not called yet
  int status_ = 0;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
  Clock::time_point started_;
};

template <class S>
asio::awaitable<void> run_session(std::unique_ptr<S> session) {
  co_await session->run();
}

}  // namespace

void Conn::abort() {
  if (aborted) return;
  aborted = true;
  error_code ec;
  socket->cancel(ec);
  socket->shutdown(tcp::socket::shutdown_both, ec);
}

void start_connection(Worker& worker, tcp::socket socket) {
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string remote = format_endpoint(peer);
  if (worker.shared.tls) {
    using S = Connection<asio::ssl::stream<tcp::socket>>;
    asio::co_spawn(worker.ioc,
                   run_session(std::make_unique<S>(worker, std::move(socket), std::move(remote))),
                   asio::detached);
  } else {
    using S = Connection<tcp::socket>;
    asio::co_spawn(worker.ioc,
                   run_session(std::make_unique<S>(worker, std::move(socket), std::move(remote))),
                   asio::detached);
  }
}

}  // namespace ch::server::http::detail
