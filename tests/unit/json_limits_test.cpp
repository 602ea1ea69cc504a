// Tests of base/json_limits.cpp: untrusted JSON parsed after a linear nesting-depth check.
#include "base/json_limits.hpp"

#include <gtest/gtest.h>

#include <string>

#include "base/error.hpp"

namespace ch {
namespace {

std::string nested(size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(JsonLimits, DepthCountsArraysAndObjectsUpToTheLimit) {
  EXPECT_TRUE(json_depth_within("1", 0));
  EXPECT_TRUE(json_depth_within("", 0));
  EXPECT_FALSE(json_depth_within("[]", 0));
  EXPECT_TRUE(json_depth_within("[]", 1));
  EXPECT_TRUE(json_depth_within(nested(64)));
  EXPECT_FALSE(json_depth_within(nested(65)));
  EXPECT_EQ(kMaxJsonDepth, 64u);
  EXPECT_TRUE(json_depth_within(R"({"a":{"b":[1,{"c":[]}]}})", 5));
  EXPECT_FALSE(json_depth_within(R"({"a":{"b":[1,{"c":[]}]}})", 4));
  // Siblings do not add up: depth is the deepest point.
  EXPECT_TRUE(json_depth_within("[[1],[2],[3],{\"a\":[4]}]", 3));
  EXPECT_FALSE(json_depth_within("[[1],[2],[3],{\"a\":[4]}]", 2));
}

TEST(JsonLimits, BracketsInsideStringsAreText) {
  EXPECT_TRUE(json_depth_within(R"(["[[[[{{{{"])", 1));
  // An escaped quote does not end the string; an escaped backslash does not escape the quote.
  EXPECT_TRUE(json_depth_within(R"(["\"[[[["])", 1));
  EXPECT_FALSE(json_depth_within(R"(["\\"[[[["])", 1));
  EXPECT_TRUE(json_depth_within(R"({"k\\":"v"})", 1));
  // A string running to the end (malformed) hides what follows; a backslash at the very end is
  // harmless.
  EXPECT_TRUE(json_depth_within("[\"" + nested(100), 1));
  EXPECT_TRUE(json_depth_within("[\"\\", 1));
}

TEST(JsonLimits, StrayClosersDoNotBuyDepth) {
  // "]]]" before the openers cannot lower the count below zero to allow deeper nesting later.
  EXPECT_FALSE(json_depth_within("]]]]" + nested(3), 2));
  EXPECT_TRUE(json_depth_within("]]]]" + nested(2), 2));
}

TEST(JsonLimits, ParseRefusesDeepAndMalformedText) {
  EXPECT_EQ(parse_untrusted_json(R"({"b":1,"a":[true,null]})")["a"][0], true);
  try {
    parse_untrusted_json(nested(65));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(std::string(e.what()), "invalid JSON: nested deeper than 64 levels");
  }
  EXPECT_NO_THROW(parse_untrusted_json(nested(64)));
  try {
    parse_untrusted_json(nested(3), 2);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "invalid JSON: nested deeper than 2 levels");
  }
  for (const char* bad : {"", "{", "[1,]", "{\"a\":}", "nul", "1 2", "{\"a\":1}x"}) {
    try {
      parse_untrusted_json(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(std::string(e.what()).rfind("invalid JSON: ", 0), 0u) << e.what();
    }
  }
}

TEST(JsonLimits, OrderedParseKeepsKeyOrder) {
  auto j = parse_untrusted_ordered_json(R"({"z":1,"a":2,"m":{"y":1,"b":2}})");
  EXPECT_EQ(j.dump(), R"({"z":1,"a":2,"m":{"y":1,"b":2}})");
  EXPECT_EQ(parse_untrusted_json(R"({"z":1,"a":2})").dump(), R"({"a":2,"z":1})");
  EXPECT_THROW(parse_untrusted_ordered_json(nested(65, '{', '}')), Error);
}

}  // namespace
}  // namespace ch
