// The client's building blocks: manifest parsing and writing, Helm's annotations and
// created time, tag → version listing, search rendering, and the transport's redirect
// rule (Authorization never follows a redirect to another host), over real sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "actions/push.hpp"
#include "actions/search.hpp"
#include "base/error.hpp"
#include "base/time.hpp"
#include "client/chart_resolver.hpp"
#include "client/transport.hpp"
#include "helm/oci_artifact.hpp"
#include "oci/manifest.hpp"

namespace ch {
namespace {

TEST(Manifest, HelmBytesAndRoundTrip) {
  oci::Descriptor config{"application/vnd.cncf.helm.config.v1+json",
                         "sha256:" + std::string(64, 'a'), 141};
  oci::Descriptor layer{"application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                        "sha256:" + std::string(64, 'b'), 3000};
  std::string bytes = oci::helm_manifest_json(config, {layer}, {{"z", "1"}, {"a", "<&>"}});
  EXPECT_EQ(
      bytes,
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+"
      "json\",\"digest\":\"sha256:" +
          std::string(64, 'a') +
          "\",\"size\":141},\"layers\":[{\"mediaType\":\"application/vnd.cncf.helm.chart."
          "content.v1.tar+gzip\",\"digest\":\"sha256:" +
          std::string(64, 'b') +
          "\",\"size\":3000}],\"annotations\":{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":\"1\"}}");
  oci::Manifest m = oci::parse_manifest(bytes);
  EXPECT_EQ(m.config.digest, config.digest);
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].size, 3000);
  EXPECT_EQ(m.annotations.at("a"), "<&>");
  // No annotations: the field is left out, as Helm 3.8–3.11 wrote it.
  EXPECT_EQ(oci::helm_manifest_json(config, {}, {}).find("annotations"), std::string::npos);
}

TEST(Manifest, RejectsMalformedDocuments) {
  for (const char* bad :
       {"", "[]", "{\"schemaVersion\":1}", "{\"schemaVersion\":2}",
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"md5:1\","
        "\"size\":1}}",
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
        "\"size\":-1}}"}) {
    try {
      oci::parse_manifest(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(std::string(e.what()).rfind("invalid manifest: ", 0), 0u) << e.what();
    }
  }
}

TEST(Push, AnnotationsAsHelmComputesThem) {
  helm::Metadata m;
  m.name = "demo";
  m.version = "1.0.0+b.1";
  m.description = "  ";  // blank after TrimSpace: left out
  m.home = "https://h";
  m.sources = {"https://s1", "https://s2"};
  m.maintainers = {{"Jane", "j@x.io", ""}, {"Bob", "", ""}};
  m.annotations = {{"org.opencontainers.image.title", "ignored"},
                   {"org.opencontainers.image.url", "https://override"},
                   {"org.opencontainers.image.revision", "abc"}};
  auto a = helm::helm_annotations(m, "2024-05-01T10:00:00Z");
  std::map<std::string, std::string> want = {
      {"org.opencontainers.image.title", "demo"},
      {"org.opencontainers.image.version", "1.0.0+b.1"},
      {"org.opencontainers.image.url", "https://override"},
      {"org.opencontainers.image.created", "2024-05-01T10:00:00Z"},
      {"org.opencontainers.image.source", "https://s1"},
      {"org.opencontainers.image.authors", "Jane (j@x.io), Bob"},
      {"org.opencontainers.image.revision", "abc"}};
  EXPECT_EQ(a, want);
}

TEST(Push, CreatedTimeInTheLocalZone) {
  const char* old = std::getenv("TZ");
  std::string saved = old != nullptr ? old : "";
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(rfc3339_local(1714557600), "2024-05-01T10:00:00Z");
  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  EXPECT_EQ(rfc3339_local(1714557600), "2024-05-01T12:00:00+02:00");
  setenv("TZ", "America/St_Johns", 1);
  tzset();
  EXPECT_EQ(rfc3339_local(1714557600), "2024-05-01T07:30:00-02:30");
  if (old != nullptr)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

TEST(Resolve, TagsBecomeVersionsHighestFirst) {
  EXPECT_EQ(client::chart_versions({"1.0.0", "latest", "v2.0.0", "1.2", "2.0.0-rc.1",
                                    "1.10.0_build.5", "01.0.0", "1.9.0"}),
            (std::vector<std::string>{"2.0.0-rc.1", "1.10.0+build.5", "1.9.0", "1.0.0"}));
}

TEST(Search, TableJsonYaml) {
  std::vector<actions::SearchEntry> e = {{"oci://r/ns/a", "1.0.0", "2.0", "short"},
                                         {"oci://r/ns/long", "0.1.0", "", std::string(60, 'd')}};
  EXPECT_EQ(actions::render_search(e, "table"),
            "NAME           \tCHART VERSION\tAPP VERSION\tDESCRIPTION                              "
            "         \n"
            "oci://r/ns/a   \t1.0.0        \t2.0        \tshort                                    "
            "         \n"
            "oci://r/ns/long\t0.1.0        \t           \t" +
                std::string(47, 'd') + "...\n");
  EXPECT_EQ(
      actions::render_search({e[0]}, "json"),
      "[{\"name\":\"oci://r/ns/a\",\"version\":\"1.0.0\",\"app_version\":\"2.0\",\"description\":"
      "\"short\"}]\n");
  EXPECT_EQ(
      actions::render_search({e[0]}, "yaml"),
      "- app_version: \"2.0\"\n  description: short\n  name: oci://r/ns/a\n  version: 1.0.0\n");
  EXPECT_EQ(actions::render_search({}, "table"), "No results found\n");
  EXPECT_THROW(actions::render_search(e, "xml"), Error);
}

// A one-shot HTTP server on a loopback port that answers every request with `reply` and
// remembers the request heads it saw.
class TinyServer {
 public:
  explicit TinyServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
    thread_ = std::thread([this] { serve(); });
  }
  ~TinyServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::string heads() {
    std::lock_guard lock(mutex_);
    return heads_;
  }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        heads_ += head;
      }
      std::string r = reply_;
      (void)!::write(c, r.data(), r.size());
      ::close(c);
    }
  }
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::string heads_;
};

TEST(Transport, AuthorizationDoesNotFollowARedirectToAnotherHost) {
  TinyServer target("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nblob");
  TinyServer origin("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://localhost:" +
                    std::to_string(target.port()) +
                    "/storage/blob\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  client::Transport transport({}, "charthouse-test");
  client::Request request;
  request.url = "http://127.0.0.1:" + std::to_string(origin.port()) + "/v2/r/blobs/sha256:x";
  request.headers.emplace_back("Authorization", "Bearer secret-token");
  std::string body;
  request.sink = [&body](std::string_view chunk) { body.append(chunk); };
  client::Response response = transport.send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(body, "blob");
  EXPECT_NE(origin.heads().find("Authorization: Bearer secret-token"), std::string::npos);
  EXPECT_NE(target.heads().find("GET /storage/blob"), std::string::npos);
  EXPECT_EQ(target.heads().find("Authorization"), std::string::npos) << target.heads();
}

TEST(Transport, ErrorBodiesDoNotReachTheSink) {
  TinyServer s("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
  client::Transport transport({}, "charthouse-test");
  client::Request request;
  request.url = "http://127.0.0.1:" + std::to_string(s.port()) + "/x";
  std::string body;
  request.sink = [&body](std::string_view chunk) { body.append(chunk); };
  client::Response response = transport.send(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(body, "");
  EXPECT_EQ(response.body, "not found");
}

TEST(Transport, UnreachableHostIsANetworkError) {
  int port;
  {
    TinyServer s("");
    port = s.port();
  }  // closed: nothing listens there now
  client::Transport transport({}, "charthouse-test");
  client::Request request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/v2/";
  try {
    transport.send(request);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNetwork);
    EXPECT_NE(std::string(e.what()).find(request.url), std::string::npos) << e.what();
  }
}

TEST(Transport, LoopbackHosts) {
  EXPECT_TRUE(client::is_loopback_host("localhost:5000"));
  EXPECT_TRUE(client::is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(client::is_loopback_host("127.1.2.3:80"));
  EXPECT_TRUE(client::is_loopback_host("[::1]:5000"));
  EXPECT_FALSE(client::is_loopback_host("ghcr.io"));
  EXPECT_FALSE(client::is_loopback_host("localhost.evil.com"));
  EXPECT_FALSE(client::is_loopback_host("10.0.0.1:5000"));
}

}  // namespace
}  // namespace ch
