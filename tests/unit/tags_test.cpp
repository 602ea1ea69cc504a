// Tests of cosign/tags.cpp: the tags signatures and attachments hang under.
#include "cosign/tags.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.hpp"
#include "cosign_test_fixtures.hpp"

namespace ch::cosign {
namespace {

using namespace test_support;

TEST(SignatureTags, NameTheDigestTheyHangUnder) {
  std::string hex(kChartDigest.substr(7));
  EXPECT_EQ(signature_tag(kChartDigest), "sha256-" + hex + ".sig");
  EXPECT_EQ(referrers_tag(kChartDigest), "sha256-" + hex);
  EXPECT_THROW(signature_tag("latest"), Error);
  EXPECT_THROW(signature_tag("sha512:" + std::string(128, 'a')), Error);
  EXPECT_THROW(referrers_tag("sha256:abc"), Error);
  for (const char* suffix : {"", ".sig", ".att", ".sbom"})
    EXPECT_EQ(attachment_subject("sha256-" + hex + suffix), kChartDigest) << suffix;
  for (const std::string& tag :
       std::vector<std::string>{"latest", "1.0.0", "sha256-" + hex + ".sig2", "sha256-" + hex + "x",
                                "sha256-" + hex.substr(1), "sha512-" + hex,
                                "sha256-" + std::string(63, 'a') + "A", "sha256:" + hex, ""}) {
    EXPECT_EQ(attachment_subject(tag), "") << tag;
  }
}

}  // namespace
}  // namespace ch::cosign
