// charthouse serve with real third-party clients: skopeo copies a multi-layer OCI image in
// and back out byte-identically (no auth, Basic, token auth), and the real Helm 3.17.3 and
// 4.1.4 push and pull charts (plain HTTP, with a login).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;
using testing::run;

// Writes an OCI image layout with a config and `layers` gzip layers; returns the
// manifest digest.
std::string write_oci_layout(const stdfs::path& dir, int layers) {
  stdfs::create_directories(dir / "blobs/sha256");
  auto put = [&](const std::string& data) {
    Digest d = digest_of(data);
    testing::write(dir / "blobs/sha256" / d.hex, data);
    return d;
  };
  json m = {{"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"layers", json::array()}};
  json diff_ids = json::array();
  fs::TempDir work;
  for (int i = 0; i < layers; ++i) {
    auto src = work.path() / ("l" + std::to_string(i));
    testing::write(src / ("file" + std::to_string(i) + ".txt"),
                   std::string(1000 + i * 70000, static_cast<char>('a' + i)));
    auto tar = work.path() / ("l" + std::to_string(i) + ".tar");
    EXPECT_EQ(run({"/bin/tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "-cf",
                   tar.string(), "-C", src.string(), "."})
                  .code,
              0);
    std::string raw = testing::read(tar);
    diff_ids.push_back(digest_of(raw).str());
    EXPECT_EQ(run({"/bin/gzip", "-n", "-k", tar.string()}).code, 0);
    std::string gz = testing::read(tar.string() + ".gz");
    Digest d = put(gz);
    m["layers"].push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                           {"digest", d.str()},
                           {"size", gz.size()}});
  }
  json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
                 {"config", json::object()}};
  std::string cfg = config.dump();
  Digest cd = put(cfg);
  m["config"] = {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                 {"digest", cd.str()},
                 {"size", cfg.size()}};
  std::string manifest = m.dump();
  Digest md = put(manifest);
  json index = {{"schemaVersion", 2},
                {"manifests",
                 json::array({{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"digest", md.str()},
                               {"size", manifest.size()},
                               {"annotations", {{"org.opencontainers.image.ref.name", "v1"}}}}})}};
  testing::write(dir / "index.json", index.dump());
  testing::write(dir / "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  return md.str();
}

class Peers : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra) {
    server_ = testing::start_server(CH_BINARY, (tmp_.path() / "store").string(), extra, &port_);
    host_ = "127.0.0.1:" + std::to_string(port_);
  }
  // htpasswd file with bcrypt entries made by Debian's htpasswd.
  std::string make_htpasswd() {
    auto file = tmp_.path() / "htpasswd";
    EXPECT_EQ(run({"/usr/bin/htpasswd", "-bcB", file.string(), "alice", "wonderland"}).code, 0);
    EXPECT_EQ(run({"/usr/bin/htpasswd", "-bB", file.string(), "bob", "builder"}).code, 0);
    return file.string();
  }
  void skopeo_round_trip(const std::vector<std::string>& creds) {
    auto src = tmp_.path() / "oci-src";
    std::string md = write_oci_layout(src, 3);
    std::vector<std::string> push = {"/usr/bin/skopeo", "copy", "--dest-tls-verify=false"};
    if (!creds.empty()) push.push_back("--dest-creds=" + creds[0]);
    push.push_back("oci:" + src.string() + ":v1");
    push.push_back("docker://" + host_ + "/images/app:v1");
    auto p = run(push, {}, {{"HOME", tmp_.path().string()}});
    ASSERT_EQ(p.code, 0) << p.out << p.err << server_->stderr_text();
    auto out = tmp_.path() / "oci-out";
    std::vector<std::string> pull = {"/usr/bin/skopeo", "copy", "--src-tls-verify=false"};
    if (!creds.empty()) pull.push_back("--src-creds=" + creds[0]);
    pull.push_back("docker://" + host_ + "/images/app:v1");
    pull.push_back("oci:" + out.string() + ":v1");
    auto q = run(pull, {}, {{"HOME", tmp_.path().string()}});
    ASSERT_EQ(q.code, 0) << q.out << q.err;
    // Every blob (config, layers, manifest) comes back byte-identical.
    auto in_blobs = testing::list_files(src / "blobs");
    auto out_blobs = testing::list_files(out / "blobs");
    EXPECT_EQ(in_blobs, out_blobs);
    for (const auto& b : in_blobs)
      EXPECT_EQ(testing::read(src / "blobs" / b), testing::read(out / "blobs" / b)) << b;
    EXPECT_NE(testing::read(out / "index.json").find(md), std::string::npos);
  }
  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0;
  std::string host_;
};

TEST_F(Peers, SkopeoCopyNoAuth) {
  start({});
  skopeo_round_trip({});
}

TEST_F(Peers, SkopeoCopyBasicAuth) {
  start({"--auth", "htpasswd", "--htpasswd", make_htpasswd()});
  skopeo_round_trip({"alice:wonderland"});
  // Wrong password is refused.
  auto r = run({"/usr/bin/skopeo", "inspect", "--tls-verify=false", "--creds=alice:wrong",
                "docker://" + host_ + "/images/app:v1"},
               {}, {{"HOME", tmp_.path().string()}});
  EXPECT_NE(r.code, 0);
}

TEST_F(Peers, SkopeoCopyTokenAuth) {
  start({"--auth", "token", "--htpasswd", make_htpasswd()});
  skopeo_round_trip({"alice:wonderland"});
  auto r = run(
      {"/usr/bin/skopeo", "inspect", "--tls-verify=false", "docker://" + host_ + "/images/app:v1"},
      {}, {{"HOME", tmp_.path().string()}});
  EXPECT_NE(r.code, 0) << "anonymous pull must be refused without an access rule";
}

class HelmPeers : public Peers {
 protected:
  std::map<std::string, std::string> helm_env() {
    return {{"HELM_CONFIG_HOME", (tmp_.path() / "hc").string()},
            {"HELM_CACHE_HOME", (tmp_.path() / "hk").string()},
            {"HELM_DATA_HOME", (tmp_.path() / "hd").string()},
            {"HELM_REGISTRY_CONFIG", (tmp_.path() / "hc/registry/config.json").string()},
            {"DOCKER_CONFIG", (tmp_.path() / "docker").string()}};
  }
  std::string package_chart() {
    auto dir = tmp_.path() / "chart";
    testing::write_chart(dir, "my-app", "1.2.3+build.4",
                         {{"values.yaml", "replicaCount: 1\n"}, {"templates/d.yaml", "x: 1\n"}});
    auto r = run({CH_BINARY, "package", dir.string(), "-d", (tmp_.path() / "pkg").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return (tmp_.path() / "pkg/my-app-1.2.3+build.4.tgz").string();
  }
  void push_pull(const std::string& helm, const std::vector<std::string>& conn) {
    std::string tgz = package_chart();
    std::vector<std::string> push = {helm, "push", tgz, "oci://" + host_ + "/charts"};
    push.insert(push.end(), conn.begin(), conn.end());
    auto p = run(push, {}, helm_env());
    ASSERT_EQ(p.code, 0) << p.out << p.err << server_->stderr_text();
    EXPECT_NE((p.out + p.err).find("Pushed: " + host_ + "/charts/my-app:1.2.3_build.4"),
              std::string::npos)
        << p.err;
    auto out = tmp_.path() / "pulled";
    stdfs::create_directories(out);  // helm pull -d needs an existing directory
    std::vector<std::string> pull = {
        helm, "pull",      "oci://" + host_ + "/charts/my-app", "--version", "1.2.3+build.4",
        "-d", out.string()};
    pull.insert(pull.end(), conn.begin(), conn.end());
    auto q = run(pull, {}, helm_env());
    ASSERT_EQ(q.code, 0) << q.out << q.err;
    EXPECT_EQ(testing::read(out / "my-app-1.2.3+build.4.tgz"), testing::read(tgz));
    // A version range goes through the tag list.
    std::vector<std::string> range = {
        helm, "show", "chart", "oci://" + host_ + "/charts/my-app", "--version", ">=1.0.0"};
    range.insert(range.end(), conn.begin(), conn.end());
    auto s = run(range, {}, helm_env());
    EXPECT_EQ(s.code, 0) << s.err;
    EXPECT_NE(s.out.find("version: 1.2.3+build.4"), std::string::npos) << s.out;
    stdfs::remove_all(out);
  }
};

TEST_F(HelmPeers, PlainHttpBothHelms) {
  start({});
  for (std::string v : {"3.17.3", "4.1.4"}) {
    SCOPED_TRACE(v);
    push_pull(std::string(CH_TOOLS_DIR) + "/helm-" + v + "/helm", {"--plain-http"});
  }
}

TEST_F(HelmPeers, LoginWithBasicAndTokenAuth) {
  for (std::string mode : {"htpasswd", "token"}) {
    SCOPED_TRACE(mode);
    server_.reset();
    stdfs::remove_all(tmp_.path() / "store");
    start({"--auth", mode, "--htpasswd", make_htpasswd()});
    for (std::string v : {"3.17.3", "4.1.4"}) {
      SCOPED_TRACE(v);
      std::string helm = std::string(CH_TOOLS_DIR) + "/helm-" + v + "/helm";
      std::vector<std::string> login = {helm, "registry", "login", host_,
                                        "-u", "alice",    "-p",    "wonderland"};
      login.push_back(v == "3.17.3" ? "--insecure" : "--plain-http");
      auto l = run(login, {}, helm_env());
      ASSERT_EQ(l.code, 0) << l.out << l.err << server_->stderr_text();
      EXPECT_NE((l.out + l.err).find("Login Succeeded"), std::string::npos);
      push_pull(helm, {"--plain-http"});
      auto out = run({helm, "registry", "logout", host_}, {}, helm_env());
      EXPECT_EQ(out.code, 0) << out.err;
      // Without credentials the push is refused.
      auto denied =
          run({helm, "push", package_chart(), "oci://" + host_ + "/charts", "--plain-http"}, {},
              helm_env());
      EXPECT_NE(denied.code, 0);
    }
  }
}

}  // namespace
}  // namespace ch
