// Every failure path of the client (spec helm-oci.md §1.5, §2.4, §2.5): artifacts that are
// not charts, missing layers, content that does not match its digest, unknown tags and
// versions, bad references, 401/403, unreachable registries — each gives "Error: …", exit 1,
// and leaves no file behind. Also: the content cache serves a chart already fetched.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using testing::run;
using testing::RunResult;

class ClientErrors : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    int port = 0;
    server_ = testing::start_server(CH_BINARY, store().string(), extra, &port);
    host_ = "127.0.0.1:" + std::to_string(port);
  }
  stdfs::path store() { return tmp_.path() / "store"; }
  std::map<std::string, std::string> env() {
    return {{"HELM_CONFIG_HOME", (tmp_.path() / "hc").string()},
            {"HELM_CACHE_HOME", (tmp_.path() / "hk").string()},
            {"DOCKER_CONFIG", (tmp_.path() / "docker").string()},
            {"HOME", tmp_.path().string()}};
  }
  RunResult ch(std::vector<std::string> args) {
    args.insert(args.begin(), CH_BINARY);
    args.push_back("--plain-http");
    return run(args, tmp_.path(), env());
  }
  // Pull into a fresh directory and expect a failure naming `message`, with nothing written.
  void expect_pull_fails(const std::vector<std::string>& args, const std::string& message) {
    auto dest = tmp_.path() / "dest";
    stdfs::remove_all(dest);
    stdfs::create_directories(dest);
    std::vector<std::string> full = {"pull"};
    full.insert(full.end(), args.begin(), args.end());
    full.insert(full.end(), {"-d", dest.string()});
    auto r = ch(full);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(r.err.rfind("Error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_TRUE(testing::list_files(dest).empty()) << "a partial file was left behind";
    // The show path refuses the same artifact.
    std::vector<std::string> show = {"show", "chart"};
    show.insert(show.end(), args.begin(), args.end());
    auto s = ch(show);
    EXPECT_EQ(s.code, 1) << s.err;
    EXPECT_EQ(s.out, "");
  }
  std::string put_blob(const std::string& repo, const std::string& data) {
    std::string d = digest_of(data).str();
    auto r =
        http_.request("POST", "http://" + host_ + "/v2/" + repo + "/blobs/uploads/?digest=" + d,
                      {"Content-Type: application/octet-stream"}, data);
    EXPECT_EQ(r.status, 201) << r.body;
    return d;
  }
  std::string desc(const std::string& media_type, const std::string& data) {
    return "{\"mediaType\":\"" + media_type + "\",\"digest\":\"" + digest_of(data).str() +
           "\",\"size\":" + std::to_string(data.size()) + "}";
  }
  // Stores a manifest with the given config and layers (each {media type, content}) at tag.
  void put_artifact(const std::string& repo, const std::string& tag,
                    const std::string& manifest_type,
                    const std::pair<std::string, std::string>& config,
                    const std::vector<std::pair<std::string, std::string>>& layers) {
    put_blob(repo, config.second);
    std::string body = "{\"schemaVersion\":2,";
    if (manifest_type.find("docker") != std::string::npos)
      body += "\"mediaType\":\"" + manifest_type + "\",";
    body += "\"config\":" + desc(config.first, config.second) + ",\"layers\":[";
    for (size_t i = 0; i < layers.size(); ++i) {
      put_blob(repo, layers[i].second);
      body += (i ? "," : "") + desc(layers[i].first, layers[i].second);
    }
    body += "]}";
    auto r = http_.request("PUT", "http://" + host_ + "/v2/" + repo + "/manifests/" + tag,
                           {"Content-Type: " + manifest_type}, body);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  stdfs::path package(const std::string& name, const std::string& version) {
    auto dir = tmp_.path() / "src" / name;
    testing::write_chart(dir, name, version, {{"values.yaml", "a: 1\n"}});
    auto r = run({CH_BINARY, "package", dir.string(), "-d", (tmp_.path() / "pkg").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return tmp_.path() / "pkg" / (name + "-" + version + ".tgz");
  }

  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  std::string host_;
  testing::HttpClient http_;
};

const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
const char* kHelmConfig = "application/vnd.cncf.helm.config.v1+json";
const char* kChartLayer = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

TEST_F(ClientErrors, ArtifactsThatAreNotCharts) {
  start();
  std::string chart = testing::read(package("real", "1.0.0"));
  // A container image (Docker schema 2) is skipped at the root, as Helm does.
  put_artifact("img/app", "1.0.0", "application/vnd.docker.distribution.manifest.v2+json",
               {"application/vnd.docker.container.image.v1+json", "{}"},
               {{"application/vnd.docker.image.rootfs.diff.tar.gzip", "layer"}});
  expect_pull_fails({"oci://" + host_ + "/img/app", "--version", "1.0.0"},
                    "manifest does not contain minimum number of descriptors (2), descriptors "
                    "found: 0");
  // An OCI image: wrong config type.
  put_artifact("oci/app", "1.0.0", kOciManifest, {"application/vnd.oci.image.config.v1+json", "{}"},
               {{"application/vnd.oci.image.layer.v1.tar+gzip", chart}});
  expect_pull_fails(
      {"oci://" + host_ + "/oci/app:1.0.0"},
      "could not load config with mediatype application/vnd.cncf.helm.config.v1+json");
  // Helm config but no chart layer.
  put_artifact("nolayer/app", "1.0.0", kOciManifest, {kHelmConfig, "{\"name\":\"app\"}"},
               {{"application/vnd.oci.image.layer.v1.tar+gzip", chart}});
  expect_pull_fails({"oci://" + host_ + "/nolayer/app:1.0.0"},
                    "manifest does not contain a layer with mediatype "
                    "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
  // A config whose fields have the wrong JSON types fails like Helm's json.Unmarshal.
  put_artifact("badconfig/app", "1.0.0", kOciManifest, {kHelmConfig, "{\"version\":1}"},
               {{kChartLayer, chart}});
  expect_pull_fails({"oci://" + host_ + "/badconfig/app:1.0.0"},
                    "json: cannot unmarshal number into Go struct field Metadata.version of type "
                    "string");
  // A layer that is not a gzipped tar: the pull stores it (Helm does too), show refuses it.
  put_artifact("notgz/app", "1.0.0", kOciManifest, {kHelmConfig, "{}"},
               {{kChartLayer, "plain text"}});
  auto s = ch({"show", "chart", "oci://" + host_ + "/notgz/app:1.0.0"});
  EXPECT_EQ(s.code, 1);
  EXPECT_EQ(s.err.rfind("Error: ", 0), 0u) << s.err;
  // --prov: a missing provenance layer is a warning, and the chart still arrives.
  put_artifact("legacy/app", "1.0.0", kOciManifest, {kHelmConfig, "{}"},
               {{"application/tar+gzip", chart}});
  auto dest = tmp_.path() / "legacy";
  stdfs::create_directories(dest);
  auto r = ch({"pull", "oci://" + host_ + "/legacy/app:1.0.0", "--prov", "-d", dest.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("Warning: chart media type application/tar+gzip is deprecated"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("WARNING: Verification not found for " + host_ +
                       "/legacy/app:1.0.0: manifest does not contain a layer with mediatype "
                       "application/vnd.cncf.helm.chart.provenance.v1.prov"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(testing::read(dest / "app-1.0.0.tgz"), chart);
  EXPECT_FALSE(stdfs::exists(dest / "app-1.0.0.tgz.prov"));
}

TEST_F(ClientErrors, CorruptBlobIsRefusedAndTheCacheServesVerifiedCopies) {
  start();
  auto tgz = package("demo", "1.0.0");
  auto p = ch({"push", tgz.string(), "oci://" + host_ + "/charts"});
  ASSERT_EQ(p.code, 0) << p.err;
  Digest layer = digest_of(testing::read(tgz));
  auto blob = store() / "blobs/sha256" / layer.hex.substr(0, 2) / layer.hex;
  ASSERT_TRUE(stdfs::exists(blob));
  std::string good = testing::read(blob);
  // The registry's copy rots (same size, one byte changed): the pull must notice.
  std::string bad = good;
  bad[bad.size() / 2] ^= 0x55;
  testing::write(blob, bad);
  expect_pull_fails({"oci://" + host_ + "/charts/demo", "--version", "1.0.0"}, "digest");
  EXPECT_TRUE(testing::list_files(tmp_.path() / "hk/content").empty())
      << "unverified content entered the cache";
  // Fixed again, the pull fills the cache; then the registry loses the blob altogether and
  // pull and show still work from the cache.
  testing::write(blob, good);
  auto dest = tmp_.path() / "ok";
  stdfs::create_directories(dest);
  auto q = ch({"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_TRUE(
      stdfs::exists(tmp_.path() / "hk/content" / layer.hex.substr(0, 2) / (layer.hex + ".chart")));
  stdfs::remove(blob);
  stdfs::remove(dest / "demo-1.0.0.tgz");
  q = ch({"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string()});
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(testing::read(dest / "demo-1.0.0.tgz"), good);
  auto s = ch({"show", "values", "oci://" + host_ + "/charts/demo:1.0.0"});
  EXPECT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(s.out, "a: 1\n\n");
  // A damaged cache entry is not trusted: it is fetched again (here: fails, blob is gone).
  testing::write(tmp_.path() / "hk/content" / layer.hex.substr(0, 2) / (layer.hex + ".chart"), bad);
  expect_pull_fails({"oci://" + host_ + "/charts/demo:1.0.0"}, "404");
}

TEST_F(ClientErrors, UnknownTagsVersionsAndBadReferences) {
  start();
  auto p = ch({"push", package("demo", "1.0.0").string(), "oci://" + host_ + "/charts"});
  ASSERT_EQ(p.code, 0) << p.err;
  expect_pull_fails({"oci://" + host_ + "/charts/demo", "--version", "9.9.9"}, "404");
  expect_pull_fails({"oci://" + host_ + "/charts/demo", "--version", "^5"},
                    "Could not locate a version matching provided version string ^5");
  expect_pull_fails({"oci://" + host_ + "/charts/nothing"}, "404");
  expect_pull_fails({"oci://" + host_ + "/charts/demo:1.0.0", "--version", "2.0.0"},
                    "chart reference and version mismatch: 2.0.0 is not 1.0.0");
  expect_pull_fails({"oci://" + host_ + "/charts/Demo"}, "invalid reference");
  expect_pull_fails({"oci://" + host_}, "missing registry or repository");
  expect_pull_fails({"oci://" + host_ + "/charts/demo@sha256:1234"}, "invalid digest");
  expect_pull_fails({"oci://" + host_ + "/charts/demo@sha256:" + std::string(64, 'a')}, "404");
  // A tag with only non-semver tags.
  auto r = http_.request("PUT", "http://" + host_ + "/v2/charts/other/manifests/latest",
                         {"Content-Type: application/vnd.oci.image.manifest.v1+json"},
                         "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci."
                         "empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4"
                         "fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]}");
  if (r.status == 201)
    expect_pull_fails(
        {"oci://" + host_ + "/charts/other"},
        "Unable to locate any tags in provided repository: " + host_ + "/charts/other");
}

TEST_F(ClientErrors, PushRefusals) {
  start();
  auto tgz = package("demo", "1.0.0");
  auto push = [&](const std::vector<std::string>& args) {
    std::vector<std::string> full = {"push"};
    full.insert(full.end(), args.begin(), args.end());
    return ch(full);
  };
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{(tmp_.path() / "missing.tgz").string(), "oci://" + host_ + "/c"},
       "missing.tgz: no such file"},
      {{tmp_.path().string(), "oci://" + host_ + "/c"},
       "cannot push directory, must provide chart archive (.tgz)"},
      {{tgz.string(), host_ + "/c"}, "scheme prefix missing from remote (e.g. \"oci://\")"},
      {{tgz.string(), "https://" + host_ + "/c"}, "scheme \"https\" not supported"},
      {{tgz.string(), "oci://" + host_ + "/UPPER"}, "invalid reference"},
  };
  testing::write(tmp_.path() / "junk.tgz", "not a chart");
  cases.push_back({{(tmp_.path() / "junk.tgz").string(), "oci://" + host_ + "/c"}, "gzip"});
  for (const Case& c : cases) {
    auto r = push(c.args);
    EXPECT_EQ(r.code, 1) << c.message;
    EXPECT_EQ(r.err.rfind("Error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  // Nothing reached the registry.
  auto catalog = http_.request("GET", "http://" + host_ + "/v2/_catalog");
  EXPECT_EQ(catalog.body, "{\"repositories\":[]}") << catalog.body;
}

TEST_F(ClientErrors, UnauthorizedForbiddenAndUnreachable) {
  auto htpasswd = tmp_.path() / "htpasswd";
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd.string(), "alice", "wonderland"}).code, 0);
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd.string(), "bob", "builder"}).code, 0);
  testing::write(tmp_.path() / "access.yaml",
                 "users:\n  alice: {pull: [\"*\"], push: [\"*\"]}\n  bob: {pull: [\"*\"]}\n");
  start({"--auth", "htpasswd", "--htpasswd", htpasswd.string(), "--access",
         (tmp_.path() / "access.yaml").string()});
  auto tgz = package("demo", "1.0.0");
  // No credentials: 401.
  auto r = ch({"push", tgz.string(), "oci://" + host_ + "/charts"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("401"), std::string::npos) << r.err;
  // --username/--password on the command line, without a login.
  r = ch({"push", tgz.string(), "oci://" + host_ + "/charts", "--username", "alice", "--password",
          "wonderland"});
  ASSERT_EQ(r.code, 0) << r.err;
  // bob may pull but not push: 403.
  r = ch({"push", tgz.string(), "oci://" + host_ + "/bobs", "--username", "bob", "--password",
          "builder"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("403"), std::string::npos) << r.err;
  expect_pull_fails(
      {"oci://" + host_ + "/charts/demo:1.0.0", "--username", "bob", "--password", "wrong"}, "401");
  // Credentials from Docker's config.json are used when Helm's file has none.
  testing::write(tmp_.path() / "docker/config.json",
                 "{\"auths\":{\"" + host_ + "\":{\"auth\":\"Ym9iOmJ1aWxkZXI=\"}}}");
  auto dest = tmp_.path() / "bob";
  stdfs::create_directories(dest);
  r = ch({"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  // Unreachable registry.
  server_.reset();
  expect_pull_fails({"oci://" + host_ + "/charts/demo:1.0.0"}, host_);
  r = ch({"registry", "login", host_, "-u", "alice", "-p", "wonderland"});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(stdfs::exists(tmp_.path() / "hc/registry/config.json"));
}

}  // namespace
}  // namespace ch

namespace ch {
namespace {

// --cert-file/--key-file: docker-registry demanding a client certificate (mTLS) serves
// charthouse only when it presents one signed by the CA it trusts.
TEST_F(ClientErrors, MutualTlsWithDistribution) {
  auto d = tmp_.path();
  auto sh = [&](const std::string& cmd) { return run({"/bin/sh", "-c", cmd}, d).code; };
  ASSERT_EQ(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
               "-subj /CN=test-ca 2>/dev/null"),
            0);
  testing::write(d / "ext.cnf", "subjectAltName=IP:127.0.0.1\n");
  for (std::string who : {"srv", "cli"}) {
    ASSERT_EQ(sh("openssl req -newkey rsa:2048 -nodes -keyout " + who + ".key -out " + who +
                 ".csr -subj /CN=" + who + " 2>/dev/null"),
              0);
    ASSERT_EQ(sh("openssl x509 -req -in " + who +
                 ".csr -CA ca.crt -CAkey ca.key -CAcreateserial "
                 "-out " +
                 who + ".crt -days 2 -extfile ext.cnf 2>/dev/null"),
              0);
  }
  int port = testing::free_port();
  host_ = "127.0.0.1:" + std::to_string(port);
  testing::write(
      d / "dist.yml",
      "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " +
          (d / "dist").string() + "\nhttp:\n  addr: " + host_ + "\n  tls:\n    certificate: " +
          (d / "srv.crt").string() + "\n    key: " + (d / "srv.key").string() +
          "\n    clientcas:\n      - " + (d / "ca.crt").string() + "\n");
  server_ = std::make_unique<testing::Process>(
      std::vector<std::string>{"/usr/bin/docker-registry", "serve", (d / "dist.yml").string()});
  auto tgz = package("demo", "1.0.0");
  std::vector<std::string> ca = {"--ca-file", (d / "ca.crt").string()};
  std::vector<std::string> mtls = {"--ca-file",   (d / "ca.crt").string(),
                                   "--cert-file", (d / "cli.crt").string(),
                                   "--key-file",  (d / "cli.key").string()};
  auto with = [&](std::vector<std::string> args, const std::vector<std::string>& flags) {
    args.insert(args.begin(), CH_BINARY);
    args.insert(args.end(), flags.begin(), flags.end());
    return run(args, d, env());
  };
  RunResult pushed;
  for (int i = 0; i < 100; ++i) {  // the registry needs a moment to listen
    pushed = with({"push", tgz.string(), "oci://" + host_ + "/charts"}, mtls);
    if (pushed.code == 0 || pushed.err.find("Couldn't connect") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(pushed.code, 0) << pushed.err << server_->stderr_text();
  auto dest = d / "pulled";
  stdfs::create_directories(dest);
  auto pulled = with({"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string()}, mtls);
  ASSERT_EQ(pulled.code, 0) << pulled.err;
  EXPECT_EQ(testing::read(dest / "demo-1.0.0.tgz"), testing::read(tgz));
  // Without the client certificate the handshake fails: a clear error, nothing written.
  stdfs::remove(dest / "demo-1.0.0.tgz");
  auto refused = with({"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string()}, ca);
  EXPECT_EQ(refused.code, 1);
  EXPECT_EQ(refused.err.rfind("Error: ", 0), 0u) << refused.err;
  EXPECT_TRUE(testing::list_files(dest).empty());
  // And without the CA, the server's certificate is not trusted.
  auto untrusted = with({"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string()}, {});
  EXPECT_EQ(untrusted.code, 1);
  EXPECT_NE(untrusted.err.find("certificate"), std::string::npos) << untrusted.err;
}

}  // namespace
}  // namespace ch

namespace ch {
namespace {

// The token flows of spec §5.4 against charthouse serve's token server: anonymous tokens for
// public repositories, an identity (refresh) token used through the OAuth2 POST, the
// loopback plain-HTTP fallback (no --plain-http), namespace search through the catalog, and
// `registry login` prompting on a terminal.
TEST_F(ClientErrors, TokenFlowsAndTerminalLogin) {
  auto htpasswd = tmp_.path() / "htpasswd";
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd.string(), "alice", "wonderland"}).code, 0);
  testing::write(tmp_.path() / "access.yaml",
                 "anonymous: {pull: [\"public/*\"]}\n"
                 "users:\n  alice: {pull: [\"*\"], push: [\"*\"], catalog: true}\n");
  start({"--auth", "token", "--htpasswd", htpasswd.string(), "--access",
         (tmp_.path() / "access.yaml").string()});
  auto tgz = package("demo", "1.0.0");
  auto bare = [&](std::vector<std::string> args) {  // no --plain-http: loopback fallback
    args.insert(args.begin(), CH_BINARY);
    return run(args, tmp_.path(), env());
  };
  for (std::string ns : {"public", "private"}) {
    auto p = bare({"push", tgz.string(), "oci://" + host_ + "/" + ns, "--username", "alice",
                   "--password", "wonderland"});
    ASSERT_EQ(p.code, 0) << p.err << server_->stderr_text();
  }
  // Anonymous: a token without credentials for public/*, nothing for the rest.
  auto dest = tmp_.path() / "anon";
  stdfs::create_directories(dest);
  auto a = bare({"pull", "oci://" + host_ + "/public/demo:1.0.0", "-d", dest.string()});
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_TRUE(stdfs::exists(dest / "demo-1.0.0.tgz"));
  a = bare({"pull", "oci://" + host_ + "/private/demo:1.0.0", "-d", dest.string()});
  EXPECT_EQ(a.code, 1);
  EXPECT_NE(a.err.find("401"), std::string::npos) << a.err;

  // An identity token (what a registry's OAuth2 password grant returns) stored as Docker's
  // "identitytoken": charthouse trades it for access tokens with grant_type=refresh_token.
  auto grant = http_.request("POST", "http://" + host_ + "/token",
                             {"Content-Type: application/x-www-form-urlencoded"},
                             "grant_type=password&username=alice&password=wonderland&service="
                             "charthouse&client_id=test");
  ASSERT_EQ(grant.status, 200) << grant.body;
  auto at = grant.body.find("\"refresh_token\":\"");
  ASSERT_NE(at, std::string::npos) << grant.body;
  std::string refresh = grant.body.substr(at + 17, grant.body.find('"', at + 17) - at - 17);
  testing::write(tmp_.path() / "hc/registry/config.json",
                 "{\"auths\":{\"" + host_ + "\":{\"identitytoken\":\"" + refresh + "\"}}}");
  auto r = bare({"pull", "oci://" + host_ + "/private/demo:1.0.0", "-d", dest.string(), "--untar"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(stdfs::exists(dest / "demo/Chart.yaml"));
  // Namespace search walks the catalog (alice may list it).
  auto s = bare({"search", "oci://" + host_ + "/private", "-o", "yaml"});
  EXPECT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(s.out, "- app_version: \"\"\n  description: \"\"\n  name: oci://" + host_ +
                       "/private/demo\n  version: 1.0.0\n");
  stdfs::remove(tmp_.path() / "hc/registry/config.json");

  // On a terminal (script(1) gives the command a pty) login prompts for what is missing; the
  // password, typed once the prompt is up, is not echoed.
  auto login = run({"/bin/sh", "-c",
                    "(printf 'alice\\n'; sleep 1; printf 'wonderland\\n') | script -qec '" +
                        std::string(CH_BINARY) + " registry login " + host_ + "' /dev/null"},
                   tmp_.path(), env());
  EXPECT_EQ(login.code, 0) << login.out << login.err;
  EXPECT_NE(login.out.find("Username: "), std::string::npos) << login.out;
  EXPECT_NE(login.out.find("Password: "), std::string::npos) << login.out;
  EXPECT_EQ(login.out.find("wonderland"), std::string::npos) << "the password was echoed";
  EXPECT_NE(login.out.find("Login Succeeded"), std::string::npos) << login.out;
  // A token server: Helm 3 (Docker's login) keeps the identity token, not the password.
  std::string config = testing::read(tmp_.path() / "hc/registry/config.json");
  EXPECT_NE(config.find("\"identitytoken\""), std::string::npos) << config;
  EXPECT_EQ(config.find("YWxpY2U6d29uZGVybGFuZA=="), std::string::npos) << config;
  EXPECT_EQ(config.find("\"auth\""), std::string::npos) << config;
}

}  // namespace
}  // namespace ch
