// Tests of oci/reference.cpp: oci:// references as Helm parses and prints them, the
// repository and tag grammars (against the spec's regular expressions), tag <-> version.
#include "oci/reference.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>

#include "base/error.hpp"
#include "unit_helpers.hpp"

namespace ch {
namespace {

using testing::random_string;

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(OciReference, ParsesHelmForms) {
  auto r = oci::Reference::parse("oci://localhost:5000/charts/my-app:1.0.0+build.1");
  EXPECT_EQ(r.registry, "localhost:5000");
  EXPECT_EQ(r.repository, "charts/my-app");
  EXPECT_EQ(r.tag, "1.0.0_build.1");
  EXPECT_EQ(r.str(), "localhost:5000/charts/my-app:1.0.0_build.1");

  auto d = oci::Reference::parse("oci://ghcr.io/org/chart@" + kDigest);
  EXPECT_EQ(d.tag, "");
  EXPECT_EQ(d.digest, kDigest);
  EXPECT_EQ(d.str(), "ghcr.io/org/chart@" + kDigest);

  auto both = oci::Reference::parse("ghcr.io/org/chart:2.0.0@" + kDigest);
  EXPECT_EQ(both.tag, "2.0.0");
  EXPECT_EQ(both.str(), "ghcr.io/org/chart:2.0.0");  // digest is dropped from the printed form
}

TEST(OciReference, RejectsInvalid) {
  for (std::string bad :
       {"oci://localhost:5000", "oci://host/Upper/Case", "oci://host/repo:bad+tag!",
        "oci://host/repo@sha256:abc", "oci:///repo", "oci://host/-repo"}) {
    EXPECT_THROW(oci::Reference::parse(bad), Error) << bad;
  }
}

TEST(OciReference, TagVersionMapping) {
  EXPECT_EQ(oci::version_to_tag("1.2.3+build.5"), "1.2.3_build.5");
  EXPECT_EQ(oci::tag_to_version("1.2.3_build.5"), "1.2.3+build.5");
  EXPECT_TRUE(oci::valid_tag("1.2.3_build.5"));
  EXPECT_FALSE(oci::valid_tag("1.2.3+build.5"));
  EXPECT_FALSE(oci::valid_tag(".hidden"));
  EXPECT_FALSE(oci::valid_tag(std::string(129, 'a')));
}

TEST(ReferenceGrammar, RepositoryMatcherAgreesWithTheSpecRegex) {
  const std::regex spec(
      "^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$");
  std::mt19937 rng(42);
  int valid = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s = random_string(rng, "a0._-/A!", 12);
    bool expected = std::regex_match(s, spec);
    ASSERT_EQ(oci::valid_repository(s), expected) << "\"" << s << "\"";
    valid += expected;
  }
  EXPECT_GT(valid, 1000);  // the generator reaches both answers
  EXPECT_TRUE(oci::valid_repository("team/charts/my-app__x.y--z"));
  EXPECT_FALSE(oci::valid_repository(std::string(256, 'a')));  // over distribution's limit
  EXPECT_TRUE(oci::valid_repository(std::string(255, 'a')));
}

TEST(ReferenceGrammar, TagMatcherAgreesWithTheSpecRegex) {
  const std::regex spec("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) {
    std::string s = random_string(rng, "aZ9_.-+!", 10);
    ASSERT_EQ(oci::valid_tag(s), std::regex_match(s, spec)) << "\"" << s << "\"";
  }
  EXPECT_TRUE(oci::valid_tag(std::string(128, 'v')));
  EXPECT_FALSE(oci::valid_tag(std::string(129, 'v')));
}

TEST(ReferenceGrammar, PathologicalNamesAreAnsweredAtOnce) {
  // 2^n backtracking for the old regex; one pass now. A stall would hang the test.
  for (size_t n : {22u, 40u, 200u, 100000u}) {
    EXPECT_FALSE(oci::valid_repository(std::string(n, 'a') + "!"));
    EXPECT_FALSE(oci::valid_repository(std::string(n / 2, 'a') + std::string(n / 2, '-') + "!"));
  }
  EXPECT_THROW(oci::Reference::parse("oci://h/" + std::string(34, 'a') + "!"), Error);
}

// The message of the Error Reference::parse throws for `text`, or "" when it parses.
std::string parse_error(const std::string& text) {
  try {
    oci::Reference::parse(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

TEST(OciReference, SchemeIsOptionalAndTheRegistryIsEverythingBeforeTheFirstSlash) {
  auto r = oci::Reference::parse("registry.example.com:443/a/b/c");
  EXPECT_EQ(r.registry, "registry.example.com:443");
  EXPECT_EQ(r.repository, "a/b/c");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.digest, "");
  EXPECT_EQ(r.str(), "registry.example.com:443/a/b/c");  // neither tag nor digest
  // The last ':' of the path starts the tag; the registry's port is not one.
  auto t = oci::Reference::parse("oci://localhost:5000/app:v1.2-rc_1");
  EXPECT_EQ(t.registry, "localhost:5000");
  EXPECT_EQ(t.repository, "app");
  EXPECT_EQ(t.tag, "v1.2-rc_1");
  EXPECT_EQ(oci::Reference::parse(t.str()).str(), t.str());  // printing round-trips
  // Only a leading "oci://" is a scheme.
  EXPECT_NE(parse_error("https://host/repo"), "");
}

TEST(OciReference, ErrorsNameTheInvalidPart) {
  EXPECT_EQ(parse_error("oci://host/Repo:1.0.0"),
            "invalid reference: invalid repository \"Repo\": \"oci://host/Repo:1.0.0\"");
  EXPECT_EQ(parse_error("oci://host/repo:-1"),
            "invalid reference: invalid tag \"-1\": \"oci://host/repo:-1\"");
  EXPECT_EQ(parse_error("oci://host/repo@sha256:12"),
            "invalid reference: invalid digest \"sha256:12\": \"oci://host/repo@sha256:12\"");
  EXPECT_EQ(parse_error("oci://host/repo@"),
            "invalid reference: invalid digest \"\": \"oci://host/repo@\"");
  EXPECT_EQ(parse_error("host"), "invalid reference: missing registry or repository: \"host\"");
  EXPECT_EQ(parse_error("host/"), "invalid reference: missing registry or repository: \"host/\"");
  EXPECT_EQ(parse_error("/repo"), "invalid reference: missing registry or repository: \"/repo\"");
  EXPECT_EQ(parse_error("oci://host/" + std::string(256, 'a'))
                .rfind("invalid reference: "
                       "invalid repository",
                       0),
            0u);
  EXPECT_EQ(parse_error("oci://host/" + std::string(255, 'a')), "");
}

TEST(OciReference, VersionsWithBuildMetadataRoundTripThroughTags) {
  for (std::string v : {"1.0.0", "1.0.0+1", "0.1.0-rc.1+build.5.sha.abc", "2.0.0+a+b"}) {
    EXPECT_EQ(oci::tag_to_version(oci::version_to_tag(v)), v) << v;
    EXPECT_EQ(oci::version_to_tag(v).find('+'), std::string::npos) << v;
    EXPECT_TRUE(oci::valid_tag(oci::version_to_tag(v))) << v;
  }
  // A tag parsed with '+' is kept in its '_' form.
  EXPECT_EQ(oci::Reference::parse("h/r:1.0.0+x").tag, "1.0.0_x");
}

TEST(ReferenceGrammar, RepositoryComponentsAndSeparators) {
  for (const char* ok : {"a", "a/b", "a0/b1/c2", "a.b", "a_b", "a__b", "a-b", "a---b", "a.b_c-d",
                         "0", "library/nginx"})
    EXPECT_TRUE(oci::valid_repository(ok)) << ok;
  for (const char* bad : {"",   "A",  "a/B", "a/", "/a", "a//b", "a..b", "a___b", "a._b", "a.-b",
                          "-a", "a-", "_a",  "a_", ".a", "a.",   "a b",  "a:b",   "a@b",  "a/./b"})
    EXPECT_FALSE(oci::valid_repository(bad)) << bad;
}

TEST(ReferenceGrammar, TagFirstCharacterAndAlphabet) {
  for (const char* ok : {"a", "A", "0", "_", "_x", "1.0.0", "1.0.0_build.1", "v1-rc.2", "LATEST"})
    EXPECT_TRUE(oci::valid_tag(ok)) << ok;
  for (const char* bad : {"", ".a", "-a", "a+b", "a/b", "a:b", "a b", "a@b", "\xc3\xa9"})
    EXPECT_FALSE(oci::valid_tag(bad)) << bad;
}

}  // namespace
}  // namespace ch
