// Tests of server/http/server.cpp (and the connection code under it): the HTTP server of
// `charthouse serve` over real loopback sockets: libcurl for ordinary clients, raw sockets where
// the bytes on the wire matter (pipelining, HEAD, malformed requests, Expect: 100-continue,
// connection closes).
#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/error.hpp"
#include "base/file.hpp"
#include "server/http/server.hpp"
#include "testing.hpp"

namespace ch::server::http {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using namespace std::chrono_literals;

constexpr std::uint64_t kMiB = 1 << 20;

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_ALL); }
} curl_global;

// ---- data and hashing ----

char pattern_byte(std::uint64_t i) {
  return static_cast<char>((i * 0x9E3779B97F4A7C15ull + (i >> 7)) >> 56);
}

void pattern(std::uint64_t offset, char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[i] = pattern_byte(offset + i);
}

std::string pattern(std::uint64_t offset, std::size_t n) {
  std::string s(n, '\0');
  pattern(offset, s.data(), n);
  return s;
}

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view s) { EVP_DigestUpdate(ctx_, s.data(), s.size()); }
  std::string hex() {
    unsigned char md[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, md, &n);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
      out += digits[md[i] >> 4];
      out += digits[md[i] & 15];
    }
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

std::string sha256_of_pattern(std::uint64_t offset, std::uint64_t n) {
  Sha256 h;
  std::string buf;
  for (std::uint64_t done = 0; done < n;) {
    auto step = static_cast<std::size_t>(std::min<std::uint64_t>(n - done, kMiB));
    buf = pattern(offset + done, step);
    h.update(buf);
    done += step;
  }
  return h.hex();
}

void write_pattern_file(const std::filesystem::path& path, std::uint64_t size) {
  std::ofstream out(path, std::ios::binary);
  for (std::uint64_t done = 0; done < size;) {
    auto step = static_cast<std::size_t>(std::min<std::uint64_t>(size - done, kMiB));
    std::string chunk = pattern(done, step);
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    done += step;
  }
}

std::uint64_t rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // ASan's quarantine keeps freed buffers resident
#else
constexpr bool kSanitized = false;
#endif

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The openssl CLI (the test helper runs programs without a PATH search).
std::string openssl() {
  for (const char* dir : {"/usr/bin", "/bin", "/usr/local/bin"}) {
    std::string p = std::string(dir) + "/openssl";
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "openssl";
}

// ---- libcurl client ----

struct Fetch {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;
  std::optional<std::string> body;         // sent with Content-Length
  std::optional<std::uint64_t> generated;  // upload this many pattern bytes
  bool chunked = false;                    // ... without a Content-Length
  bool hash_response = false;              // keep only the sha256 of the response body
  std::string ca_file;

  static Fetch to(std::string url, std::string method = "GET") {
    Fetch f;
    f.url = std::move(url);
    f.method = std::move(method);
    return f;
  }
  Fetch& with_header(std::string h) {
    headers.push_back(std::move(h));
    return *this;
  }
  Fetch& with_body(std::string b) {
    body = std::move(b);
    return *this;
  }
  Fetch& with_generated(std::uint64_t n, bool without_length = false) {
    generated = n;
    chunked = without_length;
    return *this;
  }
  Fetch& hashed() {
    hash_response = true;
    return *this;
  }
  Fetch& with_ca(std::string path) {
    ca_file = std::move(path);
    return *this;
  }
};

struct Fetched {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string body_sha256;
  std::uint64_t body_size = 0;
  std::string sent_sha256;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  long connects = 0;                                // new connections this transfer opened
  std::string header(const std::string& name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? "" : it->second;
  }
};

class Curl {
 public:
  Curl() : h_(curl_easy_init()) {}
  ~Curl() { curl_easy_cleanup(h_); }
  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;

  Fetched fetch(const Fetch& f) {
    struct Upload {
      std::uint64_t pos = 0, total = 0;
      Sha256 sha;
    } upload;
    struct Sink {
      Fetched* r;
      bool hash;
      Sha256 sha;
    };
    Fetched r;
    Sink sink{&r, f.hash_response, {}};
    curl_easy_reset(h_);
    curl_easy_setopt(h_, CURLOPT_URL, f.url.c_str());
    curl_easy_setopt(h_, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
    curl_slist* list = nullptr;
    bool has_expect = false;
    for (const auto& h : f.headers) {
      list = curl_slist_append(list, h.c_str());
      has_expect = has_expect || lower(h).rfind("expect:", 0) == 0;
    }
    if (!has_expect) list = curl_slist_append(list, "Expect:");
    if (f.method == "HEAD") curl_easy_setopt(h_, CURLOPT_NOBODY, 1L);
    if (f.body) {
      curl_easy_setopt(h_, CURLOPT_POSTFIELDS, f.body->data());
      curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(f.body->size()));
    } else if (f.generated) {
      upload.total = *f.generated;
      curl_easy_setopt(h_, CURLOPT_UPLOAD, 1L);
      if (f.chunked)
        list = curl_slist_append(list, "Transfer-Encoding: chunked");
      else
        curl_easy_setopt(h_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.total));
      curl_easy_setopt(h_, CURLOPT_READDATA, &upload);
      curl_easy_setopt(
          h_, CURLOPT_READFUNCTION, +[](char* p, size_t size, size_t n, void* ud) {
            auto* u = static_cast<Upload*>(ud);
            auto k = static_cast<std::size_t>(std::min<std::uint64_t>(size * n, u->total - u->pos));
            pattern(u->pos, p, k);
            u->sha.update(std::string_view(p, k));
            u->pos += k;
            return k;
          });
    }
    curl_easy_setopt(h_, CURLOPT_CUSTOMREQUEST, f.method.c_str());
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(
        h_, CURLOPT_WRITEFUNCTION, +[](char* p, size_t size, size_t n, void* ud) {
          auto* s = static_cast<Sink*>(ud);
          if (s->hash)
            s->sha.update(std::string_view(p, size * n));
          else
            s->r->body.append(p, size * n);
          s->r->body_size += size * n;
          return size * n;
        });
    curl_easy_setopt(h_, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(
        h_, CURLOPT_HEADERFUNCTION, +[](char* p, size_t size, size_t n, void* ud) {
          auto* res = static_cast<Fetched*>(ud);
          std::string line(p, size * n);
          if (line.rfind("HTTP/", 0) == 0) res->headers.clear();
          auto colon = line.find(':');
          if (colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
              value.pop_back();
            res->headers.emplace(lower(line.substr(0, colon)), value);
          }
          return size * n;
        });
    if (!f.ca_file.empty()) curl_easy_setopt(h_, CURLOPT_CAINFO, f.ca_file.c_str());
    r.code = curl_easy_perform(h_);
    curl_slist_free_all(list);
    curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(h_, CURLINFO_NUM_CONNECTS, &r.connects);
    if (f.hash_response) r.body_sha256 = sink.sha.hex();
    if (f.generated) r.sent_sha256 = upload.sha.hex();
    return r;
  }

 private:
  CURL* h_;
};

// ---- raw sockets ----

struct RawResponse {
  int status = 0;                              // 0: no complete response
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? "" : it->second;
  }
};

class Raw {
 public:
  explicit Raw(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Raw() { ::close(fd_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view s) {
    while (!s.empty()) {
      ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response; `head` for a response to HEAD (no body).
  RawResponse read(bool head = false) {
    RawResponse r;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return r;
    std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return r;
    int status = std::stoi(status_line.substr(9, 3));
    std::size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
      std::size_t next = head_text.find("\r\n", pos);
      if (next == std::string::npos) next = head_text.size();
      std::string line = head_text.substr(pos, next - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers.emplace(lower(line.substr(0, colon)), value);
      }
      pos = next + 2;
    }
    if (!(head || status < 200 || status == 204 || status == 304)) {
      std::string cl = r.header("content-length");
      if (!cl.empty()) {
        std::size_t n = std::stoul(cl);
        while (buf_.size() < n)
          if (!fill()) return r;
        r.body = buf_.substr(0, n);
        buf_.erase(0, n);
      } else {
        while (fill()) {
        }
        r.body = std::move(buf_);
        buf_.clear();
      }
    }
    r.status = status;
    return r;
  }

  // Whether the server closed the connection (within the receive timeout) without sending
  // anything more.
  bool closed() {
    if (!buf_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
    buf_.push_back(c);
    return false;
  }

 private:
  bool fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

// ---- handlers ----

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(use_awaitable);
}

// Answers with the request's fields and its body (read whole).
awaitable<void> echo(Exchange& ex) {
  const Request& r = ex.request();
  std::string body = co_await ex.read_all(16 * kMiB);
  Response res;
  res.headers.emplace("Content-Type", "text/plain");
  res.body = "method=" + r.method + "\npath=" + r.path + "\nbody=" + body + "\n";
  for (const auto& [k, v] : r.query) res.body += "q:" + k + "=" + v + "\n";
  res.body += "remote=" + r.remote + "\n";
  res.body += "tls=" + std::to_string(r.tls) + "\n";
  res.body += "cl=" + (r.content_length ? std::to_string(*r.content_length) : "chunked") + "\n";
  co_await ex.send(std::move(res));
}

// Streams the body through read_some(1 MiB), hashing it; answers with the digest.
awaitable<void> hash_body(Exchange& ex) {
  Sha256 sha;
  std::uint64_t total = 0, chunks = 0, max_chunk = 0;
  const std::uint64_t rss_before = rss_bytes();
  std::uint64_t rss_peak = rss_before;
  std::string buf(kMiB, '\0');
  for (;;) {
    std::size_t got = co_await ex.read_some(buf.data(), buf.size());
    std::string_view part(buf.data(), got);
    if (part.empty()) break;
    sha.update(part);
    total += part.size();
    max_chunk = std::max<std::uint64_t>(max_chunk, part.size());
    ++chunks;
    rss_peak = std::max(rss_peak, rss_bytes());
  }
  Response res;
  res.headers.emplace("X-Bytes", std::to_string(total));
  res.headers.emplace("X-Chunks", std::to_string(chunks));
  res.headers.emplace("X-Max-Chunk", std::to_string(max_chunk));
  res.headers.emplace("X-Rss-Growth", std::to_string(rss_peak - rss_before));
  res.headers.emplace("X-Chunked", ex.request().content_length ? "0" : "1");
  res.body = sha.hex();
  co_await ex.send(std::move(res));
}

struct Completion {
  std::string method, path;
  int status;
  std::uint64_t in, out;
};

class RegistryHttpTest : public ::testing::Test {
 protected:
  void start(Handler handler, ServerOptions o = {}) {
    o.address = "127.0.0.1";
    o.port = 0;
    if (o.threads == 0) o.threads = 2;
    o.on_complete = [this](const Request& r, int status, std::uint64_t in, std::uint64_t out,
                           double) {
      std::lock_guard lk(mu_);
      completions_.push_back({r.method, r.path, status, in, out});
    };
    server_ = std::make_unique<Server>(std::move(o), std::move(handler));
    server_->start();
    port_ = server_->port();
  }

  void TearDown() override {
    if (server_) server_->stop(5s);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  Fetched get(Curl& c, const std::string& path) { return c.fetch(Fetch::to(url(path))); }

  // Waits (up to 10 s) until at least n requests completed; returns them.
  std::vector<Completion> completions(std::size_t n) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lk(mu_);
        if (completions_.size() >= n) return completions_;
      }
      std::this_thread::sleep_for(10ms);
    }
    std::lock_guard lk(mu_);
    return completions_;
  }

  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<Completion> completions_;
};

// ---- tests ----

TEST(RegistryHttpRequest, LooksUpHeadersCaseInsensitivelyAndParamsInOrder) {
  Request r;
  r.headers.emplace("Content-Type", "a");
  r.headers.emplace("content-type", "b");
  r.headers.emplace("Accept", "c");
  r.query.emplace("n", "1");
  r.query.emplace("n", "2");
  EXPECT_EQ(r.header("CONTENT-TYPE"), "a");
  EXPECT_EQ(r.header("accept"), "c");
  EXPECT_EQ(r.header("Missing"), "");
  EXPECT_EQ(r.param("n"), "1");
  EXPECT_EQ(r.params("n"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r.param("N"), "");
}

TEST_F(RegistryHttpTest, RoutesRequestsWithDecodedPathQueryAndHeaders) {
  start([](Exchange& ex) -> awaitable<void> {
    const Request& r = ex.request();
    Response res;
    res.status = r.path == "/missing" ? 404 : 200;
    res.headers.emplace("X-Custom-Seen", r.header("x-custom"));
    res.headers.emplace("X-Target", r.target);
    co_await ex.send(std::move(res));
  });
  Curl c;
  auto res = c.fetch(Fetch::to(url("/v2/my%20repo/x%2Fy?n=10&last=a+b&last=%41")));
  ASSERT_EQ(res.code, CURLE_OK);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("X-Target"), "/v2/my%20repo/x%2Fy?n=10&last=a+b&last=%41");
  EXPECT_EQ(get(c, "/missing").status, 404);

  server_->stop(5s);
  start(echo);
  auto e = c.fetch(Fetch::to(url("/v2/my%20repo/x%2Fy?n=10&last=a+b&last=%41"), "POST")
                       .with_header("X-Custom: Value")
                       .with_body("payload"));
  ASSERT_EQ(e.code, CURLE_OK);
  EXPECT_EQ(e.status, 200);
  EXPECT_NE(e.body.find("method=POST\n"), std::string::npos) << e.body;
  EXPECT_NE(e.body.find("path=/v2/my repo/x/y\n"), std::string::npos) << e.body;
  EXPECT_NE(e.body.find("body=payload\n"), std::string::npos) << e.body;
  EXPECT_NE(e.body.find("q:last=a b\nq:last=A\nq:n=10\n"), std::string::npos) << e.body;
  EXPECT_NE(e.body.find("remote=127.0.0.1:"), std::string::npos) << e.body;
  EXPECT_NE(e.body.find("tls=0\n"), std::string::npos) << e.body;
  EXPECT_NE(e.body.find("cl=7\n"), std::string::npos) << e.body;
  EXPECT_EQ(e.header("Content-Length"), std::to_string(e.body.size()));
}

TEST_F(RegistryHttpTest, PassesHeadersToTheHandler) {
  start([](Exchange& ex) -> awaitable<void> {
    Response res;
    res.body = ex.request().header("x-custom") + "|" + ex.request().header("X-CUSTOM");
    co_await ex.send(std::move(res));
  });
  Curl c;
  auto res = c.fetch(Fetch::to(url("/")).with_header("X-Custom: Value"));
  EXPECT_EQ(res.body, "Value|Value");
}

TEST_F(RegistryHttpTest, ReusesOneConnectionForManyRequests) {
  start(echo);
  Curl c;
  std::set<std::string> remotes;
  for (int i = 0; i < 10; ++i) {
    auto res = get(c, "/r?i=" + std::to_string(i));
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(res.connects, i == 0 ? 1 : 0) << "request " << i << " opened a new connection";
    EXPECT_NE(res.body.find("q:i=" + std::to_string(i) + "\n"), std::string::npos);
    auto at = res.body.find("remote=");
    remotes.insert(res.body.substr(at, res.body.find('\n', at) - at));
  }
  EXPECT_EQ(remotes.size(), 1u);

  // Pipelined on a raw socket: answers come back in order.
  Raw raw(port_);
  ASSERT_TRUE(raw.connected());
  raw.send(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "GET /three HTTP/1.1\r\nHost: x\r\n\r\n");
  for (std::string name : {"one", "two", "three"}) {
    auto r = raw.read();
    ASSERT_EQ(r.status, 200) << name;
    EXPECT_NE(r.body.find("path=/" + name + "\n"), std::string::npos) << r.body;
    EXPECT_EQ(r.header("Connection"), "");
  }
}

TEST_F(RegistryHttpTest, StreamsA64MiBUploadThroughReadSome) {
  start(hash_body);
  Curl c;
  const std::uint64_t size = 64 * kMiB;
  auto res = c.fetch(Fetch::to(url("/upload"), "PUT").with_generated(size));
  ASSERT_EQ(res.code, CURLE_OK);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, res.sent_sha256);
  EXPECT_EQ(res.body, sha256_of_pattern(0, size));
  EXPECT_EQ(res.header("X-Bytes"), std::to_string(size));
  EXPECT_EQ(res.header("X-Chunked"), "0");
  EXPECT_LE(std::stoull(res.header("X-Max-Chunk")), kMiB);
  EXPECT_GE(std::stoull(res.header("X-Chunks")), 64u);
  if (!kSanitized) {
    EXPECT_LT(std::stoull(res.header("X-Rss-Growth")), 32 * kMiB) << "the body was buffered";
  }
  auto done = completions(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].in, size);
}

TEST_F(RegistryHttpTest, ReadsChunkedRequestBodies) {
  start([](Exchange& ex) -> awaitable<void> {
    if (ex.request().path == "/hash") {
      co_await hash_body(ex);
    } else {
      co_await echo(ex);
    }
  });
  Curl c;
  const std::uint64_t size = 5 * kMiB + 123;
  auto res = c.fetch(Fetch::to(url("/hash"), "PATCH").with_generated(size, true));
  ASSERT_EQ(res.code, CURLE_OK);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("X-Chunked"), "1");
  EXPECT_EQ(res.header("X-Bytes"), std::to_string(size));
  EXPECT_EQ(res.body, sha256_of_pattern(0, size));

  // Chunk extensions and trailers; the next request on the connection still parses.
  Raw raw(port_);
  raw.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
      "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = raw.read();
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("body=hello world\n"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("cl=chunked\n"), std::string::npos) << first.body;
  auto second = raw.read();
  ASSERT_EQ(second.status, 200);
  EXPECT_NE(second.body.find("path=/after\n"), std::string::npos);

  // A broken chunk size is a 400 and the connection closes.
  Raw bad(port_);
  bad.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n");
  auto r = bad.read();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_NE(r.body.find("\"code\":\"UNKNOWN\""), std::string::npos) << r.body;
  EXPECT_TRUE(bad.closed());
}

TEST_F(RegistryHttpTest, ReadAllPastItsLimitThrowsTooLarge) {
  start([](Exchange& ex) -> awaitable<void> {
    std::string body;
    std::optional<Error> error;
    try {
      body = co_await ex.read_all(16);
    } catch (const Error& e) {
      error = e;
    }
    Response res;
    if (error) {
      res.status = error->code() == ErrorCode::kTooLarge ? 413 : 500;
      res.body = error->what();
    } else {
      res.body = body;
    }
    co_await ex.send(std::move(res));
  });
  Curl c;
  auto small = c.fetch(Fetch::to(url("/"), "PUT").with_body(std::string(16, 'a')));
  EXPECT_EQ(small.status, 200);
  EXPECT_EQ(small.body, std::string(16, 'a'));
  auto big = c.fetch(Fetch::to(url("/"), "PUT").with_body(std::string(100, 'a')));
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.body.find("16 bytes"), std::string::npos) << big.body;
  auto chunked = c.fetch(Fetch::to(url("/"), "PUT").with_generated(17, true));
  EXPECT_EQ(chunked.status, 413);
  auto chunked_ok = c.fetch(Fetch::to(url("/"), "PUT").with_generated(16, true));
  EXPECT_EQ(chunked_ok.status, 200);
  EXPECT_EQ(chunked_ok.body, pattern(0, 16));

  // The rejected body is drained: the connection serves the next request.
  Raw raw(port_);
  raw.send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'b') +
           "PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(raw.read().status, 413);
  auto next = raw.read();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "ok");
}

TEST_F(RegistryHttpTest, HeadSendsHeadersWithoutABody) {
  start([](Exchange& ex) -> awaitable<void> {
    Response res;
    if (ex.request().path == "/auto") {
      res.body = "hello";  // HEAD: the server announces 5 bytes and sends none
    } else if (ex.request().method == "HEAD") {
      res.headers.emplace("Content-Length", "1234");
    } else {
      res.body = std::string(1234, 'x');
    }
    co_await ex.send(std::move(res));
  });
  Raw raw(port_);
  raw.send(
      "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /auto HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /h HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = raw.read(true);
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "1234");
  auto autohead = raw.read(true);
  ASSERT_EQ(autohead.status, 200);
  EXPECT_EQ(autohead.header("Content-Length"), "5");
  auto get = raw.read();  // would be garbage if a HEAD answer carried body bytes
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, std::string(1234, 'x'));

  Curl c;
  auto res = c.fetch(Fetch::to(url("/h"), "HEAD"));
  EXPECT_EQ(res.code, CURLE_OK);
  EXPECT_EQ(res.header("Content-Length"), "1234");
  EXPECT_EQ(res.body_size, 0u);
  auto done = completions(4);
  EXPECT_EQ(done[0].out, 0u);
}

class RegistryHttpFileTest : public RegistryHttpTest {
 protected:
  // Serves `path` with send_file; ?off=&len= pick the range (default: all) and ?status=.
  void serve_file(const std::filesystem::path& path, ServerOptions o = {}) {
    file_ = path;
    start(
        [this](Exchange& ex) -> awaitable<void> {
          const Request& r = ex.request();
          if (r.method == "PUT") {
            co_await hash_body(ex);
            co_return;
          }
          int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
          if (fd < 0) throw std::runtime_error("open failed");
          std::uint64_t size = std::filesystem::file_size(file_);
          std::uint64_t off = r.param("off").empty() ? 0 : std::stoull(r.param("off"));
          std::uint64_t len = r.param("len").empty() ? size - off : std::stoull(r.param("len"));
          Response res;
          if (!r.param("status").empty()) res.status = std::stoi(r.param("status"));
          res.headers.emplace("Content-Type", "application/octet-stream");
          std::exception_ptr error;
          try {
            co_await ex.send_file(std::move(res), fd, off, len);
          } catch (...) {
            error = std::current_exception();
          }
          ::close(fd);
          if (error) std::rethrow_exception(error);
        },
        std::move(o));
  }

  std::filesystem::path file_;
  ch::fs::TempDir dir_;
};

TEST_F(RegistryHttpFileTest, SendsFileRanges) {
  const std::uint64_t size = 3 * kMiB + 17;
  write_pattern_file(dir_.path() / "blob", size);
  serve_file(dir_.path() / "blob");
  Curl c;
  struct Case {
    std::uint64_t off, len;
  };
  for (Case k : {Case{0, size}, Case{1000, 5000}, Case{size - 1, 1}, Case{12345, size - 12345},
                 Case{77, 0}}) {
    SCOPED_TRACE(std::to_string(k.off) + "+" + std::to_string(k.len));
    auto res = get(
        c, "/blob?off=" + std::to_string(k.off) + "&len=" + std::to_string(k.len) + "&status=206");
    ASSERT_EQ(res.code, CURLE_OK);
    EXPECT_EQ(res.status, 206);
    EXPECT_EQ(res.header("Content-Length"), std::to_string(k.len));
    EXPECT_EQ(res.body.size(), k.len);
    EXPECT_TRUE(res.body == pattern(k.off, static_cast<std::size_t>(k.len)));
    EXPECT_EQ(res.connects, k.off == 0 ? 1 : 0);  // the connection survives each body
  }
  auto head = c.fetch(Fetch::to(url("/blob?off=10&len=20"), "HEAD"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "20");
  EXPECT_EQ(head.body_size, 0u);
  auto again = get(c, "/blob?off=5&len=3");
  EXPECT_EQ(again.body, pattern(5, 3));
  EXPECT_EQ(again.connects, 0);
}

TEST_F(RegistryHttpFileTest, SendsA64MiBFileByteExact) {
  const std::uint64_t size = 64 * kMiB + 5;
  write_pattern_file(dir_.path() / "big", size);
  serve_file(dir_.path() / "big");
  Curl c;
  auto res = c.fetch(Fetch::to(url("/big")).hashed());
  ASSERT_EQ(res.code, CURLE_OK);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body_size, size);
  EXPECT_EQ(res.body_sha256, sha256_of_pattern(0, size));
  auto done = completions(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].out, size);
}

TEST_F(RegistryHttpTest, DrainsAnUnreadBodyBeforeTheNextRequest) {
  start([](Exchange& ex) -> awaitable<void> {
    Response res;
    res.body = "ok " + ex.request().path;  // never reads the body
    co_await ex.send(std::move(res));
  });
  Raw raw(port_);
  raw.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'z') +
           "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
           "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
  for (std::string p : {"/a", "/b", "/c"}) {
    auto r = raw.read();
    ASSERT_EQ(r.status, 200) << p;
    EXPECT_EQ(r.body, "ok " + p);
    EXPECT_EQ(r.header("Connection"), "");
  }
  auto done = completions(3);
  EXPECT_EQ(done[0].in, 1000u);

  Curl c;
  auto first = c.fetch(Fetch::to(url("/d"), "POST").with_body(std::string(100000, 'q')));
  auto second = c.fetch(Fetch::to(url("/e"), "POST").with_body(std::string(100000, 'q')));
  EXPECT_EQ(second.body, "ok /e");
  EXPECT_EQ(second.connects, 0);

  // Too much to drain: the answer says Connection: close and the connection closes.
  Raw big(port_);
  big.send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" +
           std::string(1000, 'z'));
  auto r = big.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_TRUE(big.closed());
}

TEST_F(RegistryHttpTest, AnswersExpectContinue) {
  start([](Exchange& ex) -> awaitable<void> {
    if (ex.request().path == "/reject") {
      Response res;
      res.status = 401;
      co_await ex.send(std::move(res));
      co_return;
    }
    co_await echo(ex);
  });
  Raw raw(port_);
  raw.send("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto cont = raw.read();
  ASSERT_EQ(cont.status, 100);
  raw.send("hello");
  auto res = raw.read();
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("body=hello\n"), std::string::npos) << res.body;

  // A handler that answers without reading: no 100, and the connection is not reused.
  Raw rejected(port_);
  rejected.send(
      "PUT /reject HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto r = rejected.read();
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_TRUE(rejected.closed());

  Curl c;  // libcurl's own Expect handling
  auto big = c.fetch(Fetch::to(url("/echo"), "PUT")
                         .with_header("Expect: 100-continue")
                         .with_body(std::string(2 * kMiB, 'e')));
  EXPECT_EQ(big.status, 200);
  EXPECT_NE(big.body.find("cl=2097152\n"), std::string::npos);
}

TEST_F(RegistryHttpTest, TurnsHandlerFailuresInto500) {
  start([](Exchange& ex) -> awaitable<void> {
    const std::string& p = ex.request().path;
    if (p == "/throw") throw std::runtime_error("boom \"quoted\"");
    if (p == "/silent") co_return;
    Response res;
    res.body = "partial";
    co_await ex.send(std::move(res));
    if (p == "/double") {
      bool refused = false;
      try {
        Response again;  // (named: GCC 12 miscompiles `co_await f(Aggregate{})`)
        co_await ex.send(std::move(again));
      } catch (const Error& e) {
        refused = e.code() == ErrorCode::kInternal;
      }
      if (!refused) throw std::logic_error("a second response was accepted");
      co_return;
    }
    if (p == "/throw-after") throw std::runtime_error("late");
  });
  Curl c;
  auto thrown = get(c, "/throw");
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.header("Content-Type"), "application/json");
  EXPECT_EQ(thrown.body, R"({"errors":[{"code":"UNKNOWN","message":"boom \"quoted\""}]})");
  auto silent = get(c, "/silent");
  EXPECT_EQ(silent.status, 500);
  EXPECT_NE(silent.body.find("no response"), std::string::npos) << silent.body;
  EXPECT_EQ(silent.connects, 0);  // a 500 keeps the connection
  auto head = c.fetch(Fetch::to(url("/throw"), "HEAD"));
  EXPECT_EQ(head.status, 500);
  EXPECT_NE(head.header("Content-Length"), "");
  EXPECT_EQ(head.body_size, 0u);
  auto twice = get(c, "/double");
  EXPECT_EQ(twice.status, 200);
  EXPECT_EQ(get(c, "/ok").body, "partial");

  // Failing after the response went out: the response stands, the connection closes.
  Raw raw(port_);
  raw.send("GET /throw-after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = raw.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "partial");
  EXPECT_TRUE(raw.closed());
  auto done = completions(6);
  EXPECT_EQ(done[0].status, 500);
}

TEST_F(RegistryHttpTest, AnswersMalformedRequestsWith400AndCloses) {
  std::atomic<int> calls{0};
  start([&calls](Exchange& ex) -> awaitable<void> {
    ++calls;
    Response res;
    co_await ex.send(std::move(res));
  });
  for (std::string bad :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
        std::string("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET / HTTP/9.9\r\nHost: x\r\n\r\n")}) {
    SCOPED_TRACE(bad);
    Raw raw(port_);
    raw.send(bad);
    auto r = raw.read();
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_TRUE(raw.closed());
  }
  {
    Raw huge(port_);
    huge.send("GET / HTTP/1.1\r\nX-Big: " + std::string(100000, 'a') + "\r\n\r\n");
    auto r = huge.read();
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(r.header("Connection"), "close");
  }
  EXPECT_EQ(calls, 0);
  server_->stop(5s);
}

TEST_F(RegistryHttpTest, ClosesHttp10ConnectionsUnlessAskedToKeepThem) {
  start(echo);
  Raw plain(port_);
  plain.send("GET /old HTTP/1.0\r\n\r\n");
  auto r = plain.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(plain.closed());

  Raw kept(port_);
  kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
  auto a = kept.read();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(lower(a.header("Connection")), "keep-alive");
  auto b = kept.read();
  EXPECT_EQ(b.status, 200);
  EXPECT_NE(b.body.find("path=/b\n"), std::string::npos);
  EXPECT_TRUE(kept.closed());
}

TEST_F(RegistryHttpTest, ServesManyConcurrentClients) {
  ServerOptions o;
  o.threads = 4;
  start(echo, o);
  constexpr int kThreads = 32, kRequests = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Curl c;
      for (int i = 0; i < kRequests; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        auto res = c.fetch(Fetch::to(url("/c?id=" + id), "POST").with_body("body-" + id));
        if (res.code != CURLE_OK || res.status != 200 ||
            res.body.find("q:id=" + id + "\n") == std::string::npos ||
            res.body.find("body=body-" + id + "\n") == std::string::npos)
          ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(completions(kThreads * kRequests).size(), std::size_t{kThreads * kRequests});
}

TEST_F(RegistryHttpTest, ReportsEveryRequestToOnComplete) {
  start(echo);
  Curl c;
  auto res = c.fetch(Fetch::to(url("/x%20y"), "POST").with_body("eleven byte"));
  ASSERT_EQ(res.status, 200);
  Raw raw(port_);
  raw.send("BAD\r\n\r\n");
  EXPECT_EQ(raw.read().status, 400);
  auto done = completions(2);
  ASSERT_EQ(done.size(), 2u);
  // The two connections are served by different threads: either may report first.
  if (done[0].status == 400) std::swap(done[0], done[1]);
  EXPECT_EQ(done[0].method, "POST");
  EXPECT_EQ(done[0].path, "/x y");
  EXPECT_EQ(done[0].status, 200);
  EXPECT_EQ(done[0].in, 11u);
  EXPECT_EQ(done[0].out, res.body.size());
  EXPECT_EQ(done[1].status, 400);
}

TEST_F(RegistryHttpFileTest, ServesHttpsWithTls12OrLater) {
  const std::string cert = (dir_.path() / "cert.pem").string();
  const std::string key = (dir_.path() / "key.pem").string();
  auto gen = ch::testing::run({openssl(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                               "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                               "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  ASSERT_EQ(gen.code, 0) << gen.err;
  const std::uint64_t size = 16 * kMiB + 3;
  write_pattern_file(dir_.path() / "blob", size);
  ServerOptions o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  serve_file(dir_.path() / "blob", o);
  const std::string base = "https://127.0.0.1:" + std::to_string(port_);

  Curl c;
  auto res = c.fetch(Fetch::to(base + "/blob?off=100&len=50").with_ca(cert));
  ASSERT_EQ(res.code, CURLE_OK) << curl_easy_strerror(res.code);
  EXPECT_EQ(res.body, pattern(100, 50));
  auto whole = c.fetch(Fetch::to(base + "/blob").hashed().with_ca(cert));
  EXPECT_EQ(whole.body_size, size);
  EXPECT_EQ(whole.body_sha256, sha256_of_pattern(0, size));
  EXPECT_EQ(whole.connects, 0);
  auto up = c.fetch(Fetch::to(base + "/up", "PUT").with_generated(8 * kMiB).with_ca(cert));
  EXPECT_EQ(up.status, 200);
  EXPECT_EQ(up.body, up.sent_sha256);
  EXPECT_EQ(up.header("X-Bytes"), std::to_string(8 * kMiB));
  auto chunked =
      c.fetch(Fetch::to(base + "/up", "PUT").with_generated(kMiB + 1, true).with_ca(cert));
  EXPECT_EQ(chunked.body, chunked.sent_sha256);

  // TLS 1.2 and 1.3 handshake; TLS 1.1 does not, even with a client willing to use it.
  const std::string connect = "127.0.0.1:" + std::to_string(port_);
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    auto ok = ch::testing::run({openssl(), "s_client", "-connect", connect, version});
    EXPECT_EQ(ok.code, 0) << version << ": " << ok.err;
  }
  auto old = ch::testing::run(
      {openssl(), "s_client", "-connect", connect, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"});
  EXPECT_NE(old.code, 0) << old.out;

  // Plain HTTP on the TLS port gets no HTTP answer.
  Curl plain;
  auto wrong = plain.fetch(Fetch::to(url("/blob?len=1")));
  EXPECT_NE(wrong.status, 200);

  // Certificate and key come as a pair, and must load.
  ServerOptions half;
  half.port = 0;
  half.tls_cert_file = cert;
  Server s1(half, echo);
  EXPECT_THROW(s1.start(), Error);
  ServerOptions broken = half;
  broken.tls_key_file = (dir_.path() / "blob").string();
  Server s2(broken, echo);
  EXPECT_THROW(s2.start(), Error);
}

TEST_F(RegistryHttpTest, ServesRequestsWithTheTlsFlagSet) {
  ch::fs::TempDir dir;
  const std::string cert = (dir.path() / "cert.pem").string();
  const std::string key = (dir.path() / "key.pem").string();
  auto gen = ch::testing::run({openssl(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
                               "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                               cert, "-days", "2", "-subj", "/CN=localhost", "-addext",
                               "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(gen.code, 0) << gen.err;
  ServerOptions o;
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  start(echo, o);
  Curl c;
  auto res = c.fetch(Fetch::to("https://127.0.0.1:" + std::to_string(port_) + "/t?a=1", "POST")
                         .with_body("secret")
                         .with_ca(cert));
  ASSERT_EQ(res.code, CURLE_OK) << curl_easy_strerror(res.code);
  EXPECT_NE(res.body.find("tls=1\n"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("body=secret\n"), std::string::npos) << res.body;
}

TEST_F(RegistryHttpTest, StopLetsTheInFlightRequestFinishAndClosesIdleConnections) {
  std::atomic<bool> entered{false}, release{false};
  start([&](Exchange& ex) -> awaitable<void> {
    if (ex.request().path == "/slow") {
      entered = true;
      while (!release) co_await sleep_for(5ms);
    }
    Response res;
    res.body = "done " + ex.request().path;
    co_await ex.send(std::move(res));
  });

  Raw idle(port_);
  idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(idle.read().status, 200);

  auto slow = std::async(std::launch::async, [&] {
    Curl c;
    return get(c, "/slow");
  });
  while (!entered) std::this_thread::sleep_for(1ms);

  auto stopped = std::async(std::launch::async, [&] { server_->stop(30s); });
  EXPECT_TRUE(idle.closed()) << "an idle keep-alive connection stayed open";
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout) << "the slow request ended early";
  EXPECT_EQ(stopped.wait_for(0s), std::future_status::timeout) << "stop() did not wait";

  bool refused = false;  // the acceptors close
  for (int i = 0; i < 200 && !refused; ++i) {
    Raw probe(port_);
    refused = !probe.connected();
    if (!refused) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(refused);

  release = true;
  auto res = slow.get();
  EXPECT_EQ(res.code, CURLE_OK);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "done /slow");
  EXPECT_EQ(res.header("Connection"), "close");
  ASSERT_EQ(stopped.wait_for(20s), std::future_status::ready);
  server_->wait();
}

TEST_F(RegistryHttpTest, StopAbortsAStuckHandlerAfterTheGracePeriod) {
  std::atomic<bool> entered{false};
  start([&](Exchange&) -> awaitable<void> {
    entered = true;
    co_await sleep_for(std::chrono::hours(1));
  });
  Raw raw(port_);
  raw.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!entered) std::this_thread::sleep_for(1ms);
  auto stopped = std::async(std::launch::async, [&] { server_->stop(200ms); });
  ASSERT_EQ(stopped.wait_for(30s), std::future_status::ready) << "stop() hung";
  EXPECT_TRUE(raw.closed());
  server_->wait();
}

TEST_F(RegistryHttpTest, StopCalledFromAHandlerDoesNotDeadlock) {
  start([this](Exchange& ex) -> awaitable<void> {
    server_->stop(5s);
    Response res;
    res.body = "bye";
    co_await ex.send(std::move(res));
  });
  Curl c;
  auto res = get(c, "/stop");
  EXPECT_EQ(res.body, "bye");
  auto waited = std::async(std::launch::async, [&] { server_->wait(); });
  ASSERT_EQ(waited.wait_for(30s), std::future_status::ready);
}

TEST_F(RegistryHttpTest, RefusesAPortAnotherServerListensOn) {
  start(echo);
  EXPECT_NE(port_, 0);
  ServerOptions o;
  o.port = port_;
  o.threads = 2;
  Server other(o, echo);
  try {
    other.start();
    ADD_FAILURE() << "a second server shared port " << port_;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
  Curl c;
  EXPECT_EQ(get(c, "/still").status, 200);
}

}  // namespace
}  // namespace ch::server::http
