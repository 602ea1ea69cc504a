// Tests of base/digest.cpp: sha256/sha512 digests, their parsing, and verifying sinks.
#include "base/digest.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"

namespace ch {
namespace {

const char* kEmpty256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const char* kAbc256 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const char* kAbc512 =
    "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c"
    "23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

TEST(Digest, KnownVectors) {
  EXPECT_EQ(digest_of("").str(), kEmpty256);
  EXPECT_EQ(digest_of("abc").str(), kAbc256);
  EXPECT_EQ(digest_of("abc", DigestAlgorithm::kSha512).str(), kAbc512);
}

TEST(Digest, IncrementalEqualsOneShot) {
  Hasher h;
  h.update("a");
  h.update("");
  h.update("bc");
  EXPECT_EQ(h.bytes(), 3u);
  EXPECT_EQ(h.finish().str(), kAbc256);
}

TEST(Digest, ParseRoundTrip) {
  EXPECT_EQ(Digest::parse(kAbc256).str(), kAbc256);
  EXPECT_EQ(Digest::parse(kAbc512).algorithm, DigestAlgorithm::kSha512);
}

TEST(Digest, ParseRejectsMalformed) {
  std::string good_hex = std::string(kAbc256).substr(7);
  const std::vector<std::string> bad = {
      "",
      "sha256",
      "sha256:",
      good_hex,                                // no algorithm
      "sha256:" + good_hex.substr(1),          // 63 chars
      "sha256:" + good_hex + "0",              // 65 chars
      "SHA256:" + good_hex,                    // upper-case algorithm
      "sha256:" + std::string(64, 'A'),        // upper-case hex
      "sha256:" + std::string(63, 'a') + "g",  // not hex
      "md5:d41d8cd98f00b204e9800998ecf8427e",  // unsupported algorithm
      "sha512:" + good_hex,                    // sha512 needs 128
      "sha256:" + good_hex + "\n",
  };
  for (const auto& b : bad) {
    EXPECT_FALSE(Digest::is_valid(b)) << b;
    EXPECT_THROW(Digest::parse(b), Error) << b;
  }
}

TEST(Digest, ErrorMessagesSayWhatIsWrong) {
  try {
    Digest::parse("sha256:" + std::string(10, 'a'));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("64 hex characters"), std::string::npos) << e.what();
  }
}

TEST(Digest, FileAndStream) {
  fs::TempDir dir;
  auto p = dir.path() / "f";
  std::string big(1 << 20, 'x');
  testing::write(p, big);
  EXPECT_EQ(digest_of_file(p), digest_of(big));
  std::istringstream in(big);
  EXPECT_EQ(digest_of_stream(in), digest_of(big));
  EXPECT_NO_THROW(verify_file(p, digest_of(big)));
  EXPECT_THROW(verify_file(p, digest_of("other")), Error);
}

TEST(VerifyingSink, PassesContentAndVerifies) {
  std::string got;
  VerifyingSink v(
      Digest::parse(kAbc256), [&](std::string_view c) { got.append(c); }, 3);
  v.write("ab");
  v.write("c");
  EXPECT_NO_THROW(v.finish());
  EXPECT_EQ(got, "abc");
}

TEST(VerifyingSink, RejectsMismatchShortAndLong) {
  {
    VerifyingSink v(Digest::parse(kAbc256), nullptr);
    v.write("abd");
    try {
      v.finish();
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kDigestMismatch);
    }
  }
  {
    VerifyingSink v(Digest::parse(kAbc256), nullptr, 3);
    v.write("ab");
    EXPECT_THROW(v.finish(), Error);
  }
  {
    VerifyingSink v(Digest::parse(kAbc256), nullptr, 3);
    EXPECT_THROW(v.write("abcd"), Error);
  }
}

}  // namespace
}  // namespace ch
