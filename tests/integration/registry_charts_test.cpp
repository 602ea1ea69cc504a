// charthouse serve's classic repository view (GET /<ns>/index.yaml and the archives) and its
// ChartMuseum-compatible API, used by the real Helm 3.17.3 over real sockets.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

class ServedCharts : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    int port = 0;
    server_ = testing::start_server(CH_BINARY, (tmp_.path() / "store").string(), extra, &port);
    host_ = "127.0.0.1:" + std::to_string(port);
    base_ = "http://" + host_;
  }
  std::map<std::string, std::string> env() {
    auto w = tmp_.path();
    return {{"HELM_CONFIG_HOME", (w / "hc").string()},
            {"HELM_CACHE_HOME", (w / "hk").string()},
            {"HELM_DATA_HOME", (w / "hd").string()},
            {"HOME", w.string()}};
  }
  RunResult helm(std::vector<std::string> args) {
    args.insert(args.begin(), kHelm3);
    return run(args, tmp_.path(), env());
  }
  stdfs::path package(const std::string& name, const std::string& version) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version, {{"values.yaml", "v: 1\n"}});
    testing::write(dir / "Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: " + version +
                                           "\nappVersion: \"3.1\"\ndescription: " + name +
                                           " for tests\n");
    auto r = run({CH_BINARY, "package", dir.string(), "-d", (tmp_.path() / "pkg").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return tmp_.path() / "pkg" / (name + "-" + version + ".tgz");
  }
  testing::HttpResponse upload(const std::string& ns, const std::string& chart,
                               const std::string& prov = {}, const std::string& query = {},
                               const std::vector<std::string>& headers = {}) {
    std::string boundary = "----charthouse-test-boundary";
    std::string body = "--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"chart\"; filename=\"c.tgz\"\r\n"
                       "Content-Type: application/gzip\r\n\r\n" +
                       chart + "\r\n";
    if (!prov.empty())
      body += "--" + boundary +
              "\r\nContent-Disposition: form-data; name=\"prov\"; filename=\"c.tgz.prov\"\r\n\r\n" +
              prov + "\r\n";
    body += "--" + boundary + "--\r\n";
    std::vector<std::string> h = headers;
    h.push_back("Content-Type: multipart/form-data; boundary=" + boundary);
    return http_.request("POST", base_ + "/api/" + ns + "/charts" + query, h, body);
  }
  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  std::string host_, base_;
  testing::HttpClient http_;
};

TEST_F(ServedCharts, HelmPushAppearsInTheIndexAndHelmReadsIt) {
  start();
  auto a = package("app", "1.0.0");
  auto b = package("app", "1.2.0");
  auto c = package("lib", "0.3.0");
  for (const auto& f : {a, b})
    ASSERT_EQ(helm({"push", f.string(), "oci://" + host_ + "/team/charts", "--plain-http"}).code,
              0);
  ASSERT_EQ(helm({"push", c.string(), "oci://" + host_ + "/team/deep/er", "--plain-http"}).code, 0);
  // Not a chart: an image manifest stays out of the index.
  std::string cfg = "{}";
  ASSERT_EQ(
      http_
          .request("POST", base_ + "/v2/team/img/blobs/uploads/?digest=" + digest_of(cfg).str(),
                   {"Content-Type: application/octet-stream"}, cfg)
          .status,
      201);
  ASSERT_EQ(http_
                .request("PUT", base_ + "/v2/team/img/manifests/1.0.0",
                         {"Content-Type: application/vnd.oci.image.manifest.v1+json"},
                         "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci."
                         "image.config.v1+json\",\"digest\":\"" +
                             digest_of(cfg).str() + "\",\"size\":2},\"layers\":[]}")
                .status,
            201);

  auto index = http_.request("GET", base_ + "/team/index.yaml");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("entries:\n  app:\n  - apiVersion: v2\n    appVersion: \"3.1\"\n"),
            std::string::npos)
      << index.body;
  EXPECT_NE(index.body.find("    digest: " + digest_of(testing::read(b)).hex + "\n"),
            std::string::npos);
  EXPECT_LT(index.body.find("version: 1.2.0"), index.body.find("version: 1.0.0"));
  EXPECT_NE(index.body.find("  lib:\n"), std::string::npos);
  EXPECT_EQ(index.body.find("img"), std::string::npos);
  // A deeper namespace holds only what is under it.
  auto deep = http_.request("GET", base_ + "/team/deep/index.yaml");
  EXPECT_EQ(deep.body.find("app:"), std::string::npos);
  EXPECT_NE(deep.body.find("lib:"), std::string::npos);
  EXPECT_EQ(http_.request("GET", base_ + "/nobody/index.yaml").body.find("entries: {}"), 15u);

  // The real Helm uses it as a classic repository.
  ASSERT_EQ(helm({"repo", "add", "served", base_ + "/team"}).code, 0);
  auto search = helm({"search", "repo", "served/", "--versions"});
  auto line_of = [&](const std::string& version) {
    size_t at = search.out.find(version);
    if (at == std::string::npos) return std::string();
    size_t start = search.out.rfind('\n', at) + 1;
    return search.out.substr(start, search.out.find('\n', at) - start);
  };
  EXPECT_EQ(line_of("1.2.0").rfind("served/app", 0), 0u) << search.out;
  EXPECT_NE(line_of("1.2.0").find("3.1"), std::string::npos) << search.out;
  EXPECT_NE(line_of("1.2.0").find("app for tests"), std::string::npos) << search.out;
  EXPECT_EQ(line_of("1.0.0").rfind("served/app", 0), 0u) << search.out;
  auto dest = tmp_.path() / "pulled";
  stdfs::create_directories(dest);
  ASSERT_EQ(helm({"pull", "served/app", "--version", "1.0.0", "-d", dest.string()}).code, 0);
  EXPECT_EQ(testing::read(dest / "app-1.0.0.tgz"), testing::read(a));
  // … and for dependencies.
  testing::write_chart(tmp_.path() / "parent", "parent", "1.0.0");
  testing::write(tmp_.path() / "parent/Chart.yaml",
                 "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n- name: lib\n"
                 "  version: ^0.3.0\n  repository: " +
                     base_ + "/team\n");
  auto dep = helm({"dependency", "update", (tmp_.path() / "parent").string()});
  ASSERT_EQ(dep.code, 0) << dep.out << dep.err;
  EXPECT_EQ(testing::read(tmp_.path() / "parent/charts/lib-0.3.0.tgz"), testing::read(c));

  // Survives a restart (the entries are stored with the manifests).
  server_.reset();
  start();
  EXPECT_NE(http_.request("GET", base_ + "/team/index.yaml").body.find("  lib:\n"),
            std::string::npos);
}

TEST_F(ServedCharts, ChartMuseumApi) {
  start();
  auto tgz = package("web", "2.0.0");
  std::string chart = testing::read(tgz);
  auto r = upload("museum", chart, "-----BEGIN PGP SIGNED MESSAGE-----\nweb\n");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body, "{\"saved\":true}");
  auto again = upload("museum", chart);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body, "{\"error\":\"file already exists\"}");
  EXPECT_EQ(
      upload("museum", chart, "-----BEGIN PGP SIGNED MESSAGE-----\nweb\n", "?force=true").status,
      201);
  // Raw body uploads work too.
  auto raw = http_.request("POST", base_ + "/api/museum/charts", {"Content-Type: application/gzip"},
                           testing::read(package("web", "2.1.0")));
  EXPECT_EQ(raw.status, 201) << raw.body;

  // The uploaded chart is the artifact `helm push` makes: it pulls with oci:// byte-identically,
  // and its config and layers are those of a helm push of the same file.
  auto dest = tmp_.path() / "pulled";
  stdfs::create_directories(dest);
  auto pulled = helm({"pull", "oci://" + host_ + "/museum/web", "--version", "2.0.0", "-d",
                      dest.string(), "--plain-http"});
  ASSERT_EQ(pulled.code, 0) << pulled.err;
  EXPECT_EQ(testing::read(dest / "web-2.0.0.tgz"), chart);
  ASSERT_EQ(helm({"push", tgz.string(), "oci://" + host_ + "/pushed", "--plain-http"}).code, 0);
  auto manifest = [&](const std::string& repo) {
    auto m = http_.request("GET", base_ + "/v2/" + repo + "/manifests/2.0.0",
                           {"Accept: application/vnd.oci.image.manifest.v1+json"});
    return nlohmann::json::parse(m.body);
  };
  auto uploaded = manifest("museum/web");
  auto pushed = manifest("pushed/web");
  EXPECT_EQ(uploaded["config"], pushed["config"]);
  bool has_prov = false;
  for (const auto& l : uploaded["layers"])
    has_prov = has_prov || l["mediaType"] == "application/vnd.cncf.helm.chart.provenance.v1.prov";
  EXPECT_TRUE(has_prov);
  EXPECT_EQ(http_.request("GET", base_ + "/museum/charts/web-2.0.0.tgz.prov").body,
            "-----BEGIN PGP SIGNED MESSAGE-----\nweb\n");
  EXPECT_EQ(http_.request("GET", base_ + "/museum/charts/web-2.0.0.tgz").body, chart);

  // Listing and one version, as ChartMuseum shows them.
  auto all = nlohmann::json::parse(http_.request("GET", base_ + "/api/museum/charts").body);
  ASSERT_TRUE(all.contains("web"));
  EXPECT_EQ(all["web"].size(), 2u);
  EXPECT_EQ(all["web"][0]["version"], "2.1.0");
  auto one =
      nlohmann::json::parse(http_.request("GET", base_ + "/api/museum/charts/web/2.0.0").body);
  EXPECT_EQ(one["digest"], digest_of(chart).hex);
  EXPECT_EQ(one["urls"][0], "charts/web-2.0.0.tgz");
  EXPECT_EQ(http_.request("GET", base_ + "/api/museum/charts/web/9.9.9").status, 404);

  // Delete: gone from the index and the API.
  auto del = http_.request("DELETE", base_ + "/api/museum/charts/web/2.0.0");
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(del.body, "{\"deleted\":true}");
  EXPECT_EQ(http_.request("GET", base_ + "/museum/index.yaml").body.find("version: 2.0.0"),
            std::string::npos);
  EXPECT_EQ(http_.request("DELETE", base_ + "/api/museum/charts/web/2.0.0").status, 404);

  // A bad archive is refused and nothing is stored.
  auto before = http_.request("GET", base_ + "/v2/_catalog").body;
  auto bad = upload("museum", "this is not a chart");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"error\""), std::string::npos);
  EXPECT_EQ(http_.request("GET", base_ + "/v2/_catalog").body, before);
}

TEST_F(ServedCharts, AccessRulesApplyToTheClassicView) {
  auto htpasswd = tmp_.path() / "htpasswd";
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd.string(), "alice", "wonderland"}).code, 0);
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd.string(), "bob", "builder"}).code, 0);
  testing::write(tmp_.path() / "access.yaml",
                 "users:\n  alice: {pull: [\"*\"], push: [\"*\"], delete: [\"*\"]}\n"
                 "  bob: {pull: [\"team/a\"]}\n");
  start({"--auth", "token", "--htpasswd", htpasswd.string(), "--access",
         (tmp_.path() / "access.yaml").string()});
  const std::string alice = "Authorization: Basic YWxpY2U6d29uZGVybGFuZA==";
  const std::string bob = "Authorization: Basic Ym9iOmJ1aWxkZXI=";
  EXPECT_EQ(upload("team", testing::read(package("a", "1.0.0"))).status, 401);
  EXPECT_EQ(upload("team", testing::read(package("a", "1.0.0")), {}, {}, {bob}).status, 403);
  ASSERT_EQ(upload("team", testing::read(package("a", "1.0.0")), {}, {}, {alice}).status, 201);
  ASSERT_EQ(upload("team", testing::read(package("b", "1.0.0")), {}, {}, {alice}).status, 201);
  auto anonymous = http_.request("GET", base_ + "/team/index.yaml");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(anonymous.header("www-authenticate").find("Basic"), std::string::npos);
  auto for_bob = http_.request("GET", base_ + "/team/index.yaml", {bob});
  EXPECT_EQ(for_bob.status, 200);
  EXPECT_NE(for_bob.body.find("  a:\n"), std::string::npos);
  EXPECT_EQ(for_bob.body.find("  b:\n"), std::string::npos) << for_bob.body;
  EXPECT_EQ(http_.request("GET", base_ + "/team/charts/b-1.0.0.tgz", {bob}).status, 404);
  auto for_alice = http_.request("GET", base_ + "/team/index.yaml", {alice});
  EXPECT_NE(for_alice.body.find("  b:\n"), std::string::npos);
  EXPECT_EQ(
      http_.request("GET", base_ + "/team/index.yaml", {"Authorization: Basic YWxpY2U6d3Jvbmc="})
          .status,
      401);
  // Helm with the credentials of `repo add`.
  auto add =
      helm({"repo", "add", "t", base_ + "/team", "--username", "bob", "--password", "builder"});
  ASSERT_EQ(add.code, 0) << add.err;
  auto dest = tmp_.path() / "pulled";
  stdfs::create_directories(dest);
  EXPECT_EQ(helm({"pull", "t/a", "-d", dest.string()}).code, 0);
  EXPECT_TRUE(stdfs::exists(dest / "a-1.0.0.tgz"));
}

}  // namespace
}  // namespace ch
