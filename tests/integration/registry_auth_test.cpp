// charthouse serve with authentication over real sockets: Basic (htpasswd), the Docker
// token flow with our own /token issuer (challenges, anonymous and Basic GET, OAuth2 POST,
// scope intersection from the access file, 401/403), TLS with a test CA, and the YAML
// configuration file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

using json = nlohmann::json;
using testing::HttpResponse;
using testing::run;

const std::string kAliceBasic =
    "Authorization: Basic YWxpY2U6d29uZGVybGFuZA==";                    // alice:wonderland
const std::string kBobBasic = "Authorization: Basic Ym9iOmJ1aWxkZXI=";  // bob:builder

class RegistryAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    htpasswd_ = (tmp_.path() / "htpasswd").string();
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd_, "alice", "wonderland"}).code, 0);
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd_, "bob", "builder"}).code, 0);
    access_ = (tmp_.path() / "access.yaml").string();
    testing::write(access_,
                   "anonymous: {pull: [\"public/*\"]}\n"
                   "users:\n"
                   "  alice: {pull: [\"*\"], push: [\"*\"], delete: [\"team/*\"], catalog: true}\n"
                   "  bob: {pull: [\"*\"]}\n");
  }
  void start(const std::vector<std::string>& extra, const std::string& scheme = "http") {
    server_ = testing::start_server(CH_BINARY, (tmp_.path() / "store").string(), extra, &port_);
    base_ = scheme + "://127.0.0.1:" + std::to_string(port_);
  }
  HttpResponse req(const std::string& method, const std::string& path,
                   const std::vector<std::string>& headers = {}, const std::string& body = "") {
    return http_.request(method, path.rfind("http", 0) == 0 ? path : base_ + path, headers, body);
  }
  std::string token(const std::string& query, const std::vector<std::string>& headers = {}) {
    auto r = req("GET", "/token?service=charthouse&" + query, headers);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["token"].get<std::string>();
  }
  static std::string code(const HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_discarded() || !j.contains("errors") ? ""
                                                     : j["errors"][0]["code"].get<std::string>();
  }
  fs::TempDir tmp_;
  std::string htpasswd_, access_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0;
  std::string base_;
  testing::HttpClient http_;
};

TEST_F(RegistryAuth, BasicChallengeAndAccessRules) {
  start({"--auth", "htpasswd", "--htpasswd", htpasswd_, "--access", access_});
  auto anon = req("GET", "/v2/");
  EXPECT_EQ(anon.status, 401);
  EXPECT_EQ(anon.header("www-authenticate"), "Basic realm=\"charthouse\"");
  EXPECT_EQ(code(anon), "UNAUTHORIZED");
  EXPECT_EQ(req("GET", "/v2/", {"Authorization: Basic YWxpY2U6bm9wZQ=="}).status,
            401);  // alice:nope
  EXPECT_EQ(req("GET", "/v2/", {kAliceBasic}).status, 200);
  // alice may push; bob may only pull: 403 DENIED.
  std::string d = digest_of("x").str();
  EXPECT_EQ(req("POST", "/v2/team/app/blobs/uploads/?digest=" + d, {kAliceBasic}, "x").status, 201);
  auto denied = req("POST", "/v2/team/app/blobs/uploads/?digest=" + d, {kBobBasic}, "x");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(code(denied), "DENIED");
  EXPECT_EQ(req("GET", "/v2/team/app/blobs/" + d, {kBobBasic}).status, 200);
  EXPECT_EQ(req("GET", "/v2/_catalog", {kBobBasic}).status, 403);
  EXPECT_EQ(req("GET", "/v2/_catalog", {kAliceBasic}).status, 200);
}

TEST_F(RegistryAuth, TokenFlowWithScopes) {
  start({"--auth", "token", "--htpasswd", htpasswd_, "--access", access_});
  // The challenge names our /token endpoint, the service and the scope the request needs.
  auto ch = req("GET", "/v2/team/app/tags/list");
  EXPECT_EQ(ch.status, 401);
  EXPECT_EQ(ch.header("www-authenticate"),
            "Bearer realm=\"" + base_ +
                "/token\",service=\"charthouse\",scope=\"repository:team/app:pull\"");
  // Anonymous tokens carry only what the access file grants anonymous.
  std::string anon_public = token("scope=repository:public/x:pull");
  EXPECT_EQ(req("GET", "/v2/public/x/tags/list", {"Authorization: Bearer " + anon_public}).status,
            404);
  std::string anon_team = token("scope=repository:team/app:pull");
  auto insufficient = req("GET", "/v2/team/app/tags/list", {"Authorization: Bearer " + anon_team});
  EXPECT_EQ(insufficient.status, 401);
  EXPECT_NE(insufficient.header("www-authenticate").find("insufficient_scope"), std::string::npos);
  // bob asks for pull,push and gets pull only: a push with his token is refused.
  auto tr =
      req("GET", "/token?service=charthouse&scope=repository:team/app:pull,push", {kBobBasic});
  ASSERT_EQ(tr.status, 200);
  auto tj = json::parse(tr.body);
  EXPECT_GT(tj["expires_in"].get<int>(), 0);
  std::string bob = tj["token"];
  EXPECT_EQ(req("POST", "/v2/team/app/blobs/uploads/", {"Authorization: Bearer " + bob}).status,
            401);
  // alice pushes with a token from two scope parameters.
  std::string alice =
      token("scope=repository:team/app:pull,push&scope=repository:other:pull", {kAliceBasic});
  std::string d = digest_of("blob").str();
  EXPECT_EQ(req("POST", "/v2/team/app/blobs/uploads/?digest=" + d,
                {"Authorization: Bearer " + alice}, "blob")
                .status,
            201);
  EXPECT_EQ(req("GET", "/v2/team/app/blobs/" + d, {"Authorization: Bearer " + alice}).status, 200);
  // Bad credentials at the token endpoint: 401.
  EXPECT_EQ(req("GET", "/token?service=charthouse&scope=repository:team/app:pull",
                {"Authorization: Basic YWxpY2U6bm9wZQ=="})
                .status,
            401);
  // A tampered token is refused.
  std::string bad = alice;
  bad[bad.size() - 5] = bad[bad.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(req("GET", "/v2/team/app/blobs/" + d, {"Authorization: Bearer " + bad}).status, 401);
}

TEST_F(RegistryAuth, OAuth2PasswordAndRefreshGrants) {
  start({"--auth", "token", "--htpasswd", htpasswd_, "--access", access_});
  auto pw = req(
      "POST", "/token", {"Content-Type: application/x-www-form-urlencoded"},
      "grant_type=password&username=alice&password=wonderland&service=charthouse&client_id=oras-go"
      "&scope=repository%3Ateam%2Fapp%3Apull");
  ASSERT_EQ(pw.status, 200) << pw.body;
  auto pj = json::parse(pw.body);
  ASSERT_TRUE(pj.contains("access_token"));
  ASSERT_TRUE(pj.contains("refresh_token"));
  EXPECT_EQ(req("GET", "/v2/team/app/tags/list",
                {"Authorization: Bearer " + pj["access_token"].get<std::string>()})
                .status,
            404);  // authorised; the repository just does not exist
  auto rf = req("POST", "/token", {"Content-Type: application/x-www-form-urlencoded"},
                "grant_type=refresh_token&refresh_token=" + pj["refresh_token"].get<std::string>() +
                    "&service=charthouse&scope=repository%3Ateam%2Fapp%3Apull");
  ASSERT_EQ(rf.status, 200) << rf.body;
  EXPECT_TRUE(json::parse(rf.body).contains("access_token"));
  auto wrong = req("POST", "/token", {"Content-Type: application/x-www-form-urlencoded"},
                   "grant_type=password&username=alice&password=x&service=charthouse");
  EXPECT_EQ(wrong.status, 401);
  auto unknown = req("POST", "/token", {"Content-Type: application/x-www-form-urlencoded"},
                     "grant_type=magic");
  EXPECT_EQ(unknown.status, 400);
}

TEST_F(RegistryAuth, TlsWithTestCaAndConfigFile) {
  // A test CA and a server certificate for 127.0.0.1, made with the openssl CLI.
  auto d = tmp_.path();
  auto sh = [&](const std::string& cmd) { return run({"/bin/sh", "-c", cmd}, d); };
  ASSERT_EQ(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "
               "/CN=test-ca 2>/dev/null")
                .code,
            0);
  ASSERT_EQ(sh("openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "
               "/CN=127.0.0.1 2>/dev/null")
                .code,
            0);
  testing::write(d / "ext.cnf", "subjectAltName=IP:127.0.0.1\n");
  ASSERT_EQ(sh("openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out "
               "srv.crt -days 2 -extfile ext.cnf 2>/dev/null")
                .code,
            0);
  // Every flag can come from the YAML file; flags given on the command line win.
  testing::write(d / "config.yaml", "tls-cert: " + (d / "srv.crt").string() +
                                        "\ntls-key: " + (d / "srv.key").string() +
                                        "\nauth: htpasswd\nhtpasswd: " + htpasswd_ +
                                        "\ndelete-enabled: false\n");
  start({"--config", (d / "config.yaml").string()}, "https");
  http_.set_ca_file((d / "ca.crt").string());
  EXPECT_EQ(req("GET", "/v2/").status, 401);
  EXPECT_EQ(req("GET", "/v2/", {kAliceBasic}).status, 200);
  std::string dg = digest_of("tls").str();
  EXPECT_EQ(req("POST", "/v2/t/blobs/uploads/?digest=" + dg, {kAliceBasic}, "tls").status, 201);
  EXPECT_EQ(req("GET", "/v2/t/blobs/" + dg, {kAliceBasic}).body, "tls");
  EXPECT_EQ(req("DELETE", "/v2/t/blobs/" + dg, {kAliceBasic}).status, 405)
      << "delete-enabled: false from the file";
  // An unknown key is an error, not silently ignored.
  testing::write(d / "bad.yaml", "adrr: 1.2.3.4:5\n");
  auto bad = run(
      {CH_BINARY, "serve", "--config", (d / "bad.yaml").string(), "--root", (d / "s2").string()});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("unknown key \"adrr\""), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ch
