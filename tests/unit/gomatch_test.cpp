// Tests of gocompat/gomatch.cpp: Go's path.Match, row by row.
#include "gocompat/gomatch.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace ch {
namespace {

struct MatchCase {
  const char* pattern;
  const char* name;
  bool match;
  bool bad;
};

// Cases follow Go's path/filepath Match semantics (its own test table).
const MatchCase kCases[] = {
    {"abc", "abc", true, false},
    {"*", "abc", true, false},
    {"*c", "abc", true, false},
    {"a*", "a", true, false},
    {"a*", "abc", true, false},
    {"a*", "ab/c", false, false},
    {"a*/b", "abc/b", true, false},
    {"a*/b", "a/c/b", false, false},
    {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false},
    {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false},
    {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
    {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
    {"ab[c]", "abc", true, false},
    {"ab[b-d]", "abc", true, false},
    {"ab[e-g]", "abc", false, false},
    {"ab[^c]", "abc", false, false},
    {"ab[^b-d]", "abc", false, false},
    {"ab[^e-g]", "abc", true, false},
    {"a\\*b", "a*b", true, false},
    {"a\\*b", "ab", false, false},
    {"a?b",
     "a\xe2\x98\xba"
     "b",
     true, false},
    {"a[^a]b",
     "a\xe2\x98\xba"
     "b",
     true, false},
    {"a???b",
     "a\xe2\x98\xba"
     "b",
     false, false},
    {"*x", "xxx", true, false},
    {"?", "/", false, false},
    {"*", "a/b", false, false},
    {".?*", ".git", true, false},
    {".?*", ".", false, false},
    {"a[", "a", false, true},
    {"a[", "x", false, true},
    {"[]a]", "]", false, true},
    {"[-]", "-", false, true},
    {"[x-]", "x", false, true},
    {"[a-b-c]", "a", false, true},
    {"[", "a", false, true},
    {"[^", "a", false, true},
    {"[^bc", "a", false, true},
    {"a\\", "a", false, true},
    {"*x\\", "xxx", false, true},
};

TEST(GoMatch, Table) {
  for (const auto& c : kCases) {
    if (c.bad) {
      EXPECT_FALSE(go_pattern_valid(c.pattern)) << c.pattern;
      EXPECT_THROW(go_match(c.pattern, c.name), Error) << c.pattern << " " << c.name;
    } else {
      EXPECT_TRUE(go_pattern_valid(c.pattern)) << c.pattern;
      EXPECT_EQ(go_match(c.pattern, c.name), c.match) << c.pattern << " vs " << c.name;
    }
  }
}

}  // namespace
}  // namespace ch
