// Tests of client/origin.cpp: where the client's credentials may go. Origins parsed strictly,
// and URLs a registry hands back (Link pages, upload Locations, token realms) resolved and
// checked.
#include "client/origin.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "base/error.hpp"

namespace ch {
namespace {

using client::Origin;
using client::parse_origin;

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

}  // namespace
}  // namespace ch
