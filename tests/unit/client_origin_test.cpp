// Where the client's credentials may go: origins parsed strictly, URLs a registry hands back
// (Link pages, upload Locations, token realms) resolved and checked, WWW-Authenticate parsed
// in one bounded pass — and the registry client against hostile loopback servers: Basic
// credentials and bearer tokens reach only the registry's origin (and credentials its token
// realm), never a Link page or upload Location elsewhere, nor a token endpoint's redirect;
// Link chains, listings, token answers and response headers are all bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "base/base64.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "client/challenge.hpp"
#include "client/origin.hpp"
#include "client/registry_client.hpp"
#include "hostile_server.hpp"

namespace ch {
namespace {

using client::Origin;
using client::parse_origin;
using testing::HostileServer;
using testing::Reply;
using testing::SeenRequest;

TEST(Origin, ParsesAndNormalises) {
  auto o = parse_origin("HTTPS://Registry.Example.COM/v2/x?y#z");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->scheme, "https");
  EXPECT_EQ(o->host, "registry.example.com");
  EXPECT_EQ(o->port, 443);
  EXPECT_EQ(o->str(), "https://registry.example.com");
  EXPECT_EQ(parse_origin("https://r.example:443/a"), parse_origin("https://r.example/b"));
  EXPECT_EQ(parse_origin("http://r.example:80"), parse_origin("http://r.example"));
  EXPECT_EQ(parse_origin("http://127.0.0.1:5000?x")->port, 5000);
  EXPECT_EQ(parse_origin("http://[::1]:5000/v2/")->host, "[::1]");
  EXPECT_EQ(parse_origin("http://[::1]:5000/v2/")->str(), "http://[::1]:5000");
  EXPECT_EQ(parse_origin("http://r.example:/x")->port, 80);
  // Scheme, host and port all count.
  EXPECT_NE(parse_origin("http://r.example"), parse_origin("https://r.example"));
  EXPECT_NE(parse_origin("https://r.example"), parse_origin("https://r.example:5000"));
  EXPECT_NE(parse_origin("https://localhost:5000"), parse_origin("https://127.0.0.1:5000"));
  EXPECT_NE(parse_origin("https://r.example"), parse_origin("https://r.example."));
}

TEST(Origin, RefusesWhatParsersReadDifferently) {
  for (const char* url : {"https://user:pw@r.example/",       // userinfo
                          "https://r.example@evil.example/",  // the classic confusion
                          "https://evil.example\\@r.example/",
                          "https://r.example\\.evil.example/",
                          "https://r.example /",
                          "https://r.exa\tmple/",
                          "https://r.example\r\nX: y/",
                          "https://r%2eexample/",
                          "https://[::1/",
                          "https://[::1]x/",
                          "https://[fe80::1%25eth0]/",
                          "https://r.example:0/",
                          "https://r.example:65536/",
                          "https://r.example:12a/",
                          "https://r.example:000443/",
                          "https://r.example:1:2/",
                          "https:///v2/",
                          "https://",
                          "ftp://r.example/",
                          "file:///etc/passwd",
                          "//r.example/v2/",
                          "/v2/",
                          "",
                          "https://r\xc3\xa9.example/"}) {
    EXPECT_FALSE(parse_origin(url)) << url;
  }
}

TEST(Origin, ResolvesReferencesAsGoDoes) {
  using client::resolve_reference;
  std::string base = "https://r.example:5000/v2/charts/demo/tags/list?n=10#frag";
  EXPECT_EQ(resolve_reference(base, "https://o.example/x"), "https://o.example/x");
  EXPECT_EQ(resolve_reference(base, "HTTP://o.example/x"), "HTTP://o.example/x");
  EXPECT_EQ(resolve_reference(base, "//o.example/x"), "https://o.example/x");
  EXPECT_EQ(resolve_reference(base, "/v2/charts/demo/tags/list?last=a"),
            "https://r.example:5000/v2/charts/demo/tags/list?last=a");
  EXPECT_EQ(resolve_reference(base, "?last=a"),
            "https://r.example:5000/v2/charts/demo/tags/list?last=a");
  EXPECT_EQ(resolve_reference(base, "list?last=a"),
            "https://r.example:5000/v2/charts/demo/tags/list?last=a");
  EXPECT_EQ(resolve_reference("http://h:1", "v2/x"), "http://h:1/v2/x");
  EXPECT_EQ(resolve_reference("http://h:1?q", "/up"), "http://h:1/up");
  EXPECT_EQ(resolve_reference(base, ""), "https://r.example:5000/v2/charts/demo/tags/list?n=10");
  // A reference that only looks like it has a scheme stays on the base's origin.
  EXPECT_EQ(parse_origin(resolve_reference(base, "./evil.example:80/x")),
            parse_origin("https://r.example:5000"));
}

TEST(Origin, NextLinkTargets) {
  using client::next_link_target;
  EXPECT_EQ(next_link_target({"</v2/_catalog?last=b&n=2>; rel=\"next\""}),
            "/v2/_catalog?last=b&n=2");
  EXPECT_EQ(next_link_target({"<a>; rel=\"prev\", <b>; rel=\"next\""}), "b");
  EXPECT_EQ(next_link_target({"<a>;rel=next"}), "a");
  EXPECT_EQ(next_link_target({"<a>; title=\"x, y; rel=next\"; REL=\"prev NEXT\""}), "a");
  EXPECT_EQ(next_link_target({"<a>; rel=\"prev\"", "<c>; rel=\"next\""}), "c");
  EXPECT_EQ(next_link_target({"<a>; rel=\"prev\""}), "");
  EXPECT_EQ(next_link_target({"a; rel=\"next\""}), "");
  EXPECT_EQ(next_link_target({"<a; rel=\"next\""}), "");
  EXPECT_EQ(next_link_target({}), "");
  // Linear on hostile input.
  std::string flood;
  for (int i = 0; i < 200000; ++i) flood += "<x>;;;=\"\\";
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(next_link_target({flood, std::string(1 << 20, ';'), std::string(1 << 20, '<')}), "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(Origin, HandedUrlsStayOnHttpsForAnHttpsRegistry) {
  Origin https = *parse_origin("https://r.example");
  Origin http = *parse_origin("http://127.0.0.1:5000");
  EXPECT_EQ(client::check_handed_url(https, "https://auth.example/token", "token realm",
                                     ErrorCode::kUnauthorized),
            *parse_origin("https://auth.example"));
  for (const char* url : {"http://auth.example/token", "HTTP://r.example/token",
                          "http://r.example:443/token", "https://u@auth.example/", "/token"}) {
    try {
      client::check_handed_url(https, url, "token realm", ErrorCode::kUnauthorized);
      ADD_FAILURE() << url;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnauthorized);
      EXPECT_NE(std::string(e.what()).find("token realm"), std::string::npos) << e.what();
    }
  }
  // A plain-HTTP registry's realm may be http (the user chose plain HTTP for it).
  EXPECT_NO_THROW(
      client::check_handed_url(http, "http://auth.example/token", "Link", ErrorCode::kNetwork));
}

TEST(Origin, InternalHosts) {
  using client::is_internal_host;
  for (const char* h :
       {"127.0.0.1",          "127.1",           "2130706433",  "0x7f000001",
        "0177.0.0.1",         "0.0.0.0",         "0",           "10.1.2.3",
        "172.16.0.1",         "172.31.255.255",  "192.168.1.1", "169.254.169.254",
        "100.100.100.200",    "localhost",       "LOCALHOST",   "registry.localhost",
        "localhost.",         "[::1]",           "[::]",        "[::ffff:127.0.0.1]",
        "[::ffff:a9fe:a9fe]", "[fd00:ec2::254]", "[fe80::1]",   "[::127.0.0.1]"})
    EXPECT_TRUE(is_internal_host(client::parse_origin(std::string("http://") + h)->host)) << h;
  for (const char* h :
       {"8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "ghcr.io", "auth.docker.io",
        "localhost.example.com", "[2001:db8::1]", "[::ffff:8.8.8.8]"})
    EXPECT_FALSE(is_internal_host(client::parse_origin(std::string("http://") + h)->host)) << h;
}

TEST(Origin, TokenRealmsOnInternalAddressesMustBeTheRegistry) {
  Origin registry = *parse_origin("https://registry.example.com");
  EXPECT_NO_THROW(client::check_token_realm(registry, "https://auth.example.com/token"));
  for (const char* realm :
       {"https://169.254.169.254/latest/meta-data", "https://127.0.0.1/token",
        "https://0.0.0.0:9999/token", "https://0x7f000001/token", "https://[fd00:ec2::254]/",
        "https://localhost/token", "https://100.100.100.200/", "http://auth.example.com/token"}) {
    try {
      client::check_token_realm(registry, realm);
      ADD_FAILURE() << realm;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnauthorized);
    }
  }
  // A registry on an internal address may keep its token endpoint on the same host and port.
  Origin internal = *parse_origin("https://10.0.0.5:5000");
  EXPECT_NO_THROW(client::check_token_realm(internal, "https://10.0.0.5:5000/token"));
  EXPECT_THROW(client::check_token_realm(internal, "https://10.0.0.5:5001/token"), Error);
  EXPECT_THROW(client::check_token_realm(internal, "https://10.0.0.6:5000/token"), Error);
  EXPECT_NO_THROW(client::check_token_realm(internal, "https://auth.example.com/token"));
}

TEST(Challenge, ParsesLikeOras) {
  auto c = client::parse_challenge(
      "Bearer realm=\"https://auth.example/token\",service=\"reg\", scope=\"repository:a/b:pull "
      "repository:c:push\"");
  EXPECT_EQ(c.scheme, "bearer");
  EXPECT_EQ(c.params["realm"], "https://auth.example/token");
  EXPECT_EQ(c.params["service"], "reg");
  EXPECT_EQ(c.params["scope"], "repository:a/b:pull repository:c:push");
  c = client::parse_challenge("BASIC Realm=\"a \\\"quoted\\\" \\\\ realm\"");
  EXPECT_EQ(c.scheme, "basic");
  EXPECT_EQ(c.params["realm"], "a \"quoted\" \\ realm");
  c = client::parse_challenge("Bearer realm=tok, service = \"s\" ,error=invalid_token");
  EXPECT_EQ(c.params["realm"], "tok");
  EXPECT_EQ(c.params["service"], "s");
  EXPECT_EQ(c.params["error"], "invalid_token");
  // Malformed input ends the parse with what was read.
  c = client::parse_challenge("Bearer service=\"s\", realm=\"https://unterminated");
  EXPECT_EQ(c.params.count("realm"), 0u);
  EXPECT_EQ(c.params["service"], "s");
  c = client::parse_challenge("Bearer realm");
  EXPECT_TRUE(c.params.empty());
  EXPECT_EQ(client::parse_challenge("").scheme, "");
  EXPECT_EQ(client::parse_challenge("\"Bearer\" realm=x").scheme, "");
}

TEST(Challenge, BoundedAndLinear) {
  // Over the length bound: not parsed at all.
  std::string huge = "Bearer realm=\"" + std::string(client::kMaxChallengeLength, 'a') + "\"";
  EXPECT_EQ(client::parse_challenge(huge).scheme, "");
  // Many parameters: only the first kMaxChallengeParams are kept.
  std::string many = "Bearer ";
  for (int i = 0; i < 500; ++i) many += "k" + std::to_string(i) + "=v,";
  EXPECT_EQ(client::parse_challenge(many).params.size(), client::kMaxChallengeParams);
  // Pathological shapes just under the bound parse quickly.
  auto t0 = std::chrono::steady_clock::now();
  for (const std::string& unit : {std::string("\\"), std::string("a="), std::string(", "),
                                  std::string("\"\\\""), std::string("=\"")}) {
    std::string s = "Bearer realm=\"";
    while (s.size() + unit.size() < client::kMaxChallengeLength) s += unit;
    for (int i = 0; i < 20; ++i) client::parse_challenge(s);
    std::string t = "Bearer ";
    while (t.size() + unit.size() < client::kMaxChallengeLength) t += unit;
    for (int i = 0; i < 20; ++i) client::parse_challenge(t);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

// --- the registry client against hostile loopback servers ---------------------------------

const char* kUser = "alice";
const char* kPassword = "s3cret-pw";

std::string basic() {
  return "Basic " + base64_encode(std::string(kUser) + ":" + kPassword);
}

client::RegistryClient make_client(fs::TempDir& tmp, bool with_credentials = true,
                                   std::size_t max_pages = 10000) {
  client::ClientOptions o;
  o.plain_http = true;
  if (with_credentials) {
    o.username = kUser;
    o.password = kPassword;
  }
  o.max_list_pages = max_pages;
  return client::RegistryClient(
      o, client::CredentialStore(tmp.path() / "helm.json", tmp.path() / "docker.json"));
}

// No request that reached `server` carried any credential or token we know of.
void expect_clean(HostileServer& server, const std::vector<std::string>& secrets) {
  for (const SeenRequest& r : server.requests()) {
    EXPECT_FALSE(r.has_header("authorization"))
        << r.method << " " << r.target << ": " << r.header("authorization");
    for (const std::string& secret : secrets) {
      EXPECT_EQ(r.target.find(secret), std::string::npos) << r.target;
      EXPECT_EQ(r.body.find(secret), std::string::npos) << r.body;
      for (const auto& [k, v] : r.headers) EXPECT_EQ(v.find(secret), std::string::npos) << k;
    }
  }
}

Reply json(const std::string& body, std::vector<std::pair<std::string, std::string>> h = {}) {
  h.emplace_back("Content-Type", "application/json");
  return {200, std::move(h), body};
}

TEST(RegistryClientOrigins, BasicCredentialsDoNotFollowALinkToAnotherOrigin) {
  fs::TempDir tmp;
  HostileServer other([](const SeenRequest& r) {
    if (r.has_header("authorization")) return json("{\"tags\":[\"leaked\"]}");
    return json("{\"tags\":[\"c\"]}");
  });
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.header("authorization") != basic())
      return {401, {{"WWW-Authenticate", "Basic realm=\"registry\""}}, ""};
    if (r.target == "/v2/charts/demo/tags/list")  // relative: same origin
      return json("{\"tags\":[\"a\"]}",
                  {{"Link", "</v2/charts/demo/tags/list?last=a>; rel=\"next\""}});
    return json(
        "{\"tags\":[\"b\"]}",
        {{"Link", "<" + other.origin() + "/v2/charts/demo/tags/list?last=b>; rel=\"next\""}});
  });
  auto c = make_client(tmp);
  EXPECT_EQ(c.list_tags(registry.host(), "charts/demo"), (std::vector<std::string>{"a", "b", "c"}));
  expect_clean(other, {base64_encode(std::string(kUser) + ":" + kPassword), kPassword});
  EXPECT_EQ(other.requests().size(), 1u);
  // The registry's own pages did get the credentials.
  auto seen = registry.requests();
  ASSERT_EQ(seen.size(), 3u);  // 401, then two pages
  EXPECT_EQ(seen[1].header("authorization"), basic());
  EXPECT_EQ(seen[2].header("authorization"), basic());
  EXPECT_EQ(seen[2].target, "/v2/charts/demo/tags/list?last=a");
}

TEST(RegistryClientOrigins, BearerTokenStaysOnTheRegistryAndChallengesElsewhereGoUnanswered) {
  fs::TempDir tmp;
  const std::string token = "registry-token-0123456789";
  HostileServer other([&](const SeenRequest& r) -> Reply {
    if (r.target.starts_with("/token")) return json("{\"token\":\"other-token\"}");
    // Phishing: ask for credentials at its own realm.
    return {401,
            {{"WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:1/token\",service=\"x\""},
             {"Www-Authenticate", "Basic realm=\"give me\""}},
            ""};
  });
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.target.starts_with("/token"))
      return r.header("authorization") == basic() ? json("{\"token\":\"" + token + "\"}")
                                                  : Reply{401, {}, ""};
    if (r.header("authorization") != "Bearer " + token)
      return {401,
              {{"WWW-Authenticate", "Bearer realm=\"http://" + r.header("host") +
                                        "/token\",service=\"hostile\",scope=\"repository:charts/"
                                        "demo:pull\""}},
              ""};
    return json(
        "{\"tags\":[\"a\"]}",
        {{"Link", "<" + other.origin() + "/v2/charts/demo/tags/list?last=a>; rel=\"next\""}});
  });
  auto c = make_client(tmp);
  try {
    c.list_tags(registry.host(), "charts/demo");
    ADD_FAILURE() << "the other origin's 401 was answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnauthorized) << e.what();
    EXPECT_NE(std::string(e.what()).find(other.host()), std::string::npos) << e.what();
  }
  expect_clean(other, {token, kPassword, base64_encode(std::string(kUser) + ":" + kPassword)});
  EXPECT_EQ(other.requests().size(), 1u);  // asked once, without credentials, not again
  // The realm did receive the registry's credentials (token auth), with the scopes.
  auto seen = registry.requests();
  ASSERT_GE(seen.size(), 2u);
  EXPECT_TRUE(
      seen[1].target.starts_with("/token?service=hostile&scope=repository%3Acharts%2Fdemo%3Apull"))
      << seen[1].target;
  EXPECT_EQ(seen[1].header("authorization"), basic());
}

TEST(RegistryClientOrigins, AChallengeFromARedirectTargetIsNotAnswered) {
  fs::TempDir tmp;
  HostileServer thief([](const SeenRequest&) { return json("{\"token\":\"t\"}"); });
  HostileServer other([&](const SeenRequest&) -> Reply {
    return {401, {{"WWW-Authenticate", "Bearer realm=\"" + thief.origin() + "/token\""}}, ""};
  });
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    return {307, {{"Location", other.origin() + r.target}}, ""};
  });
  auto c = make_client(tmp);
  try {
    c.list_tags(registry.host(), "charts/demo");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnauthorized) << e.what();
  }
  EXPECT_TRUE(thief.requests().empty()) << thief.requests()[0].header("authorization");
  expect_clean(other, {kPassword});
}

TEST(RegistryClientOrigins, ATokenRealmOnAnotherLocalServiceGetsNothing) {
  fs::TempDir tmp;
  HostileServer local_service([](const SeenRequest&) { return json("{\"token\":\"t\"}"); });
  const std::string port = std::to_string(local_service.port());
  for (const std::string& realm :
       {"http://127.0.0.1:" + port + "/token", "http://localhost:" + port + "/token",
        "http://2130706433:" + port + "/token", "http://127.1:" + port + "/token",
        "http://[::ffff:127.0.0.1]:" + port + "/token", "http://0.0.0.0:" + port + "/token"}) {
    HostileServer registry([&](const SeenRequest&) -> Reply {
      return {401, {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"s\""}}, ""};
    });
    auto c = make_client(tmp);
    try {
      c.list_tags(registry.host(), "charts/demo");
      ADD_FAILURE() << realm;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnauthorized) << e.what();
      EXPECT_NE(std::string(e.what()).find("refusing token realm"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(local_service.requests().empty()) << realm;
  }
}

TEST(RegistryClientOrigins, LinkChainsAreBounded) {
  fs::TempDir tmp;
  {  // A Link back to the same page.
    HostileServer loop([](const SeenRequest& r) {
      return json("{\"tags\":[\"a\"]}", {{"Link", "<" + r.target + ">; rel=\"next\""}});
    });
    auto c = make_client(tmp, false);
    try {
      c.list_tags(loop.host(), "charts/demo");
      ADD_FAILURE();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("loop"), std::string::npos) << e.what();
    }
    EXPECT_EQ(loop.requests().size(), 1u);
  }
  {  // An endless chain of new pages: stops at max_list_pages.
    int n = 0;
    HostileServer endless([&](const SeenRequest&) {
      ++n;
      return json("{\"repositories\":[\"r\"]}",
                  {{"Link", "</v2/_catalog?page=" + std::to_string(n) + ">; rel=\"next\""}});
    });
    auto c = make_client(tmp, false, 5);
    try {
      c.catalog(endless.host());
      ADD_FAILURE();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kTooLarge) << e.what();
    }
    EXPECT_EQ(endless.requests().size(), 5u);
  }
  {  // A Link that is not a plain http(s) URL is refused before any request is made.
    HostileServer odd([](const SeenRequest&) {
      return json("{\"tags\":[]}", {{"Link", "<http://user@127.0.0.1:1/x>; rel=\"next\""}});
    });
    auto c = make_client(tmp, false);
    EXPECT_THROW(c.list_tags(odd.host(), "charts/demo"), Error);
    EXPECT_EQ(odd.requests().size(), 1u);
  }
}

TEST(RegistryClientOrigins, BufferedResponsesAreBoundedAndJsonDepthLimited) {
  fs::TempDir tmp;
  HostileServer big([](const SeenRequest& r) {
    if (r.target.find("deep") != std::string::npos)
      return json("{\"tags\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
    if (r.target.find("manifests") != std::string::npos)
      return json(std::string(5 * 1024 * 1024, ' ') + "{}");
    if (r.target.find("headers") != std::string::npos) {
      Reply reply = json("{}");
      for (int i = 0; i < 30000; ++i)
        reply.headers.emplace_back("X-Flood-" + std::to_string(i), std::string(40, 'x'));
      return reply;
    }
    return json("{\"tags\":[\"" + std::string(5 * 1024 * 1024, 'a') + "\"]}");
  });
  auto c = make_client(tmp, false);
  auto code_of = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  };
  EXPECT_EQ(code_of([&] { c.list_tags(big.host(), "big"); }), ErrorCode::kTooLarge);
  EXPECT_EQ(code_of([&] { c.list_tags(big.host(), "deep"); }), ErrorCode::kNetwork);
  EXPECT_EQ(code_of([&] { c.get_manifest(big.host(), "m", "latest"); }), ErrorCode::kTooLarge);
  EXPECT_EQ(code_of([&] { c.list_tags(big.host(), "headers"); }), ErrorCode::kTooLarge);
}

TEST(RegistryClientOrigins, TokenResponsesAreBounded) {
  fs::TempDir tmp;
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.target.starts_with("/token/deep"))
      return json(std::string(5000, '[') + std::string(5000, ']'));
    if (r.target.starts_with("/token/big"))
      return json("{\"token\":\"" + std::string(200 * 1024, 't') + "\"}");
    std::string realm = "http://" + r.header("host") +
                        (r.target.find("deep") != std::string::npos ? "/token/deep" : "/token/big");
    return {401, {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"s\""}}, ""};
  });
  auto c = make_client(tmp);
  try {
    c.list_tags(registry.host(), "big");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTooLarge) << e.what();
  }
  try {
    c.list_tags(registry.host(), "deep");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnauthorized) << e.what();
    EXPECT_NE(std::string(e.what()).find("nested deeper"), std::string::npos) << e.what();
  }
}

TEST(RegistryClientOrigins, UploadLocationMustStayOnTheRegistryOrigin) {
  fs::TempDir tmp;
  const std::string token = "push-token-abcdef";
  HostileServer storage([](const SeenRequest& r) -> Reply {
    if (r.method == "PUT") return {201, {}, ""};
    return {404, {}, ""};
  });
  std::string location;
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.target.starts_with("/token"))
      return r.header("authorization") == basic() ? json("{\"access_token\":\"" + token + "\"}")
                                                  : Reply{401, {}, ""};
    if (r.header("authorization") != "Bearer " + token)
      return {401,
              {{"WWW-Authenticate",
                "Bearer realm=\"http://" + r.header("host") + "/token\",service=\"s\""}},
              ""};
    if (r.method == "POST") return {202, {{"Location", location}}, ""};
    if (r.method == "PUT") return {201, {}, ""};
    return {404, {}, ""};
  });
  auto c = make_client(tmp);
  client::Descriptor blob{"application/octet-stream", "sha256:" + std::string(64, '0'), 4};
  // Another origin (host, port or scheme), or no usable URL at all: refused, nothing sent.
  for (const std::string& elsewhere :
       {storage.origin() + "/bucket/u1?sig=signed", "//" + storage.host() + "/bucket/u1",
        "http://localhost:" + std::to_string(registry.port()) + "/v2/charts/demo/blobs/uploads/u",
        "https://" + registry.host() + "/v2/charts/demo/blobs/uploads/u",
        "http://user@" + registry.host() + "/v2/charts/demo/blobs/uploads/u"}) {
    location = elsewhere;
    try {
      c.upload_blob(registry.host(), "charts/demo", blob, {}, "data");
      ADD_FAILURE() << elsewhere;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kNetwork) << e.what();
    }
  }
  EXPECT_TRUE(storage.requests().empty());
  for (const SeenRequest& r : registry.requests()) EXPECT_NE(r.method, "PUT");
  // On the registry's own origin (relative, or absolute with its host) the upload proceeds
  // and carries the token.
  for (const std::string& here : {std::string("/v2/charts/demo/blobs/uploads/u1?state=x"),
                                  registry.origin() + "/v2/charts/demo/blobs/uploads/u2"}) {
    location = here;
    c.upload_blob(registry.host(), "charts/demo", blob, {}, "data");
    auto seen = registry.requests();
    EXPECT_EQ(seen.back().method, "PUT");
    EXPECT_NE(seen.back().target.find("digest=sha256%3A0000"), std::string::npos);
    EXPECT_EQ(seen.back().header("authorization"), "Bearer " + token);
    EXPECT_EQ(seen.back().body, "data");
  }
}

TEST(RegistryClientOrigins, TokenRedirectsAreCheckedHopByHop) {
  fs::TempDir tmp;
  HostileServer thief([](const SeenRequest&) { return json("{\"access_token\":\"stolen\"}"); });
  HostileServer registry([&](const SeenRequest& r) -> Reply {
    if (r.method == "POST" && r.target == "/token")  // same origin: followed
      return {307, {{"Location", "/token2"}}, ""};
    if (r.method == "POST")  // then away: the form (with the password) must not follow
      return {307, {{"Location", thief.origin() + "/token"}}, ""};
    if (r.target.starts_with("/token?")) return {302, {{"Location", "/token3?hop=1"}}, ""};
    if (r.target.starts_with("/token3"))
      return r.header("authorization") == basic() ? json("{\"token\":\"good\"}")
                                                  : Reply{401, {}, ""};
    if (r.header("authorization") == "Bearer good") return json("{}");
    return {401,
            {{"WWW-Authenticate",
              "Bearer realm=\"http://" + r.header("host") + "/token\",service=\"s\""}},
            ""};
  });
  auto c = make_client(tmp);
  // ping: the OAuth2 POST first — its redirect on the realm's origin is followed, the one to
  // another origin is refused — then the GET flow, whose redirect on the realm's origin keeps
  // the credentials and succeeds.
  client::Credential cred{kUser, kPassword, {}, {}};
  EXPECT_NO_THROW(c.ping(registry.host(), cred));
  std::vector<SeenRequest> token_requests;
  for (const SeenRequest& r : registry.requests())
    if (r.target.starts_with("/token")) token_requests.push_back(r);
  ASSERT_EQ(token_requests.size(), 4u);
  EXPECT_EQ(token_requests[0].method, "POST");
  EXPECT_EQ(token_requests[1].method, "POST");
  EXPECT_EQ(token_requests[1].target, "/token2");
  EXPECT_NE(token_requests[1].body.find("password="), std::string::npos);
  EXPECT_EQ(token_requests[3].method, "GET");
  EXPECT_EQ(token_requests[3].target, "/token3?hop=1");
  EXPECT_EQ(token_requests[3].header("authorization"), basic());
  expect_clean(thief, {kPassword, base64_encode(std::string(kUser) + ":" + kPassword)});
  EXPECT_TRUE(thief.requests().empty());

  // A GET realm redirecting to another service on this machine: refused before any request.
  HostileServer pivot([&](const SeenRequest& r) -> Reply {
    if (r.target.starts_with("/token")) return {302, {{"Location", thief.origin() + "/"}}, ""};
    return {401,
            {{"WWW-Authenticate",
              "Bearer realm=\"http://" + r.header("host") + "/token\",service=\"s\""}},
            ""};
  });
  try {
    c.list_tags(pivot.host(), "charts/demo");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("refusing token realm " + thief.origin()),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(thief.requests().empty());
}

}  // namespace
}  // namespace ch
