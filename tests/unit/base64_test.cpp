// Tests of base/base64.cpp: standard (padded) and URL-safe (unpadded, JWS) base64.
#include "base/base64.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>

namespace ch {
namespace {

TEST(Base64, Rfc4648TestVectors) {
  // RFC 4648 §10.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded) << plain;
    EXPECT_EQ(base64_decode(encoded), plain) << encoded;
  }
  // The unpadded URL-safe form is the same text without '='.
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, AlphabetsDifferInTheLastTwoSymbols) {
  const std::string bytes = "\xfb\xff\xbf";  // 111110 111111 111110 111111
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64_decode("+/+/"), bytes);
  EXPECT_EQ(base64url_decode("-_-_"), bytes);
  EXPECT_EQ(base64_decode("-_-_"), std::nullopt);
  EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);
  EXPECT_EQ(base64_encode(std::string("\0\0\0", 3)), "AAAA");
}

TEST(Base64, StandardPaddingIsOptionalButNeverMisplaced) {
  EXPECT_EQ(base64_decode("Zg"), "f");
  EXPECT_EQ(base64_decode("Zm8"), "fo");
  for (const char* bad : {"Zg=", "Zg===", "Z===", "====", "=", "Zg==Zg==", "Zm8=Zm8=", "Z=g=",
                          "Zm9v=", "Zg==\n", " Zg==", "Zm 9v", "Z", "Zm9vY"})
    EXPECT_EQ(base64_decode(bad), std::nullopt) << bad;
}

TEST(Base64, UrlFormRefusesPaddingAndImpossibleLengths) {
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode(""), "");
  for (const char* bad : {"Zg==", "Zm8=", "Z", "Zm9vY", "Zm9v.", "Zm+v", "Zm/v"})
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << bad;
}

TEST(Base64, NonCanonicalTrailingBitsAreRefused) {
  // "QQ==" is "A"; "QR==" would be too if its low 4 bits were ignored (Go's non-strict
  // decoders accept it). One text decodes one way only.
  EXPECT_EQ(base64_decode("QQ=="), "A");
  EXPECT_EQ(base64_decode("QR=="), std::nullopt);
  EXPECT_EQ(base64_decode("QUI="), "AB");
  EXPECT_EQ(base64_decode("QUJ="), std::nullopt);
  EXPECT_EQ(base64url_decode("QUI"), "AB");
  EXPECT_EQ(base64url_decode("QUJ"), std::nullopt);
}

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t n = 0; n < 300; ++n) {
    std::string data(n, '\0');
    for (char& c : data) c = static_cast<char>(byte(rng));
    std::string std_text = base64_encode(data);
    std::string url_text = base64url_encode(data);
    EXPECT_EQ(std_text.size(), (n + 2) / 3 * 4);
    EXPECT_EQ(url_text.size(), (n * 4 + 2) / 3);
    EXPECT_EQ(url_text.find('='), std::string::npos);
    EXPECT_EQ(base64_decode(std_text), data) << n;
    EXPECT_EQ(base64url_decode(url_text), data) << n;
  }
}

}  // namespace
}  // namespace ch
