// Tests of client/transport.cpp: TLS trust, redirects, error bodies, loopback hosts.
// Which anchors a handshake uses (Helm's choice: --ca-file alone, none with
// --insecure-skip-tls-verify, else the system's, with Go's $SSL_CERT_FILE and $SSL_CERT_DIR),
// and that they work when OpenSSL reads them lazily from a hashed directory — against a real
// TLS server on loopback with a test CA made by the openssl CLI, client certificates included.
// Also that a TLS attempt on a plain-HTTP port still reads as one (the loopback fallback
// depends on it), and the redirect rule (Authorization never follows a redirect to another
// host) over real sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/error.hpp"
#include "base/file.hpp"
#include "client/transport.hpp"
#include "testing.hpp"

namespace ch {
namespace {

using client::TlsOptions;
using client::TrustAnchors;

TrustAnchors anchors(std::string file, std::string path, bool curl_default = false) {
  return TrustAnchors{std::move(file), std::move(path), curl_default};
}

constexpr const char* kBundle = "/etc/ssl/certs/ca-certificates.crt";
constexpr const char* kDir = "/etc/ssl/certs";

TEST(TrustAnchors, SystemAnchorsAreTheHashedDirectoryNotTheBundle) {
  EXPECT_EQ(client::trust_anchors({}, nullptr, nullptr, kBundle, kDir), anchors("", kDir));
  // Empty variables are unset ones.
  EXPECT_EQ(client::trust_anchors({}, "", "", kBundle, kDir), anchors("", kDir));
  // A libcurl built without a CA directory keeps its own default.
  EXPECT_EQ(client::trust_anchors({}, nullptr, nullptr, kBundle, nullptr), anchors("", "", true));
  EXPECT_EQ(client::trust_anchors({}, nullptr, nullptr, "", ""), anchors("", "", true));
}

TEST(TrustAnchors, GoEnvironmentVariables) {
  fs::TempDir tmp;
  std::string roots = (tmp.path() / "roots.pem").string();
  testing::write(roots, "");
  // $SSL_CERT_FILE replaces the bundle, $SSL_CERT_DIR the directories; both are used.
  EXPECT_EQ(client::trust_anchors({}, roots.c_str(), nullptr, kBundle, kDir), anchors(roots, kDir));
  EXPECT_EQ(client::trust_anchors({}, nullptr, "/a:/b", kBundle, kDir), anchors("", "/a:/b"));
  EXPECT_EQ(client::trust_anchors({}, roots.c_str(), "/a", kBundle, kDir), anchors(roots, "/a"));
  EXPECT_EQ(client::trust_anchors({}, roots.c_str(), nullptr, kBundle, nullptr),
            anchors(roots, ""));
}

TEST(TrustAnchors, SslCertFileNamingTheSystemBundleIsTheHashedDirectory) {
  // CI images often set SSL_CERT_FILE to the system bundle itself: the same certificates as
  // the hashed directory, which is read a certificate at a time instead.
  fs::TempDir tmp;
  auto bundle = tmp.path() / "ca-certificates.crt";
  testing::write(bundle, "");
  std::filesystem::create_symlink(bundle, tmp.path() / "link.crt");
  std::string b = bundle.string(), link = (tmp.path() / "link.crt").string();
  EXPECT_EQ(client::trust_anchors({}, b.c_str(), nullptr, b.c_str(), kDir), anchors("", kDir));
  EXPECT_EQ(client::trust_anchors({}, link.c_str(), kDir, b.c_str(), kDir), anchors("", kDir));
  EXPECT_EQ(client::trust_anchors({}, b.c_str(), "/x:/etc/ssl/certs", b.c_str(), kDir),
            anchors("", "/x:/etc/ssl/certs"));
  // ... but not when the directories in use are others: the bundle is needed then.
  EXPECT_EQ(client::trust_anchors({}, b.c_str(), "/a", b.c_str(), kDir), anchors(b, "/a"));
  // ... nor when libcurl knows no directory.
  EXPECT_EQ(client::trust_anchors({}, b.c_str(), nullptr, b.c_str(), nullptr), anchors(b, ""));
}

TEST(TrustAnchors, CaFileAloneAndNothingWhenNotVerifying) {
  TlsOptions with_ca;
  with_ca.ca_file = "/tmp/ca.crt";
  // Helm's --ca-file: a pool of that bundle only, whatever the environment says.
  EXPECT_EQ(client::trust_anchors(with_ca, "/x/roots.pem", "/a", kBundle, kDir),
            anchors("/tmp/ca.crt", ""));
  TlsOptions insecure;
  insecure.insecure_skip_verify = true;
  EXPECT_EQ(client::trust_anchors(insecure, nullptr, nullptr, kBundle, kDir), anchors("", ""));
  insecure.ca_file = "/tmp/ca.crt";
  EXPECT_EQ(client::trust_anchors(insecure, "/x/roots.pem", nullptr, kBundle, kDir),
            anchors("", ""));
  // A client certificate changes nothing about whom we trust.
  TlsOptions mtls;
  mtls.cert_file = "/tmp/c.crt";
  mtls.key_file = "/tmp/c.key";
  EXPECT_EQ(client::trust_anchors(mtls, nullptr, nullptr, kBundle, kDir), anchors("", kDir));
}

// A test CA, a certificate for 127.0.0.1 and a client certificate, made with the openssl CLI.
struct Pki {
  std::filesystem::path dir;
  explicit Pki(const std::filesystem::path& d) : dir(d) {
    auto sh = [&](const std::string& cmd) {
      auto r = testing::run({"/bin/sh", "-c", cmd + " 2>&1"}, dir);
      ASSERT_EQ(r.code, 0) << cmd << "\n" << r.out;
    };
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    sh("openssl req -x509 " + key +
       " -keyout ca.key -out ca.crt -days 2 -subj /CN=charthouse-test-ca");
    testing::write(dir / "srv.ext", "subjectAltName=IP:127.0.0.1\n");
    sh("openssl req " + key + " -keyout srv.key -out srv.csr -subj /CN=127.0.0.1");
    sh("openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt "
       "-days 2 -extfile srv.ext");
    sh("openssl req " + key + " -keyout cli.key -out cli.csr -subj /CN=client");
    sh("openssl x509 -req -days 2 -in cli.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
       "-out cli.crt");
    // A c_rehash directory holding only the test CA, as /etc/ssl/certs holds the system's.
    std::filesystem::create_directories(dir / "hashed");
    std::filesystem::copy_file(dir / "ca.crt", dir / "hashed" / "test-ca.pem");
    sh("openssl rehash hashed");
  }
};

// Answers each TLS connection's first request with 200 "ok" (HTTP/1.1, one request per
// connection); optionally demands a client certificate signed by the CA.
class TlsServer {
 public:
  TlsServer(const Pki& pki, bool require_client_cert) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    EXPECT_EQ(SSL_CTX_use_certificate_file(ctx_, (pki.dir / "srv.crt").c_str(), SSL_FILETYPE_PEM),
              1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx_, (pki.dir / "srv.key").c_str(), SSL_FILETYPE_PEM),
              1);
    if (require_client_cert) {
      EXPECT_EQ(SSL_CTX_load_verify_locations(ctx_, (pki.dir / "ca.crt").c_str(), nullptr), 1);
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/v2/"; }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, c);
      if (SSL_accept(ssl) == 1) {
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
          int n = SSL_read(ssl, buf, sizeof buf);
          if (n <= 0) break;
          request.append(buf, static_cast<size_t>(n));
        }
        std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        SSL_write(ssl, reply.data(), static_cast<int>(reply.size()));
        SSL_shutdown(ssl);
      }
      ERR_clear_error();
      SSL_free(ssl);
      ::close(c);
    }
  }
  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Sets an environment variable for the lifetime of the object (each test is its own process
// under ctest; the previous value is restored for gtest runs that share one).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

client::Response get(const TlsOptions& tls, const std::string& url) {
  client::Transport transport(tls, "charthouse-test");
  client::Request request;
  request.url = url;
  return transport.send(request);
}

std::string failure(const TlsOptions& tls, const std::string& url) {
  try {
    get(tls, url);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNetwork) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error from " << url;
  return {};
}

class TransportTls : public ::testing::Test {
 protected:
  void SetUp() override {
    // The system's anchors are what these tests compare against: none from the environment.
    unset_file_.emplace("SSL_CERT_FILE", "");
    unset_dir_.emplace("SSL_CERT_DIR", "");
  }
  fs::TempDir tmp_;
  Pki pki_{tmp_.path()};
  std::optional<ScopedEnv> unset_file_, unset_dir_;
};

TEST_F(TransportTls, CaFileIsTrusted) {
  TlsServer server(pki_, false);
  TlsOptions tls;
  tls.ca_file = (pki_.dir / "ca.crt").string();
  client::Response r = get(tls, server.url());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
}

TEST_F(TransportTls, SystemAnchorsVerifyAndDoNotTrustATestCa) {
  TlsServer server(pki_, false);
  std::string message = failure({}, server.url());
  EXPECT_NE(message.find("certificate"), std::string::npos) << message;
  EXPECT_FALSE(client::Transport::is_plain_http_answer(message)) << message;
}

TEST_F(TransportTls, HashedDirectoryAndBundleFromTheEnvironment) {
  TlsServer server(pki_, false);
  {
    ScopedEnv dir("SSL_CERT_DIR", (pki_.dir / "hashed").string());
    EXPECT_EQ(get({}, server.url()).status, 200);
  }
  {
    ScopedEnv file("SSL_CERT_FILE", (pki_.dir / "ca.crt").string());
    EXPECT_EQ(get({}, server.url()).status, 200);
  }
  // A directory without the CA: still verified, still refused.
  ScopedEnv other("SSL_CERT_DIR", tmp_.path().string());
  EXPECT_NE(failure({}, server.url()).find("certificate"), std::string::npos);
}

TEST_F(TransportTls, InsecureSkipsVerification) {
  TlsServer server(pki_, false);
  TlsOptions tls;
  tls.insecure_skip_verify = true;
  EXPECT_EQ(get(tls, server.url()).status, 200);
}

TEST_F(TransportTls, ClientCertificate) {
  TlsServer server(pki_, true);
  TlsOptions tls;
  tls.ca_file = (pki_.dir / "ca.crt").string();
  failure(tls, server.url());  // no client certificate: the handshake fails
  tls.cert_file = (pki_.dir / "cli.crt").string();
  tls.key_file = (pki_.dir / "cli.key").string();
  EXPECT_EQ(get(tls, server.url()).status, 200);
}

TEST_F(TransportTls, HandshakeWithAPlainHttpServerReadsAsOne) {
  // A plain-HTTP server answers the ClientHello's bytes with a 400, as registries do.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread plain([fd] {
    int c = ::accept(fd, nullptr, nullptr);
    if (c < 0) return;
    char buf[1024];
    (void)::recv(c, buf, sizeof buf, 0);
    std::string reply =
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    (void)::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(c);
  });
  std::string message =
      failure({}, "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/v2/");
  plain.join();
  ::close(fd);
  EXPECT_TRUE(client::Transport::is_plain_http_answer(message)) << message;
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
