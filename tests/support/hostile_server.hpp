// A scriptable HTTP/1.1 server on a loopback port for the tests that play a registry (or
// whatever a registry points at) misbehaving: a handler answers each request, and every
// request seen is kept for the test to inspect (e.g. which Authorization headers arrived).
// One request per connection ("Connection: close"), served one at a time; request bodies are
// read by Content-Length ("Expect: 100-continue" honoured; chunked bodies are not supported).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ch::testing {

struct SeenRequest {
  std::string method;
  std::string target;                               // path and query as sent
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const;  // first value or ""
  bool has_header(const std::string& name) const;
};

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;
};

class HostileServer {
 public:
  using Handler = std::function<Reply(const SeenRequest&)>;
  explicit HostileServer(Handler handler);  // listens on 127.0.0.1, a free port
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  int port() const { return port_; }
  std::string host() const;             // 127.0.0.1:<port>
  std::string origin() const;           // http://127.0.0.1:<port>
  std::vector<SeenRequest> requests();  // a copy of what arrived so far

 private:
  void serve();
  void handle(int fd);
  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  std::thread thread_;
};

}  // namespace ch::testing
