// The registry client against real peers, both directions: charthouse ↔ the real Helm
// 3.17.3 and 4.1.4 ↔ Debian's docker-registry (CNCF distribution) and charthouse serve,
// with no auth, Basic (htpasswd) and token auth, over plain HTTP and over TLS with a test CA.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using testing::run;
using testing::RunResult;

using testing::kHelm3;
using testing::kHelm4;

std::string line_with(const std::string& text, const std::string& prefix) {
  auto at = text.find(prefix);
  if (at == std::string::npos) return {};
  auto end = text.find('\n', at);
  return text.substr(at + prefix.size(), end - at - prefix.size());
}

enum class Peer { kServe, kDistribution };
enum class Auth { kNone, kBasic, kToken };

struct Scenario {
  Peer peer;
  Auth auth;
  bool tls;
  std::string name() const {
    std::string n = peer == Peer::kServe ? "serve" : "distribution";
    n += auth == Auth::kNone ? "-noauth" : auth == Auth::kBasic ? "-basic" : "-token";
    return n + (tls ? "-tls" : "-http");
  }
};

void PrintTo(const Scenario& s, std::ostream* os) {
  *os << s.name();
}

class ClientInterop : public ::testing::TestWithParam<Scenario> {
 protected:
  static void SetUpTestSuite() {
    certs_ = new fs::TempDir();
    auto d = certs_->path();
    auto sh = [&](const std::string& cmd) { return run({"/bin/sh", "-c", cmd}, d).code; };
    ASSERT_EQ(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
                 "-subj /CN=test-ca 2>/dev/null"),
              0);
    ASSERT_EQ(sh("openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "
                 "/CN=127.0.0.1 2>/dev/null"),
              0);
    testing::write(d / "ext.cnf", "subjectAltName=IP:127.0.0.1\n");
    ASSERT_EQ(sh("openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out "
                 "srv.crt -days 2 -extfile ext.cnf 2>/dev/null"),
              0);
    ASSERT_EQ(sh("htpasswd -bcB htpasswd alice wonderland 2>/dev/null"), 0);
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  void SetUp() override {
    const Scenario& s = GetParam();
    stdfs::path certs = certs_->path();
    if (s.peer == Peer::kServe) {
      std::vector<std::string> extra;
      if (s.auth != Auth::kNone)
        extra = {"--auth", s.auth == Auth::kBasic ? "htpasswd" : "token", "--htpasswd",
                 (certs / "htpasswd").string()};
      if (s.tls) {
        extra.insert(extra.end(), {"--tls-cert", (certs / "srv.crt").string(), "--tls-key",
                                   (certs / "srv.key").string()});
      }
      int port = 0;
      server_ = testing::start_server(CH_BINARY, (tmp_.path() / "store").string(), extra, &port);
      host_ = "127.0.0.1:" + std::to_string(port);
    } else {
      int port = testing::free_port();
      host_ = "127.0.0.1:" + std::to_string(port);
      std::string config =
          "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
          "    rootdirectory: " +
          (tmp_.path() / "dist").string() +
          "\n  delete:\n    enabled: true\nhttp:\n  addr: " + host_ + "\n";
      if (s.tls)
        config += "  tls:\n    certificate: " + (certs / "srv.crt").string() +
                  "\n    key: " + (certs / "srv.key").string() + "\n";
      if (s.auth == Auth::kBasic)
        config += "auth:\n  htpasswd:\n    realm: basic-realm\n    path: " +
                  (certs / "htpasswd").string() + "\n";
      testing::write(tmp_.path() / "dist.yml", config);
      server_ = std::make_unique<testing::Process>(std::vector<std::string>{
          "/usr/bin/docker-registry", "serve", (tmp_.path() / "dist.yml").string()});
      wait_until_up();
    }
    conn_ = s.tls ? std::vector<std::string>{"--ca-file", (certs / "ca.crt").string()}
                  : std::vector<std::string>{"--plain-http"};
  }

  void wait_until_up() {
    testing::HttpClient http;
    if (GetParam().tls) http.set_ca_file((certs_->path() / "ca.crt").string());
    std::string url = std::string(GetParam().tls ? "https" : "http") + "://" + host_ + "/v2/";
    for (int i = 0; i < 200; ++i) {
      try {
        if (http.request("GET", url).status != 0) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "docker-registry did not start: " << server_->stderr_text();
  }

  std::map<std::string, std::string> env() {
    return {{"HELM_CONFIG_HOME", (tmp_.path() / "hc").string()},
            {"HELM_CACHE_HOME", (tmp_.path() / "hk").string()},
            {"HELM_DATA_HOME", (tmp_.path() / "hd").string()},
            {"HELM_REGISTRY_CONFIG", (tmp_.path() / "hc/registry/config.json").string()},
            {"DOCKER_CONFIG", (tmp_.path() / "docker").string()},
            {"HOME", tmp_.path().string()}};
  }

  RunResult tool(const std::string& binary, std::vector<std::string> args,
                 const std::vector<std::string>& extra = {}) {
    args.insert(args.begin(), binary);
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, tmp_.path(), env());
  }
  RunResult ch(std::vector<std::string> args, bool with_conn = true) {
    return tool(CH_BINARY, std::move(args), with_conn ? conn_ : std::vector<std::string>{});
  }

  // Helm's login flags differ: 3.17 has no --plain-http for login (--insecure then).
  std::vector<std::string> helm_login_conn(const std::string& helm) {
    if (GetParam().tls) return conn_;
    return {helm == kHelm3 ? "--insecure" : "--plain-http"};
  }

  bool needs_login() const { return GetParam().auth != Auth::kNone; }

  // Helm 3.17.3 (oras-go v1 + containerd's resolver) always speaks plain HTTP to loopback
  // registries, whatever the TLS flags; over TLS only Helm 4 can take part on 127.0.0.1.
  std::vector<std::string> helms() const {
    if (GetParam().tls) return {kHelm4};
    return {kHelm3, kHelm4};
  }
  std::string pushing_helm() const { return GetParam().tls ? kHelm4 : kHelm3; }

  // A packaged chart (with a .prov beside it when prov is set).
  stdfs::path make_chart(const std::string& name, const std::string& version, bool prov = false) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version,
                         {{"values.yaml", "replicas: 2\n"},
                          {"templates/cm.yaml", "kind: ConfigMap\n"},
                          {"README.md", "# " + name + "\n"}});
    testing::write(dir / "Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: " + version +
                                           "\nappVersion: \"9.9\"\ndescription: the " + name +
                                           " chart\nhome: https://example.com/" + name +
                                           "\nmaintainers:\n- name: Jane\n  email: j@x.io\n");
    auto out = tmp_.path() / "pkg";
    auto r = run({CH_BINARY, "package", dir.string(), "-d", out.string()});
    EXPECT_EQ(r.code, 0) << r.err;
    auto tgz = out / (name + "-" + version + ".tgz");
    if (prov) testing::write(tgz.string() + ".prov", "-----BEGIN PGP SIGNED MESSAGE-----\n" + name);
    return tgz;
  }

  static fs::TempDir* certs_;
  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  std::string host_;
  std::vector<std::string> conn_;
};

fs::TempDir* ClientInterop::certs_ = nullptr;

TEST_P(ClientInterop, PushPullShowBothDirections) {
  // charthouse's login is what Helm then uses (shared registry/config.json).
  if (needs_login()) {
    auto bad = ch({"registry", "login", host_, "-u", "alice", "-p", "wrong"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_NE(bad.err.find("Error: "), std::string::npos) << bad.err;
    auto good = ch({"registry", "login", host_, "-u", "alice", "-p", "wonderland"});
    ASSERT_EQ(good.code, 0) << good.err << server_->stderr_text();
    EXPECT_NE(good.err.find("WARNING: Using --password via the CLI is insecure"),
              std::string::npos);
    EXPECT_NE(good.err.find("Login Succeeded"), std::string::npos);
    auto config = testing::read(tmp_.path() / "hc/registry/config.json");
    if (GetParam().auth == Auth::kBasic) {
      EXPECT_NE(config.find("\"" + host_ + "\": {\n\t\t\t\"auth\": \"YWxpY2U6d29uZGVybGFuZA==\""),
                std::string::npos)
          << config;
    } else {
      // A token server's identity token is kept instead of the password, as Helm 3 does.
      EXPECT_NE(config.find("\"" + host_ + "\": {\n\t\t\t\"identitytoken\": \""), std::string::npos)
          << config;
      EXPECT_EQ(config.find("YWxpY2U6d29uZGVybGFuZA=="), std::string::npos) << config;
    }
  }

  // 1. charthouse pushes (with a .prov); both Helms pull the same bytes.
  auto a = make_chart("alpha", "1.0.0", true);
  auto p = ch({"push", a.string(), "oci://" + host_ + "/charts"});
  ASSERT_EQ(p.code, 0) << p.err << server_->stderr_text();
  EXPECT_EQ(line_with(p.err, "Pushed: "), host_ + "/charts/alpha:1.0.0") << p.err;
  std::string ch_digest = line_with(p.err, "Digest: ");
  EXPECT_TRUE(Digest::is_valid(ch_digest)) << p.err;
  for (const std::string& helm : helms()) {
    SCOPED_TRACE(helm);
    auto out = tmp_.path() / ("helm-pulled-" + std::to_string(helm == kHelm3));
    stdfs::create_directories(out);
    auto q = tool(helm,
                  {"pull", "oci://" + host_ + "/charts/alpha", "--version", "1.0.0", "--prov", "-d",
                   out.string()},
                  conn_);
    ASSERT_EQ(q.code, 0) << q.err;
    EXPECT_EQ(testing::read(out / "alpha-1.0.0.tgz"), testing::read(a));
    EXPECT_EQ(testing::read(out / "alpha-1.0.0.tgz.prov"), testing::read(a.string() + ".prov"));
    EXPECT_EQ(line_with(q.err + q.out, "Digest: "), ch_digest);
    auto s = tool(helm, {"show", "chart", "oci://" + host_ + "/charts/alpha", "--version", "1.0.0"},
                  conn_);
    EXPECT_EQ(s.code, 0) << s.err;
    EXPECT_EQ(s.out, ch({"show", "chart", a.string()}, false).out);
  }

  // 2. The real Helm pushes; charthouse pulls it every way.
  auto b1 = make_chart("beta", "1.1.0", true);
  auto b2 = make_chart("beta", "1.2.0-rc.1");
  auto b3 = make_chart("beta", "0.9.0+build.7");
  std::string b1_digest;
  for (const auto& file : {b1, b2, b3}) {
    auto hp = tool(pushing_helm(), {"push", file.string(), "oci://" + host_ + "/charts"}, conn_);
    ASSERT_EQ(hp.code, 0) << hp.err;
    if (file == b1) b1_digest = line_with(hp.err, "Digest: ");
  }
  auto dest = tmp_.path() / "ch-pulled";
  stdfs::create_directories(dest);
  // exact version
  auto q =
      ch({"pull", "oci://" + host_ + "/charts/beta", "--version", "1.1.0", "-d", dest.string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(line_with(q.err, "Pulled: "), host_ + "/charts/beta:1.1.0");
  EXPECT_EQ(line_with(q.err, "Digest: "), b1_digest);
  EXPECT_EQ(testing::read(dest / "beta-1.1.0.tgz"), testing::read(b1));
  stdfs::remove(dest / "beta-1.1.0.tgz");
  // range: the highest stable version; --devel admits the release candidate
  q = ch({"pull", "oci://" + host_ + "/charts/beta", "--version", "^1.0", "-d", dest.string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_TRUE(stdfs::exists(dest / "beta-1.1.0.tgz"));
  q = ch({"pull", "oci://" + host_ + "/charts/beta", "--devel", "-d", dest.string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(testing::read(dest / "beta-1.2.0-rc.1.tgz"), testing::read(b2));
  // '+' versions travel as '_' tags and come back with '+'
  q = ch({"pull", "oci://" + host_ + "/charts/beta", "--version", "<0.9.1", "-d", dest.string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(testing::read(dest / "beta-0.9.0+build.7.tgz"), testing::read(b3));
  EXPECT_NE(q.err.find("contains an underscore.\n\nOCI artifact references"), std::string::npos);
  // digest
  q = ch({"pull", "oci://" + host_ + "/charts/beta@" + b1_digest, "-d", dest.string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(line_with(q.err, "Pulled: "), host_ + "/charts/beta@" + b1_digest);
  EXPECT_EQ(testing::read(dest / ("beta@sha256-" + b1_digest.substr(7) + ".tgz")),
            testing::read(b1));
  // tag and digest that disagree
  q = ch({"pull", "oci://" + host_ + "/charts/beta:1.2.0-rc.1@" + b1_digest, "-d", dest.string()});
  EXPECT_EQ(q.code, 1);
  EXPECT_NE(q.err.find("chart reference digest mismatch"), std::string::npos) << q.err;
  // --untar and --prov
  q = ch({"pull", "oci://" + host_ + "/charts/beta:1.1.0", "--untar", "--prov", "-d",
          (dest / "u").string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(testing::read(dest / "u/beta/values.yaml"), "replicas: 2\n");
  EXPECT_EQ(testing::read(dest / "u/beta-1.1.0.tgz.prov"), testing::read(b1.string() + ".prov"));
  q = ch({"pull", "oci://" + host_ + "/charts/beta:1.1.0", "--untar", "-d", (dest / "u").string()});
  EXPECT_EQ(q.code, 1);
  EXPECT_NE(q.err.find("failed to untar: a file or directory with the name"), std::string::npos);
  // show: the same text as Helm's, Pulled:/Digest: on stderr
  for (const char* what : {"chart", "values", "readme", "all"}) {
    auto mine = ch({"show", what, "oci://" + host_ + "/charts/beta", "--version", "1.1.0"});
    auto helms = tool(
        kHelm4, {"show", what, "oci://" + host_ + "/charts/beta", "--version", "1.1.0"}, conn_);
    ASSERT_EQ(mine.code, 0) << mine.err;
    EXPECT_EQ(mine.out, helms.out) << what;
    EXPECT_EQ(line_with(mine.err, "Digest: "), b1_digest);
  }

  // 3. The same file pushed by charthouse and by Helm gives the same manifest digest (Helm
  // 3.17.3 over plain HTTP, Helm 4.1.4 over TLS).
  auto same = make_chart("gamma", "2.0.0", true);
  auto mine = ch({"push", same.string(), "oci://" + host_ + "/mine"});
  auto theirs = tool(pushing_helm(), {"push", same.string(), "oci://" + host_ + "/theirs"}, conn_);
  ASSERT_EQ(mine.code, 0) << mine.err;
  ASSERT_EQ(theirs.code, 0) << theirs.err;
  EXPECT_EQ(line_with(mine.err, "Digest: "), line_with(theirs.err, "Digest: "));

  // 4. search lists versions with app version and description.
  auto s = ch({"search", "oci://" + host_ + "/charts/beta", "--versions", "--devel", "-o", "json"});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(s.out, "[{\"name\":\"oci://" + host_ +
                       "/charts/beta\",\"version\":\"1.2.0-rc.1\","
                       "\"app_version\":\"9.9\",\"description\":\"the beta chart\"},"
                       "{\"name\":\"oci://" +
                       host_ +
                       "/charts/beta\",\"version\":\"1.1.0\","
                       "\"app_version\":\"9.9\",\"description\":\"the beta chart\"},"
                       "{\"name\":\"oci://" +
                       host_ +
                       "/charts/beta\",\"version\":\"0.9.0+build.7\","
                       "\"app_version\":\"9.9\",\"description\":\"the beta chart\"}]\n");

  // 5. Logged out, a push is refused with a clear error and a pull by Helm too.
  if (needs_login()) {
    auto o = ch({"registry", "logout", host_}, false);
    EXPECT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(o.err, "Removing login credentials for " + host_ + "\n");
    auto denied = ch({"push", a.string(), "oci://" + host_ + "/charts"});
    EXPECT_EQ(denied.code, 1);
    EXPECT_NE(denied.err.find("Error: "), std::string::npos);
    EXPECT_NE(denied.err.find("401"), std::string::npos) << denied.err;
    // Helm's login is what charthouse then uses.
    for (const std::string& helm : helms()) {
      auto hl = tool(helm, {"registry", "login", host_, "-u", "alice", "-p", "wonderland"},
                     helm_login_conn(helm));
      ASSERT_EQ(hl.code, 0) << hl.err;
      auto ok = ch({"pull", "oci://" + host_ + "/charts/alpha:1.0.0", "-d", dest.string()});
      EXPECT_EQ(ok.code, 0) << ok.err;
      EXPECT_EQ(tool(helm, {"registry", "logout", host_}).code, 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Peers, ClientInterop,
                         ::testing::Values(Scenario{Peer::kServe, Auth::kNone, false},
                                           Scenario{Peer::kServe, Auth::kBasic, false},
                                           Scenario{Peer::kServe, Auth::kToken, false},
                                           Scenario{Peer::kServe, Auth::kNone, true},
                                           Scenario{Peer::kServe, Auth::kBasic, true},
                                           Scenario{Peer::kServe, Auth::kToken, true},
                                           Scenario{Peer::kDistribution, Auth::kNone, false},
                                           Scenario{Peer::kDistribution, Auth::kBasic, false},
                                           Scenario{Peer::kDistribution, Auth::kNone, true},
                                           Scenario{Peer::kDistribution, Auth::kBasic, true}),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           std::string n = info.param.name();
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace ch
