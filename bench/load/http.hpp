// A minimal blocking HTTP/1.1 client for the registry benchmarks: one TCP connection to a
// loopback server, keep-alive, Content-Length and chunked response bodies, request bodies
// from memory or from a file region (sendfile). It measures servers, so it does as little
// as possible per request: no TLS, no redirects, no allocation for discarded bodies.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ch::bench {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined by ", "
  std::string body;                            // empty when the body was discarded
  std::uint64_t body_bytes = 0;                // bytes of body received
  std::string header(const std::string& lower_name) const;
};

struct FileBody {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;                                        // "/v2/..."
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string_view body;                                     // sent with Content-Length
  const FileBody* file = nullptr;                            // instead of `body`
  bool discard_body = false;                                 // count the response body's bytes only
  // With discard_body: a Content-Length body is dropped by the kernel (recv MSG_TRUNC), not
  // copied to us, so the client costs next to nothing and the server's sending is measured.
  bool discard_in_kernel = false;
};

class HttpConnection {
 public:
  HttpConnection(std::string host, std::uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends the request and reads the whole response. Reconnects once when a kept-alive
  // connection turns out closed before anything was received. Throws std::runtime_error.
  HttpResponse send(const HttpRequest& request);
  void close();

 private:
  void connect();
  void write_all(std::string_view data);
  void send_file(const FileBody& file);
  std::size_t fill();  // reads more into buf_; 0 at EOF
  std::string read_line();
  void read_body(HttpResponse& r, std::uint64_t length, bool discard, bool in_kernel = false);

  std::string host_;
  std::uint16_t port_;
  int fd_ = -1;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
};

// "host:port" -> parts.
std::pair<std::string, std::uint16_t> split_host_port(const std::string& addr);

}  // namespace ch::bench
