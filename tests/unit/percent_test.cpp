// Tests of base/percent.cpp: percent-encoding of URL query values and form bodies (RFC 3986).
#include "base/percent.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ch {
namespace {

TEST(PercentEncode, UnreservedStayAndTheRestBecomesUpperHex) {
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percent_encode("repository:a/b:pull,push"), "repository%3Aa%2Fb%3Apull%2Cpush");
  EXPECT_EQ(percent_encode("p@ss word&=\xff"), "p%40ss%20word%26%3D%FF");
  EXPECT_EQ(percent_encode("application/vnd.oci+json", "/"), "application/vnd.oci%2Bjson");
}

TEST(PercentEncode, EveryByteOutsideTheUnreservedSetIsEscaped) {
  // RFC 3986 §2.3: exactly ALPHA / DIGIT / "-" / "." / "_" / "~" stay as they are.
  auto unreserved = [](int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  };
  static const char* kHex = "0123456789ABCDEF";
  int kept = 0;
  for (int c = 0; c < 256; ++c) {
    std::string in(1, static_cast<char>(c));
    std::string want = unreserved(c) ? in : std::string{'%', kHex[c >> 4], kHex[c & 15]};
    EXPECT_EQ(percent_encode(in), want) << "byte " << c;
    kept += unreserved(c) ? 1 : 0;
  }
  EXPECT_EQ(kept, 66);
  EXPECT_EQ(percent_encode(std::string("a\0b", 3)), "a%00b");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentEncode, KeptCharactersStayAsTheyAre) {
  EXPECT_EQ(percent_encode("a/b:c d", "/:"), "a/b:c%20d");
  EXPECT_EQ(percent_encode("100%", "%"), "100%");
  EXPECT_EQ(percent_encode("a+b", "/"), "a%2Bb");
  // Multi-byte UTF-8 is escaped byte by byte.
  EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");
}

}  // namespace
}  // namespace ch
