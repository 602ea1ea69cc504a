// Tests of server/http/url.cpp: request targets and queries percent-decoded as Go's net/url.
#include "server/http/url.hpp"

#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <optional>
#include <string>

namespace ch::server::http {
namespace {

TEST(RegistryHttpUrl, DecodesPathsAndQueries) {
  EXPECT_EQ(percent_decode("a%20b+c%2F", false), "a b+c/");
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("%zz", false), std::nullopt);
  EXPECT_EQ(percent_decode("ab%4", false), std::nullopt);

  auto t = parse_target("/v2/my%20repo/tags/list?n=10&last=a+b%2Bc&flag&x=1&x=2&bad=%zz&&");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/v2/my repo/tags/list");
  std::multimap<std::string, std::string> want{
      {"n", "10"}, {"last", "a b+c"}, {"flag", ""}, {"x", "1"}, {"x", "2"}};
  EXPECT_EQ(t->query, want);

  auto abs = parse_target("http://example.com:5000/v2/?a=1");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->path, "/v2/");
  EXPECT_EQ(abs->query.count("a"), 1u);
  EXPECT_EQ(parse_target("/a%zz"), std::nullopt);
  EXPECT_EQ(parse_target("/a%00b"), std::nullopt);
  EXPECT_EQ(parse_target("relative"), std::nullopt);
}

TEST(RegistryHttpUrl, FormBodiesDecodeAsQueries) {
  // What `/token` receives from an OAuth2 client (Docker, Helm 3): '+' and %XX decoded,
  // empty pairs skipped, pairs with a bad escape dropped as Go's url.ParseQuery does.
  std::multimap<std::string, std::string> want{{"grant_type", "password"},
                                               {"username", "al ice"},
                                               {"password", "p&ss=w+rd"},
                                               {"scope", "repository:a/b:pull"},
                                               {"empty", ""}};
  EXPECT_EQ(parse_query("grant_type=password&username=al+ice&password=p%26ss%3Dw%2Brd&&"
                        "scope=repository%3Aa%2Fb%3Apull&empty&bad=%g1"),
            want);
  EXPECT_TRUE(parse_query("").empty());
}

TEST(RegistryHttpUrl, PercentDecodingEdges) {
  EXPECT_EQ(percent_decode("%41%62%7e%7E", false), "Ab~~");
  EXPECT_EQ(percent_decode("%", false), std::nullopt);
  EXPECT_EQ(percent_decode("%4", false), std::nullopt);
  EXPECT_EQ(percent_decode("%4g", false), std::nullopt);
  EXPECT_EQ(percent_decode("%g4", false), std::nullopt);
  EXPECT_EQ(percent_decode("a%", false), std::nullopt);
  EXPECT_EQ(percent_decode("%25", false), "%");  // decoded once only
  EXPECT_EQ(percent_decode("%2525", false), "%25");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(percent_decode("%ff%C3%a9", false), "\xff\xc3\xa9");
  EXPECT_EQ(percent_decode("+%2B+", true), " + ");
  EXPECT_EQ(percent_decode("", true), "");
}

TEST(RegistryHttpUrl, TargetForms) {
  auto star = parse_target("*");
  ASSERT_TRUE(star);
  EXPECT_EQ(star->path, "*");
  EXPECT_TRUE(star->query.empty());
  // Absolute form: the scheme is case-insensitive, the authority is dropped.
  auto abs = parse_target("HTTPS://h.example/a%2Fb?x=%41");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->path, "/a/b");
  EXPECT_EQ(abs->query.find("x")->second, "A");
  auto bare = parse_target("http://h.example");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->path, "/");
  EXPECT_EQ(parse_target("http://h.example?x=1"), std::nullopt);
  EXPECT_EQ(parse_target(""), std::nullopt);
  EXPECT_EQ(parse_target("ftp://h/x"), std::nullopt);
  // A query with only separators, and '+' in a path (not a space there).
  auto t = parse_target("/a+b?&&");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/a+b");
  EXPECT_TRUE(t->query.empty());
  // '?' inside the query is data; the first '?' splits.
  t = parse_target("/p?q=a?b=c");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->query.find("q")->second, "a?b=c");
}

TEST(RegistryHttpUrl, QueryPairsKeepOrderAndDropBadEscapes) {
  auto q = parse_query("b=2&a=1&b=1&=empty-key&k%zz=v&ok=%41%zz&plain");
  std::multimap<std::string, std::string> want{
      {"b", "2"}, {"a", "1"}, {"b", "1"}, {"", "empty-key"}, {"plain", ""}};
  EXPECT_EQ(q, want);
  auto [first, last] = q.equal_range("b");
  ASSERT_NE(first, last);
  EXPECT_EQ(first->second, "2");  // insertion order among equal keys
  EXPECT_EQ(std::next(first)->second, "1");
  EXPECT_EQ(parse_query("a==b").find("a")->second, "=b");
}

}  // namespace
}  // namespace ch::server::http
