// The credential-leak attacks on the client, reproduced with the real binary against hostile
// registries on loopback: a tag list whose Link points at another origin (Basic credentials
// and bearer tokens must not follow it), an upload Location on another origin during push
// (refused), a token realm that is another service on this machine (refused), and an https
// registry whose token realm is plain HTTP on another origin (refused before anything is
// sent). Each hostile server records every
// request it receives, so the tests can say exactly where the credentials went.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/base64.hpp"
#include "base/file.hpp"
#include "hostile_server.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using testing::HostileServer;
using testing::Reply;
using testing::run;
using testing::RunResult;
using testing::SeenRequest;

const std::string kUser = "alice";
const std::string kPassword = "wonderland-s3cret";

std::string basic() {
  return "Basic " + base64_encode(kUser + ":" + kPassword);
}

Reply json(const std::string& body, std::vector<std::pair<std::string, std::string>> h = {}) {
  h.emplace_back("Content-Type", "application/json");
  return {200, std::move(h), body};
}

class CredentialOrigin : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env() {
    return {{"HELM_CONFIG_HOME", (tmp_.path() / "hc").string()},
            {"HELM_CACHE_HOME", (tmp_.path() / "hk").string()},
            {"DOCKER_CONFIG", (tmp_.path() / "docker").string()},
            {"HOME", tmp_.path().string()}};
  }
  RunResult ch(std::vector<std::string> args) {
    args.insert(args.begin(), CH_BINARY);
    return run(args, tmp_.path(), env());
  }
  // Everything that reached `server`: no Authorization header, and none of the secrets
  // anywhere (request line, headers, body).
  static void expect_no_credentials(HostileServer& server,
                                    const std::vector<std::string>& secrets) {
    for (const SeenRequest& r : server.requests()) {
      EXPECT_FALSE(r.has_header("authorization"))
          << r.method << " " << r.target << " carried Authorization: " << r.header("authorization");
      for (const std::string& s : secrets) {
        EXPECT_EQ(r.target.find(s), std::string::npos) << r.target;
        EXPECT_EQ(r.body.find(s), std::string::npos) << r.method << " " << r.target;
        for (const auto& [name, value] : r.headers)
          EXPECT_EQ(value.find(s), std::string::npos) << name << ": " << value;
      }
    }
  }

  fs::TempDir tmp_;
};

// The original report: `Link: <http://other-host/...>; rel="next"` on a tag list made the
// client send the registry's Basic credentials to the other host.
TEST_F(CredentialOrigin, TagListLinkToAnotherOriginGetsNoBasicCredentials) {
  HostileServer other([](const SeenRequest&) { return json("{\"tags\":[\"1.0.1\"]}"); });
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.header("authorization") != basic())
      return {401, {{"WWW-Authenticate", "Basic realm=\"hostile\""}}, ""};
    if (r.target.starts_with("/v2/charts/demo/tags/list"))
      return json("{\"name\":\"charts/demo\",\"tags\":[\"1.0.0\"]}",
                  {{"Link", "<" + other.origin() +
                                "/v2/charts/demo/tags/list?last=1.0.0&n=1>; rel=\"next\""}});
    return {404, {}, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"no\"}]}"};
  });
  auto dest = tmp_.path() / "dest";
  stdfs::create_directories(dest);
  // A version range makes pull list the tags; search lists them too.
  RunResult pull =
      ch({"pull", "oci://" + registry.host() + "/charts/demo", "--version", ">=1.0.0", "-d",
          dest.string(), "--plain-http", "--username", kUser, "--password", kPassword});
  RunResult search = ch({"search", "oci://" + registry.host() + "/charts/demo", "--plain-http",
                         "--username", kUser, "--password", kPassword});
  // The Link was followed (the attack was exercised) ...
  ASSERT_GE(other.requests().size(), 2u) << pull.err << search.err;
  // ... the other origin never saw the credentials ...
  expect_no_credentials(other, {kPassword, base64_encode(kUser + ":" + kPassword)});
  // ... and the registry did (so the test is not vacuous).
  bool registry_got_credentials = false;
  for (const SeenRequest& r : registry.requests())
    registry_got_credentials |= r.header("authorization") == basic();
  EXPECT_TRUE(registry_got_credentials);
  // The highest version came from the second page: pull then asked the registry for it.
  EXPECT_EQ(pull.code, 1);
  EXPECT_NE(pull.err.find("1.0.1"), std::string::npos) << pull.err;
}

// The same with token auth: the realm gets the registry's credentials (that is how token
// auth works), the registry gets the bearer token, the Link target gets neither — and its
// own challenge is not answered.
TEST_F(CredentialOrigin, TagListLinkToAnotherOriginGetsNoBearerToken) {
  const std::string token = "registry-access-token-7f3a9c";
  HostileServer other([](const SeenRequest&) -> Reply {
    return {401, {{"WWW-Authenticate", "Basic realm=\"please\""}}, ""};
  });
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.target.starts_with("/token"))
      return r.header("authorization") == basic() ? json("{\"token\":\"" + token + "\"}")
                                                  : Reply{401, {}, ""};
    if (r.header("authorization") != "Bearer " + token)
      return {401,
              {{"WWW-Authenticate",
                "Bearer realm=\"http://" + r.header("host") + "/token\",service=\"hostile\""}},
              ""};
    return json("{\"tags\":[\"1.0.0\"]}", {{"Link", "<" + other.origin() +
                                                        "/v2/charts/demo/tags/list?last=1.0.0>; "
                                                        "rel=\"next\""}});
  });
  RunResult search = ch({"search", "oci://" + registry.host() + "/charts/demo", "--plain-http",
                         "--username", kUser, "--password", kPassword});
  EXPECT_EQ(search.code, 1);
  EXPECT_NE(search.err.find("401"), std::string::npos) << search.err;
  expect_no_credentials(other, {token, kPassword, base64_encode(kUser + ":" + kPassword)});
  EXPECT_EQ(other.requests().size(), 1u) << "the other origin's challenge was answered";
  bool realm_got_credentials = false, registry_got_token = false;
  for (const SeenRequest& r : registry.requests()) {
    realm_got_credentials |= r.target.starts_with("/token") && r.header("authorization") == basic();
    registry_got_token |= r.header("authorization") == "Bearer " + token;
  }
  EXPECT_TRUE(realm_got_credentials);
  EXPECT_TRUE(registry_got_token);
}

// Push: the registry answers the upload POST with a Location on another origin. The upload
// must stay on the registry's origin (spec §1.6, the oras-go security fixes): refused, and
// the other origin sees nothing — neither the credentials nor the chart.
TEST_F(CredentialOrigin, UploadLocationOnAnotherOriginIsRefused) {
  auto chart_dir = tmp_.path() / "src/demo";
  testing::write_chart(chart_dir, "demo", "1.0.0", {{"values.yaml", "a: 1\n"}});
  auto packaged = ch({"package", chart_dir.string(), "-d", (tmp_.path() / "pkg").string()});
  ASSERT_EQ(packaged.code, 0) << packaged.err;
  auto tgz = tmp_.path() / "pkg/demo-1.0.0.tgz";

  HostileServer storage([](const SeenRequest& r) -> Reply {
    return r.method == "PUT" ? Reply{201, {}, ""} : Reply{404, {}, ""};
  });
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.header("authorization") != basic())
      return {401, {{"WWW-Authenticate", "Basic realm=\"hostile\""}}, ""};
    if (r.method == "POST" && r.target.starts_with("/v2/charts/demo/blobs/uploads/"))
      return {202, {{"Location", storage.origin() + "/bucket/upload?X-Signature=presigned"}}, ""};
    if (r.method == "PUT" && r.target.starts_with("/v2/charts/demo/manifests/"))
      return {201, {}, ""};
    return {404, {}, ""};
  });
  RunResult push = ch({"push", tgz.string(), "oci://" + registry.host() + "/charts", "--plain-http",
                       "--username", kUser, "--password", kPassword});
  EXPECT_EQ(push.code, 1);
  EXPECT_NE(push.err.find("upload location " + storage.origin() + "/bucket/upload"),
            std::string::npos)
      << push.err;
  EXPECT_NE(push.err.find("is not on " + registry.origin()), std::string::npos) << push.err;
  expect_no_credentials(storage, {kPassword, base64_encode(kUser + ":" + kPassword)});
  EXPECT_TRUE(storage.requests().empty());
  // The registry itself was given the credentials, and no manifest was pushed.
  bool posted_with_credentials = false;
  for (const SeenRequest& r : registry.requests()) {
    posted_with_credentials |= r.method == "POST" && r.header("authorization") == basic();
    EXPECT_FALSE(r.method == "PUT") << r.target;
  }
  EXPECT_TRUE(posted_with_credentials);
}

// A registry whose token realm is another service on this machine (another port): the
// credentials must not be sent there (spec §5.4: a realm on a loopback or private address
// must be the registry's own host and port).
TEST_F(CredentialOrigin, TokenRealmOnAnotherLocalServiceGetsNothing) {
  HostileServer local_service([](const SeenRequest&) { return json("{\"token\":\"t\"}"); });
  HostileServer registry([&](const SeenRequest&) -> Reply {
    return {401,
            {{"WWW-Authenticate",
              "Bearer realm=\"" + local_service.origin() + "/token\",service=\"hostile\""}},
            ""};
  });
  RunResult search = ch({"search", "oci://" + registry.host() + "/charts/demo", "--plain-http",
                         "--username", kUser, "--password", kPassword});
  EXPECT_EQ(search.code, 1);
  EXPECT_NE(search.err.find("refusing token realm " + local_service.origin() + "/token"),
            std::string::npos)
      << search.err;
  expect_no_credentials(local_service, {kPassword, base64_encode(kUser + ":" + kPassword)});
  EXPECT_TRUE(local_service.requests().empty());
}

// An https registry (charthouse serve with TLS and token auth) whose challenge names a token
// realm on plain HTTP on another origin: the client refuses before sending the credentials.
TEST_F(CredentialOrigin, HttpsRegistryCannotSendCredentialsToAPlainHttpRealm) {
  auto d = tmp_.path();
  auto sh = [&](const std::string& cmd) { return run({"/bin/sh", "-c", cmd}, d).code; };
  ASSERT_EQ(sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
               "-keyout srv.key -out srv.crt -days 2 -subj /CN=127.0.0.1 "
               "-addext subjectAltName=IP:127.0.0.1 2>/dev/null"),
            0);
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", (d / "htpasswd").string(), kUser, kPassword}).code,
            0);
  HostileServer realm([](const SeenRequest&) { return json("{\"token\":\"t\"}"); });
  int port = 0;
  auto server =
      testing::start_server(CH_BINARY, (d / "store").string(),
                            {"--auth", "token", "--htpasswd", (d / "htpasswd").string(), "--realm",
                             realm.origin() + "/token", "--tls-cert", (d / "srv.crt").string(),
                             "--tls-key", (d / "srv.key").string()},
                            &port);
  std::string host = "127.0.0.1:" + std::to_string(port);
  auto dest = d / "dest";
  stdfs::create_directories(dest);
  RunResult pull =
      ch({"pull", "oci://" + host + "/charts/demo", "--version", ">=1.0.0", "-d", dest.string(),
          "--ca-file", (d / "srv.crt").string(), "--username", kUser, "--password", kPassword});
  EXPECT_EQ(pull.code, 1);
  EXPECT_NE(pull.err.find("refusing token realm " + realm.origin() + "/token"), std::string::npos)
      << pull.err << server->stderr_text();
  EXPECT_TRUE(realm.requests().empty()) << "the plain-HTTP realm was contacted";
  // The same registry, logged in through `registry login` (OAuth2 POST first, then GET):
  // refused the same way, nothing stored.
  RunResult login = ch({"registry", "login", host, "--ca-file", (d / "srv.crt").string(),
                        "--username", kUser, "--password", kPassword});
  EXPECT_EQ(login.code, 1) << login.out;
  EXPECT_TRUE(realm.requests().empty()) << "the plain-HTTP realm was contacted";
  EXPECT_FALSE(stdfs::exists(d / "hc/registry/config.json"));
}

}  // namespace
}  // namespace ch
