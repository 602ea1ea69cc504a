// Tests of server/auth/auth.cpp: Authenticator::authorize in each mode and the /token endpoint.
#include "server/auth/auth.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth_test_helpers.hpp"
#include "base/base64.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"

namespace ch::server::auth {
namespace {

using namespace test_support;
using json = nlohmann::json;
using Params = std::multimap<std::string, std::string>;

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + base64_encode(user + ":" + password);
}

// ---------------------------------------------------------------- Authenticator fixtures

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    htpasswd_ = dir_.path() / "htpasswd";
    access_ = dir_.path() / "access.yaml";
    key_ = dir_.path() / "token.pem";
    testing::write(htpasswd_, "alice:" + bcrypt("alicepw") + "\nbob:" + bcrypt("bobpw") + "\n");
    testing::write(access_, kAccessYaml);
  }

  Config config(Mode mode, bool with_access = true) const {
    Config c;
    c.mode = mode;
    c.htpasswd_file = htpasswd_.string();
    if (with_access) c.access_file = access_.string();
    c.token_key_file = key_.string();
    return c;
  }

  fs::TempDir dir_;
  std::filesystem::path htpasswd_, access_, key_;
};

json body_of(const TokenReply& r) {
  return json::parse(r.body);
}

// ---------------------------------------------------------------- authorize: none, htpasswd

TEST_F(AuthTest, ModeNoneAllowsEverything) {
  Authenticator a(Config{});
  auto d = a.authorize("", {scope("repository:x:pull,push,delete")}, "h", false);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.status, 200);
}

TEST_F(AuthTest, HtpasswdMissingOrWrongCredentialsGetBasicChallenge) {
  Authenticator a(config(Mode::kHtpasswd));
  auto needed = std::vector<Scope>{scope("repository:team/app:pull")};
  for (const std::string& header :
       {std::string(), basic("alice", "wrong"), basic("mallory", "alicepw"),
        std::string("Basic !!!"), std::string("Bearer abc")}) {
    auto d = a.authorize(header, needed, "h", false);
    EXPECT_FALSE(d.allowed) << header;
    EXPECT_EQ(d.status, 401);
    EXPECT_EQ(d.error_code, "UNAUTHORIZED");
    EXPECT_EQ(d.www_authenticate, "Basic realm=\"charthouse\"");
  }
}

TEST_F(AuthTest, HtpasswdValidUserAllowedOrDenied) {
  Authenticator a(config(Mode::kHtpasswd));
  auto ok =
      a.authorize(basic("alice", "alicepw"), {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_TRUE(ok.allowed);
  EXPECT_EQ(ok.user, "alice");
  // A lower-case scheme works too, and the cached check still rejects a wrong password.
  EXPECT_TRUE(a.authorize(basic("alice", "alicepw").replace(0, 5, "basic"),
                          {scope("repository:team/app:pull")}, "h", false)
                  .allowed);
  EXPECT_FALSE(a.authorize(basic("alice", "alicepw2"), {}, "h", false).allowed);

  auto denied =
      a.authorize(basic("bob", "bobpw"), {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.error_code, "DENIED");
  EXPECT_EQ(denied.user, "bob");
  EXPECT_EQ(denied.www_authenticate, "");
}

TEST_F(AuthTest, HtpasswdPasswordMayContainColons) {
  testing::write(htpasswd_, "alice:$2y$05$OB95P4MivL8YyLYKpsKAcutZTaMHNlcnEEmtY/XDd9Kz6mCpb2Kje\n");
  Authenticator a(config(Mode::kHtpasswd, false));
  EXPECT_TRUE(a.authorize(basic("alice", "p@ss:w0rd"), {}, "h", false).allowed);
  EXPECT_FALSE(a.authorize(basic("alice", "p@ss"), {}, "h", false).allowed);
}

TEST_F(AuthTest, HtpasswdAnonymousPullButPingNeedsLogin) {
  Authenticator a(config(Mode::kHtpasswd));
  auto pub = a.authorize("", {scope("repository:public/nginx:pull")}, "h", false);
  EXPECT_TRUE(pub.allowed);
  EXPECT_EQ(pub.user, "");
  EXPECT_EQ(a.authorize("", {scope("repository:public/nginx:push")}, "h", false).status, 401);
  EXPECT_EQ(a.authorize("", {}, "h", false).status, 401);
  EXPECT_TRUE(a.authorize(basic("bob", "bobpw"), {}, "h", false).allowed);
}

TEST_F(AuthTest, HtpasswdWithoutAccessFileLetsUsersDoEverything) {
  Authenticator a(config(Mode::kHtpasswd, false));
  EXPECT_TRUE(
      a.authorize(basic("bob", "bobpw"),
                  {scope("repository:any/thing:pull,push,delete"), scope("registry:catalog:*")},
                  "h", false)
          .allowed);
  EXPECT_EQ(a.authorize("", {scope("repository:public/x:pull")}, "h", false).status, 401);
}

TEST_F(AuthTest, ReloadPicksUpNewUsersAndKeepsOldStateOnBadFiles) {
  Authenticator a(config(Mode::kHtpasswd));
  EXPECT_EQ(a.authorize(basic("carol", "carolpw"), {}, "h", false).status, 401);
  testing::write(htpasswd_, testing::read(htpasswd_) + "carol:" + bcrypt("carolpw") + "\n");
  a.reload();
  EXPECT_TRUE(a.authorize(basic("carol", "carolpw"), {}, "h", false).allowed);

  testing::write(htpasswd_, "broken line\n");
  EXPECT_THROW(a.reload(), Error);
  EXPECT_TRUE(a.authorize(basic("carol", "carolpw"), {}, "h", false).allowed);

  // A password change takes effect although the old one was cached.
  testing::write(htpasswd_, "alice:" + bcrypt("newpw") + "\n");
  EXPECT_TRUE(a.authorize(basic("alice", "alicepw"), {}, "h", false).allowed);
  a.reload();
  EXPECT_FALSE(a.authorize(basic("alice", "alicepw"), {}, "h", false).allowed);
  EXPECT_TRUE(a.authorize(basic("alice", "newpw"), {}, "h", false).allowed);
}

TEST_F(AuthTest, BadConfigurationsFailAtConstruction) {
  Config c = config(Mode::kHtpasswd);
  c.htpasswd_file.clear();
  EXPECT_THROW(Authenticator{c}, Error);
  c = config(Mode::kHtpasswd);
  c.htpasswd_file = (dir_.path() / "nope").string();
  EXPECT_THROW(Authenticator{c}, Error);
  testing::write(access_, "users: {alice: {pull: 7x}\n");
  EXPECT_THROW(Authenticator{config(Mode::kHtpasswd)}, Error);
  c = config(Mode::kToken, false);
  c.realm = "auth.example.com/token";
  EXPECT_THROW(Authenticator{c}, Error);
  c = config(Mode::kToken, false);
  c.token_key_file.clear();
  EXPECT_THROW(Authenticator{c}, Error);
}

// ---------------------------------------------------------------- token endpoint

TEST_F(AuthTest, TokenGetAnonymousGetsOnlyAnonymousRights) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("GET",
                   Params{{"service", "charthouse"},
                          {"scope", "repository:public/nginx:pull,push"},
                          {"scope", "repository:team/app:pull"}},
                   "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  json b = body_of(r);
  EXPECT_EQ(b["token"], b["access_token"]);
  EXPECT_EQ(b["expires_in"], 300);
  EXPECT_TRUE(b["issued_at"].get<std::string>().ends_with("Z"));
  EXPECT_FALSE(b.contains("refresh_token"));
  json claims = jwt_part(b["token"], 1);
  EXPECT_EQ(claims["sub"], "");
  EXPECT_EQ(claims["aud"], "charthouse");
  EXPECT_EQ(claims["iss"], "charthouse");
  EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 300);
  EXPECT_EQ(claims["access"],
            json::parse(R"([{"type":"repository","name":"public/nginx","actions":["pull"]}])"));
}

TEST_F(AuthTest, TokenGetWithBasicAndScopeIntersection) {
  Authenticator a(config(Mode::kToken));
  // bob asks for push and pull on team/app, may only pull.
  auto r =
      a.token("GET", Params{{"service", "charthouse"}, {"scope", "repository:team/app:pull,push"}},
              basic("bob", "bobpw"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(body_of(r).contains("refresh_token"));  // only with offline_token=true
  json claims = jwt_part(body_of(r)["token"], 1);
  EXPECT_EQ(claims["sub"], "bob");
  EXPECT_EQ(claims["access"],
            json::parse(R"([{"type":"repository","name":"team/app","actions":["pull"]}])"));

  // alice gets both, for several scopes at once (repeated params and a space-separated one).
  r = a.token("GET",
              Params{{"scope", "repository:team/app:push,pull"},
                     {"scope", "repository:team/lib:pull registry:catalog:*"},
                     {"scope", "repository:team/app:delete"}},
              basic("alice", "alicepw"));
  ASSERT_EQ(r.status, 200) << r.body;
  claims = jwt_part(body_of(r)["token"], 1);
  EXPECT_EQ(claims["access"], json::parse(R"([
      {"type":"repository","name":"team/app","actions":["push","pull","delete"]},
      {"type":"repository","name":"team/lib","actions":["pull"]},
      {"type":"registry","name":"catalog","actions":["*"]}])"));
}

TEST_F(AuthTest, TokenGetBadCredentials) {
  Authenticator a(config(Mode::kToken));
  for (const std::string& header : {basic("bob", "nope"), basic("nobody", "bobpw"),
                                    std::string("Basic %%%"), std::string("Digest x")}) {
    auto r = a.token("GET", Params{{"scope", "repository:public/x:pull"}}, header);
    EXPECT_EQ(r.status, 401) << header;
    EXPECT_EQ(r.www_authenticate, "Basic realm=\"charthouse\"");
    json b = body_of(r);
    EXPECT_EQ(b["errors"][0]["code"], "UNAUTHORIZED");
    EXPECT_FALSE(b.contains("token"));
  }
}

TEST_F(AuthTest, TokenGetOfflineTokenReturnsRefreshToken) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("GET", Params{{"offline_token", "true"}}, basic("bob", "bobpw"));
  ASSERT_EQ(r.status, 200);
  json b = body_of(r);
  ASSERT_TRUE(b.contains("refresh_token"));
  EXPECT_EQ(jwt_part(b["refresh_token"], 1)["token_use"], "refresh");
  // Anonymous clients get none; a bad value is an error.
  EXPECT_FALSE(
      body_of(a.token("GET", Params{{"offline_token", "true"}}, "")).contains("refresh_token"));
  EXPECT_EQ(a.token("GET", Params{{"offline_token", "maybe"}}, "").status, 400);
}

TEST_F(AuthTest, TokenPostPasswordThenRefreshGrant) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("POST",
                   Params{{"grant_type", "password"},
                          {"username", "bob"},
                          {"password", "bobpw"},
                          {"service", "charthouse"},
                          {"client_id", "oras-go"},
                          {"scope", "repository:team/app:pull,push repository:shared/x:pull"}},
                   "");
  ASSERT_EQ(r.status, 200) << r.body;
  json b = body_of(r);
  EXPECT_FALSE(b.contains("token"));
  EXPECT_EQ(b["scope"], "repository:team/app:pull repository:shared/x:pull");
  EXPECT_EQ(b["expires_in"], 300);
  ASSERT_TRUE(b.contains("refresh_token"));
  std::string refresh = b["refresh_token"];
  json rc = jwt_part(refresh, 1);
  EXPECT_EQ(rc["sub"], "bob");
  EXPECT_EQ(rc["exp"].get<std::int64_t>() - rc["iat"].get<std::int64_t>(), 24 * 3600);

  auto r2 = a.token("POST",
                    Params{{"grant_type", "refresh_token"},
                           {"refresh_token", refresh},
                           {"service", "charthouse"},
                           {"client_id", "oras-go"},
                           {"scope", "repository:public/z:pull"}},
                    "");
  ASSERT_EQ(r2.status, 200) << r2.body;
  json b2 = body_of(r2);
  EXPECT_EQ(b2["scope"], "repository:public/z:pull");
  EXPECT_EQ(b2["refresh_token"], refresh);
  EXPECT_EQ(jwt_part(b2["access_token"], 1)["sub"], "bob");

  // The refresh token is no access token, and an access token is no refresh token.
  EXPECT_EQ(a.authorize("Bearer " + refresh, {}, "h", false).status, 401);
  auto r3 = a.token(
      "POST", Params{{"grant_type", "refresh_token"}, {"refresh_token", b2["access_token"]}}, "");
  EXPECT_EQ(r3.status, 401);

  // Wrong password on the password grant.
  auto r4 = a.token("POST",
                    Params{{"grant_type", "password"}, {"username", "bob"}, {"password", "x"}}, "");
  EXPECT_EQ(r4.status, 401);
  EXPECT_EQ(body_of(r4)["error"], "invalid_grant");

  // The refresh grant checks that the user still exists.
  testing::write(htpasswd_, "alice:" + bcrypt("alicepw") + "\n");
  a.reload();
  auto r5 =
      a.token("POST", Params{{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, "");
  EXPECT_EQ(r5.status, 401);
  EXPECT_NE(body_of(r5)["errors"][0]["message"].get<std::string>().find("no longer exists"),
            std::string::npos);
}

TEST_F(AuthTest, TokenBadRequests) {
  Authenticator a(config(Mode::kToken));
  auto r = a.token("POST", Params{{"grant_type", "authorization_code"}, {"code", "x"}}, "");
  EXPECT_EQ(r.status, 400);
  json b = body_of(r);
  EXPECT_EQ(b["error"], "unsupported_grant_type");
  EXPECT_EQ(b["errors"][0]["code"], "UNSUPPORTED_VALUE");
  EXPECT_EQ(a.token("POST", Params{}, "").status, 400);
  EXPECT_EQ(a.token("POST", Params{{"grant_type", "refresh_token"}}, "").status, 400);
  EXPECT_EQ(a.token("GET", Params{{"scope", "repository:bad name:pull"}}, "").status, 400);
  EXPECT_EQ(a.token("GET", Params{{"service", "other"}}, "").status, 400);
  EXPECT_EQ(a.token("DELETE", Params{}, "").status, 405);
  Authenticator h(config(Mode::kHtpasswd));
  EXPECT_EQ(h.token("GET", Params{}, "").status, 404);
}

// ---------------------------------------------------------------- authorize: token mode

TEST_F(AuthTest, TokenModeChallengeHeaderExactText) {
  Authenticator a(config(Mode::kToken));
  auto d = a.authorize("", {scope("repository:team/app:pull,push")}, "reg.example:5000", false);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.error_code, "UNAUTHORIZED");
  EXPECT_EQ(d.www_authenticate,
            "Bearer realm=\"http://reg.example:5000/token\",service=\"charthouse\","
            "scope=\"repository:team/app:pull,push\"");
  d = a.authorize(basic("alice", "alicepw"),
                  {scope("repository:a:pull"), scope("repository:b:pull")}, "reg.example", true);
  EXPECT_EQ(d.www_authenticate,
            "Bearer realm=\"https://reg.example/token\",service=\"charthouse\","
            "scope=\"repository:a:pull repository:b:pull\"");
  // Ping: no scope parameter.
  EXPECT_EQ(a.authorize("", {}, "reg.example", true).www_authenticate,
            "Bearer realm=\"https://reg.example/token\",service=\"charthouse\"");

  Config c = config(Mode::kToken);
  c.realm = "https://auth.example.com/token";
  c.service = "registry.example.com";
  Authenticator b(c);
  EXPECT_EQ(b.authorize("", {scope("registry:catalog:*")}, "ignored", false).www_authenticate,
            "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
            "scope=\"registry:catalog:*\"");
}

TEST_F(AuthTest, TokenModeAllowsCoveredScopesOnly) {
  Authenticator a(config(Mode::kToken));
  auto get = [&](const std::string& creds, const std::string& s) {
    auto r = a.token("GET", Params{{"service", "charthouse"}, {"scope", s}}, creds);
    EXPECT_EQ(r.status, 200);
    return "Bearer " + body_of(r)["token"].get<std::string>();
  };
  auto alice = get(basic("alice", "alicepw"), "repository:team/app:pull,push");
  auto d = a.authorize(alice, {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.user, "alice");
  EXPECT_TRUE(a.authorize(alice, {}, "h", false).allowed);  // ping
  EXPECT_FALSE(a.authorize(alice, {scope("repository:team/other:pull")}, "h", false).allowed);

  // bob asked for push, got pull only: pushing is refused with insufficient_scope.
  auto bob = get(basic("bob", "bobpw"), "repository:team/app:pull,push");
  EXPECT_TRUE(a.authorize(bob, {scope("repository:team/app:pull")}, "h", false).allowed);
  d = a.authorize(bob, {scope("repository:team/app:pull,push")}, "h", false);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.user, "bob");
  EXPECT_EQ(d.www_authenticate,
            "Bearer realm=\"http://h/token\",service=\"charthouse\","
            "scope=\"repository:team/app:pull,push\",error=\"insufficient_scope\"");

  // "*" in a token covers every action.
  auto star = get(basic("alice", "alicepw"), "repository:team/app:*");
  EXPECT_TRUE(
      a.authorize(star, {scope("repository:team/app:pull,push,delete")}, "h", false).allowed);

  // Anonymous token for a public repository.
  auto anon = get("", "repository:public/nginx:pull");
  d = a.authorize(anon, {scope("repository:public/nginx:pull")}, "h", false);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.user, "");
}

TEST_F(AuthTest, TokenModeRejectsBadTokens) {
  Authenticator a(config(Mode::kToken));
  auto key = SigningKey::load_or_create(key_);  // the same key file
  auto needed = std::vector<Scope>{scope("repository:team/app:pull")};
  auto t = now();
  auto bearer = [&](Claims c) { return "Bearer " + key.sign(c); };
  auto invalid =
      "Bearer realm=\"http://h/token\",service=\"charthouse\","
      "scope=\"repository:team/app:pull\",error=\"invalid_token\"";

  Claims good = sample_claims(t);
  good.access = {scope("repository:team/app:pull")};
  EXPECT_TRUE(a.authorize(bearer(good), needed, "h", false).allowed);

  Claims expired = good;
  expired.issued_at = expired.not_before = t - 7200;
  expired.expires_at = t - 3600;
  auto d = a.authorize(bearer(expired), needed, "h", false);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.www_authenticate, invalid);
  EXPECT_NE(d.message.find("expired"), std::string::npos);

  Claims aud = good;
  aud.audience = "another-registry";
  EXPECT_EQ(a.authorize(bearer(aud), needed, "h", false).www_authenticate, invalid);

  Claims iss = good;
  iss.issuer = "evil";
  EXPECT_FALSE(a.authorize(bearer(iss), needed, "h", false).allowed);

  auto other = SigningKey::generate();
  EXPECT_EQ(a.authorize("Bearer " + other.sign(good), needed, "h", false).www_authenticate,
            invalid);
  EXPECT_EQ(a.authorize("Bearer not.a.jwt", needed, "h", false).status, 401);
  EXPECT_EQ(a.authorize("Bearer ", needed, "h", false).status, 401);
  // Basic credentials are not accepted by the API in token mode.
  EXPECT_EQ(a.authorize(basic("alice", "alicepw"), needed, "h", false).status, 401);
}

TEST_F(AuthTest, TokenKeyFileSurvivesRestart) {
  std::string token;
  {
    Authenticator first(config(Mode::kToken));
    struct stat st {};
    ASSERT_EQ(::stat(key_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto r = first.token("GET", Params{{"scope", "repository:team/app:pull"}},
                         basic("alice", "alicepw"));
    token = body_of(r)["token"];
  }
  std::string pem = testing::read(key_);
  Authenticator second(config(Mode::kToken));
  EXPECT_EQ(testing::read(key_), pem);
  EXPECT_TRUE(
      second.authorize("Bearer " + token, {scope("repository:team/app:pull")}, "h", false).allowed);
  // A different key (file removed, so a new one is generated) no longer accepts it.
  std::filesystem::remove(key_);
  Authenticator third(config(Mode::kToken));
  EXPECT_NE(testing::read(key_), pem);
  EXPECT_FALSE(
      third.authorize("Bearer " + token, {scope("repository:team/app:pull")}, "h", false).allowed);
}

}  // namespace
}  // namespace ch::server::auth
