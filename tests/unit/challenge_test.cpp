// Tests of client/challenge.cpp: WWW-Authenticate challenges parsed in one bounded pass.
#include "client/challenge.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace ch {
namespace {

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

TEST(Challenge, ParamNamesAreCaseInsensitiveAndTheLastOneWins) {
  auto c = client::parse_challenge("  Bearer REALM=\"a\", Realm=\"b\",\tservice=s1 , service=s2");
  EXPECT_EQ(c.scheme, "bearer");
  EXPECT_EQ(c.params.size(), 2u);
  EXPECT_EQ(c.params["realm"], "b");
  EXPECT_EQ(c.params["service"], "s2");
  // Repeated names do not count against the parameter limit.
  std::string repeated = "Bearer ";
  for (int i = 0; i < 100; ++i) repeated += "realm=r" + std::to_string(i) + ",";
  repeated += "service=s";
  c = client::parse_challenge(repeated);
  EXPECT_EQ(c.params["realm"], "r99");
  EXPECT_EQ(c.params["service"], "s");
}

TEST(Challenge, ValuesAndSeparators) {
  // An empty token value, an empty quoted value, and a quoted value with commas and '='.
  auto c = client::parse_challenge("Bearer a=,b=\"\",c=\"x,y=z\",d=1");
  EXPECT_EQ(c.params["a"], "");
  EXPECT_EQ(c.params["b"], "");
  EXPECT_EQ(c.params["c"], "x,y=z");
  EXPECT_EQ(c.params["d"], "1");
  // A parameter without a comma before the next one ends the parse after it.
  c = client::parse_challenge("Bearer realm=\"r\" service=\"s\"");
  EXPECT_EQ(c.params.size(), 1u);
  EXPECT_EQ(c.params["realm"], "r");
  // A scheme alone, and a scheme followed by a non-token.
  EXPECT_EQ(client::parse_challenge("Basic").scheme, "basic");
  EXPECT_TRUE(client::parse_challenge("Basic").params.empty());
  c = client::parse_challenge("Basic ,realm=x");
  EXPECT_EQ(c.scheme, "basic");
  EXPECT_TRUE(c.params.empty());
  // A backslash at the very end of an unterminated quoted-string drops that parameter only.
  c = client::parse_challenge("Bearer service=s,realm=\"abc\\");
  EXPECT_EQ(c.params.count("realm"), 0u);
  EXPECT_EQ(c.params["service"], "s");
  // Exactly at the length bound: parsed.
  std::string edge = "Bearer realm=\"";
  edge += std::string(client::kMaxChallengeLength - edge.size() - 1, 'r') + "\"";
  ASSERT_EQ(edge.size(), client::kMaxChallengeLength);
  EXPECT_EQ(client::parse_challenge(edge).params["realm"].size(), client::kMaxChallengeLength - 15);
}

}  // namespace
}  // namespace ch
