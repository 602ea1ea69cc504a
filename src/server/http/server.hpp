// The HTTP/1.1 server of `charthouse serve` (Boost.Beast + C++20 coroutines): one
// io_context and one acceptor (SO_REUSEPORT) per worker thread, keep-alive, streamed
// request bodies, blob bodies with sendfile(2) over plain TCP, optional TLS, graceful stop.
// It knows nothing of OCI: it routes every request to one Handler.
#pragma once

#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::server::http {

// Header names are compared case-insensitively.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;                             // "GET", "HEAD", "PUT", ...
  std::string target;                             // raw target, e.g. "/v2/a/b/tags/list?n=10"
  std::string path;                               // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters, in order
  Headers headers;
  std::string remote;  // peer address "ip:port"
  bool tls = false;
  std::optional<std::uint64_t> content_length;  // absent for chunked bodies

  // First value of a header / query parameter, or empty.
  std::string header(const std::string& name) const;
  std::string param(const std::string& name) const;
  std::vector<std::string> params(const std::string& name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;  // sent with Content-Length unless a file body is used
};

// One request/response exchange, handed to the handler as a coroutine. The handler reads
// the body (optionally) and sends exactly one response.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual const Request& request() const = 0;
  // Reads up to `max` bytes of the request body into `data`; returns how many, 0 once the
  // body is over. Works for Content-Length and chunked bodies.
  virtual boost::asio::awaitable<std::size_t> read_some(char* data, std::size_t max) = 0;
  // Reads the whole body; throws Error(kTooLarge) past `limit` bytes.
  virtual boost::asio::awaitable<std::string> read_all(std::size_t limit) = 0;
  // Sends a response with an in-memory body (Content-Length set from it; for HEAD
  // requests the caller sets Content-Length and leaves the body empty).
  virtual boost::asio::awaitable<void> send(Response response) = 0;
  // Sends `length` bytes of the file from `offset` after the headers of `response`
  // (whose Content-Length is set to `length`): sendfile(2) over plain TCP, read+write
  // over TLS. The fd stays owned by the caller.
  virtual boost::asio::awaitable<void> send_file(Response response, int fd, std::uint64_t offset,
                                                 std::uint64_t length) = 0;
  // Sends `length` bytes produced piece by piece after the headers of `response` (whose
  // Content-Length is set to `length`): `next` is awaited for the following piece until
  // `length` bytes went out (an object-store blob, read in bounded pieces). When `next` throws
  // after the headers went out, the connection is closed (the client sees a short body).
  virtual boost::asio::awaitable<void> send_stream(
      Response response, std::uint64_t length,
      std::function<boost::asio::awaitable<std::string>()> next) = 0;
  virtual bool responded() const = 0;
};

using Handler = std::function<boost::asio::awaitable<void>(Exchange&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 5000;  // 0 picks an ephemeral port
  unsigned threads = 0;       // 0: one per core
  std::string tls_cert_file;  // both set: serve HTTPS
  std::string tls_key_file;
  // Called once per finished request (access log, metrics).
  std::function<void(const Request&, int status, std::uint64_t bytes_in, std::uint64_t bytes_out,
                     double seconds)>
      on_complete;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  // Binds and starts the worker threads; returns once listening.
  void start();
  std::uint16_t port() const;  // the bound port (useful with port 0)
  // Stops accepting, lets in-flight requests finish (up to `grace`), then stops.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));
  // Blocks until stop() has completed.
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ch::server::http
