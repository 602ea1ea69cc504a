// Tests of client/registry_client.cpp: its words for registry errors (oras-go's), and the
// registry client against hostile loopback servers: Basic credentials and bearer tokens reach
// only the registry's origin (and credentials its token realm), never a Link page or upload
// Location elsewhere, nor a token endpoint's redirect; Link chains, listings, token answers
// and response headers are all bounded.
#include "client/registry_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "base/base64.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "hostile_server.hpp"

namespace ch {
namespace {

using testing::HostileServer;
using testing::Reply;
using testing::SeenRequest;

// oras-go v2's (Helm 4's) text for an unexpected status, the error detail printed as Go's %v
// prints the decoded JSON.
std::string status_text(long status, const std::string& body) {
  client::Request request;
  request.url = "http://r.example/v2/x/tags/list";
  client::Response response;
  response.status = status;
  response.body = body;
  try {
    client::throw_status(request, response);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StatusWords, RegistryErrorsAsOrasGoPrintsThem) {
  const std::string prefix = "GET \"http://r.example/v2/x/tags/list\": response status code ";
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name )"
                             R"(not known to registry","detail":{"name":"charts/nothing"}}]})"),
            prefix +
                "404: name unknown: repository name not known to registry: "
                "map[name:charts/nothing]");
  // No detail, a null detail, or no message: no ": detail" part.
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"gone"}]})"),
            prefix + "404: manifest unknown: gone");
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"X","message":"m","detail":null}]})"),
            prefix + "404: x: m");
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"X","detail":{"a":1}}]})"), prefix + "404: x");
  // Go's %v of decoded JSON: sorted map keys, arrays spaced, float64 numbers, <nil>.
  EXPECT_EQ(
      status_text(401,
                  R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required",)"
                  R"("detail":[{"Type":"repository","Name":"a/b","Action":"pull","Class":""}]}]})"),
      prefix +
          "401: unauthorized: authentication required: "
          "[map[Action:pull Class: Name:a/b Type:repository]]");
  EXPECT_EQ(
      status_text(400, R"({"errors":[{"code":"C","message":"m","detail":)"
                       R"({"n":[1,1.5,123456,1000000,1234567,0.0001,0.00001,-2,true,null]}}]})"),
      prefix +
          "400: c: m: map[n:[1 1.5 123456 1e+06 1.234567e+06 0.0001 1e-05 -2 true "
          "<nil>]]");
  EXPECT_EQ(status_text(400, R"({"errors":[{"code":"C","message":"m","detail":"text"},)"
                             R"({"code":"D","message":"n"}]})"),
            prefix + "400: c: m: text; d: n");
  // Not JSON: the status text.
  EXPECT_EQ(status_text(404, "<html>"), prefix + "404: Not Found");
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
