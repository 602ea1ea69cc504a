// Tests of base/random.cpp: the shapes of the strings and that they differ from call to call.
#include "base/random.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ch {
namespace {

bool lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(Random, HexHasTwoCharactersPerByteAndRepeatsNothing) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string h = random_hex(16);
    EXPECT_EQ(h.size(), 32u);
    EXPECT_TRUE(lower_hex(h)) << h;
    EXPECT_TRUE(seen.insert(h).second) << h;
  }
  EXPECT_EQ(random_hex(0), "");
}

TEST(Random, UuidIsVersion4InHyphenatedForm) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = random_uuid();
    ASSERT_EQ(u.size(), 36u) << u;
    for (size_t at : {8u, 13u, 18u, 23u}) EXPECT_EQ(u[at], '-') << u;
    EXPECT_EQ(u[14], '4') << u;                                          // version
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;  // variant
    std::string digits = u;
    std::erase(digits, '-');
    EXPECT_TRUE(lower_hex(digits)) << u;
    EXPECT_TRUE(seen.insert(u).second) << u;
  }
}

TEST(Random, TempSuffixHasTheAskedLength) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string s = temp_suffix(12);
    EXPECT_EQ(s.size(), 12u);
    EXPECT_TRUE(lower_hex(s)) << s;
    seen.insert(s);
  }
  EXPECT_GT(seen.size(), 990u);
}

}  // namespace
}  // namespace ch
