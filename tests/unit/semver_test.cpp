// Tests of gocompat/semver.cpp: every expected value is what Masterminds/semver v3.3.0 (used by
// Helm 3.17) does; many rows come from its own version_test.go and constraints_test.go tables.
#include "gocompat/semver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace ch::semver {
namespace {

// Parsing. `lenient` and `strict` are either the canonical str() of the parsed version or, after
// a '!', the error message.
struct ParseCase {
  const char* text;
  const char* lenient;
  const char* strict;
};

const ParseCase kParseCases[] = {
    // Plain versions.
    {"1.2.3", "1.2.3", "1.2.3"},
    {"0.0.0", "0.0.0", "0.0.0"},
    {"10.20.30", "10.20.30", "10.20.30"},
    {"1.2.3-alpha.1", "1.2.3-alpha.1", "1.2.3-alpha.1"},
    {"1.2.3+build.5", "1.2.3+build.5", "1.2.3+build.5"},
    {"1.2.3-beta.1+build.5", "1.2.3-beta.1+build.5", "1.2.3-beta.1+build.5"},
    {"1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"},
    {"1.2.0-x.Y.0+metadata-width-hypen", "1.2.0-x.Y.0+metadata-width-hypen",
     "1.2.0-x.Y.0+metadata-width-hypen"},
    {"1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"},
    {"1.2.3-alpha.-1", "1.2.3-alpha.-1", "1.2.3-alpha.-1"},
    {"1.2.3--", "1.2.3--", "1.2.3--"},
    {"1.2.3+meta-1", "1.2.3+meta-1", "1.2.3+meta-1"},
    // "v" prefix: lenient only, lower case only.
    {"v1.2.3", "1.2.3", "!Invalid characters in version"},
    {"v1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata", "!Invalid characters in version"},
    {"V1.2.3", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"vv1.2.3", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"v", "!Invalid Semantic Version", "!Invalid Semantic Version"},
    // Short forms: lenient fills in zeros, strict wants three parts.
    {"1.0", "1.0.0", "!Invalid Semantic Version"},
    {"v1.0", "1.0.0", "!Invalid Semantic Version"},
    {"1.2", "1.2.0", "!Invalid Semantic Version"},
    {"1", "1.0.0", "!Invalid Semantic Version"},
    {"v1", "1.0.0", "!Invalid Semantic Version"},
    {"1.2-5", "1.2.0-5", "!Invalid Semantic Version"},
    {"1.2-beta.5", "1.2.0-beta.5", "!Invalid characters in version"},
    {"1-beta", "1.0.0-beta", "!Invalid Semantic Version"},
    {"1.2+meta", "1.2.0+meta", "!Invalid Semantic Version"},
    {"20221209-update-renovatejson-v4", "20221209.0.0-update-renovatejson-v4",
     "!Invalid Semantic Version"},
    // Leading zeros: lenient reads them as numbers, strict refuses them.
    {"01.2.3", "1.2.3", "!Version segment starts with 0"},
    {"1.02.3", "1.2.3", "!Version segment starts with 0"},
    {"1.2.03", "1.2.3", "!Version segment starts with 0"},
    {"00.0.0", "0.0.0", "!Version segment starts with 0"},
    // Prerelease numeric identifiers must not have leading zeros; build metadata may.
    {"1.2.3-alpha.01", "!Version segment starts with 0", "!Version segment starts with 0"},
    {"1.2.3-00", "!Version segment starts with 0", "!Version segment starts with 0"},
    {"1.2.3-0", "1.2.3-0", "1.2.3-0"},
    {"1.2.3-0a", "1.2.3-0a", "1.2.3-0a"},
    {"1.2.3+test.01", "1.2.3+test.01", "1.2.3+test.01"},
    // Empty identifiers: the lenient expression refuses them, but v3.3.0's strict parser lets
    // them through (fixed in v3.3.1).
    {"1.2.3-", "!Invalid Semantic Version", "1.2.3"},
    {"1.2.3+", "!Invalid Semantic Version", "1.2.3"},
    {"1.2.3-+", "!Invalid Semantic Version", "1.2.3"},
    {"1.2.3-a..b", "!Invalid Semantic Version", "1.2.3-a..b"},
    {"1.2.3+a..b", "!Invalid Semantic Version", "1.2.3+a..b"},
    // Bad characters and shapes.
    {"", "!Invalid Semantic Version", "!Version string empty"},
    {"foo", "!Invalid Semantic Version", "!Invalid Semantic Version"},
    {"1.2.beta", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"1.2.3.4", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"12.3.4.1234", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"1..3", "!Invalid Semantic Version", "!strconv.ParseUint: parsing \"\": invalid syntax"},
    {"1.2.", "!Invalid Semantic Version", "!strconv.ParseUint: parsing \"\": invalid syntax"},
    {"1.2.x", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"\n1.2", "!Invalid Semantic Version", "!Invalid Semantic Version"},
    {" 1.2.3", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"1.2.3 ", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"1.2.3\n", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"1.2.3_meta", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"1.2.3+a+b", "!Invalid Semantic Version", "!Invalid Metadata string"},
    {"1.2.3+a_b", "!Invalid Semantic Version", "!Invalid Metadata string"},
    {"1.2.3-a_b", "!Invalid Semantic Version", "!Invalid Prerelease string"},
    {"1.2.3-\xce\xb1", "!Invalid Semantic Version", "!Invalid Prerelease string"},
    {"-1.2.3", "!Invalid Semantic Version", "!Invalid characters in version"},
    {"+1.2.3", "!Invalid Semantic Version", "!Invalid characters in version"},
    // Huge numbers: uint64 holds them up to 18446744073709551615.
    {"1.2.2147483648", "1.2.2147483648", "1.2.2147483648"},
    {"18446744073709551615.0.0", "18446744073709551615.0.0", "18446744073709551615.0.0"},
    {"18446744073709551616.0.0",
     "!Error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value "
     "out of range",
     "!strconv.ParseUint: parsing \"18446744073709551616\": value out of range"},
    {"1.99999999999999999999",
     "!Error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value "
     "out of range",
     "!Invalid Semantic Version"},
    {"1.2.3-99999999999999999999", "1.2.3-99999999999999999999", "1.2.3-99999999999999999999"},
};

void expect_parse(const char* text, const char* want, bool strict) {
  SCOPED_TRACE(std::string(strict ? "strict " : "lenient ") + "\"" + text + "\"");
  std::optional<Version> got = strict ? Version::try_parse_strict(text) : Version::try_parse(text);
  if (want[0] == '!') {
    EXPECT_FALSE(got.has_value());
    try {
      strict ? Version::parse_strict(text) : Version::parse(text);
      ADD_FAILURE() << "no exception";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(std::string(e.what()), want + 1);
    }
    return;
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->str(), want);
  EXPECT_EQ(got->original(), text);
  const Version thrown = strict ? Version::parse_strict(text) : Version::parse(text);
  EXPECT_EQ(thrown.str(), want);
}

TEST(SemverParse, LenientAndStrict) {
  for (const ParseCase& c : kParseCases) {
    expect_parse(c.text, c.lenient, false);
    expect_parse(c.text, c.strict, true);
  }
}

TEST(SemverParse, Parts) {
  const Version v = Version::parse("v1.2.3-beta.1+build.123");
  EXPECT_EQ(v.major(), 1u);
  EXPECT_EQ(v.minor(), 2u);
  EXPECT_EQ(v.patch(), 3u);
  EXPECT_EQ(v.prerelease(), "beta.1");
  EXPECT_EQ(v.metadata(), "build.123");
  EXPECT_EQ(v.original(), "v1.2.3-beta.1+build.123");
  EXPECT_EQ(v.str(), "1.2.3-beta.1+build.123");

  const Version big = Version::parse_strict("18446744073709551615.0.1");
  EXPECT_EQ(big.major(), 18446744073709551615u);
  EXPECT_EQ(big.patch(), 1u);

  const Version empty_pre = Version::parse_strict("1.2.3-+");
  EXPECT_EQ(empty_pre.prerelease(), "");
  EXPECT_EQ(empty_pre.metadata(), "");
  EXPECT_EQ(empty_pre.original(), "1.2.3-+");
}

// Precedence, with versions parsed leniently.
struct CompareCase {
  const char* a;
  const char* b;
  int want;
};

const CompareCase kCompareCases[] = {
    {"1.2.3", "1.5.1", -1},
    {"2.2.3", "1.5.1", 1},
    {"2.2.3", "2.2.2", 1},
    {"1.3", "1.1.4", 1},
    {"1.2.3", "v1.2.3", 0},
    {"1.2", "1.2.0", 0},
    {"01.2.3", "1.2.3", 0},
    {"10.0.0", "9.0.0", 1},
    {"1.10.0", "1.9.0", 1},
    {"18446744073709551615.0.0", "18446744073709551614.9.9", 1},
    // A prerelease is below its release.
    {"4.2", "4.2-beta", 1},
    {"4.2-beta", "4.2", -1},
    {"1.0.0-rc.1", "1.0.0", -1},
    {"1.0.0-rc.1", "0.9.9", 1},
    // Identifiers: numeric ones numerically, text ones in ASCII order, numbers below text.
    {"3.2-beta", "3.2-beta", 0},
    {"4.2-alpha", "4.2-beta", -1},
    {"4.2-beta.2", "4.2-beta.1", 1},
    {"4.2-beta2", "4.2-beta1", 1},
    {"3.2.0-beta.1", "3.2.0-beta.5", -1},
    {"1.0.0-beta.2", "1.0.0-beta.11", -1},
    {"1.0.0-beta10", "1.0.0-beta9", -1},
    {"7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.103", -1},
    {"7.43.0-SNAPSHOT.FOO", "7.43.0-SNAPSHOT.103", 1},
    {"7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.BAR", -1},
    {"1.0.0-1", "1.0.0-alpha", -1},
    {"1.0.0-Z", "1.0.0-a", -1},
    {"1.0.0-rc-1", "1.0.0-rc.1", 1},  // "rc-1" vs "rc": text, and longer
    // "-2" is not a number, so it sorts as text, above every number.
    {"1.0.0-beta.4", "1.0.0-beta.-2", -1},
    {"1.0.0-beta.-2", "1.0.0-beta.-3", -1},
    {"1.0.0-beta.-3", "1.0.0-beta.5", 1},
    // Too big for uint64: compared as text, so above numbers and below letters.
    {"1.0.0-99999999999999999999", "1.0.0-1", 1},
    {"1.0.0-99999999999999999999", "1.0.0-alpha", -1},
    // A shorter list of identifiers is lower when it is a prefix of the longer.
    {"4.2-beta", "4.2-beta.2", -1},
    {"4.2-beta", "4.2-beta.foo", -1},
    {"4.2-beta.2", "4.2-beta", 1},
    {"4.2-beta.foo", "4.2-beta", 1},
    {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
    // Build metadata never matters.
    {"1.2+bar", "1.2+baz", 0},
    {"1.2.3+a", "1.2.3", 0},
    {"1.2.3-rc.1+a", "1.2.3-rc.1+b.c", 0},
    {"1.2.3+zzz", "1.2.4+aaa", -1},
};

TEST(SemverCompare, Precedence) {
  for (const CompareCase& c : kCompareCases) {
    SCOPED_TRACE(std::string(c.a) + " vs " + c.b);
    const Version a = Version::parse(c.a);
    const Version b = Version::parse(c.b);
    EXPECT_EQ(a.compare(b), c.want);
    EXPECT_EQ(b.compare(a), -c.want);
    EXPECT_EQ(a == b, c.want == 0);
    EXPECT_EQ(a < b, c.want < 0);
    EXPECT_EQ(a > b, c.want > 0);
    EXPECT_EQ(a <= b, c.want <= 0);
    EXPECT_EQ(a >= b, c.want >= 0);
  }
}

TEST(SemverCompare, EmptyIdentifiersFromStrictParsing) {
  // Only the strict parser of v3.3.0 produces empty identifiers; they sort below everything.
  EXPECT_EQ(Version::parse_strict("1.2.3-a..b").compare(Version::parse("1.2.3-a.0.b")), -1);
  // The shorter list is padded with empty identifiers, so a trailing empty one changes nothing.
  EXPECT_EQ(Version::parse_strict("1.2.3-a.").compare(Version::parse("1.2.3-a")), 0);
  EXPECT_EQ(Version::parse_strict("1.2.3-").compare(Version::parse("1.2.3")), 0);
}

TEST(SemverCompare, SortsLikeTheSemverSpec) {
  // Helm sorts listed tags by precedence; this is the order from semver.org item 11.
  const std::vector<std::string> ordered = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                            "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                            "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                                            "1.1.0",       "2.0.0"};
  std::vector<Version> versions;
  for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) {
    versions.push_back(Version::parse_strict(*it));
  }
  std::sort(versions.begin(), versions.end());
  ASSERT_EQ(versions.size(), ordered.size());
  for (std::size_t i = 0; i < ordered.size(); ++i) EXPECT_EQ(versions[i].str(), ordered[i]);
}

// Constraint checks; versions are parsed leniently.
struct CheckCase {
  const char* constraint;
  const char* version;
  bool want;
};

const CheckCase kCheckCases[] = {
    // Exact versions and "=".
    {"=2.0.0", "1.2.3", false},
    {"=2.0.0", "2.0.0", true},
    {"2.0.0", "2.0.0+build", true},
    {"v2.0.0", "2.0.0", true},
    {"=1.2.3-beta", "1.2.3-beta", true},
    {"=1.2.3-beta", "1.2.3-rc", false},
    {"=0", "1", false},
    {"= 2.0", "2.0.0", true},
    // A short or wildcard version with "=" or no operator means "~".
    {"=2.0", "1.2.3", false},
    {"=2.0", "2.0.1", true},
    {"4.1", "4.1.0", true},
    {"2", "1", false},
    {"2", "2.1.1", true},
    {"2", "3.4.5", false},
    {"2.1", "2.1.1", true},
    {"2.1", "2.2.1", false},
    // Wildcards in each position.
    {"*", "1", true},
    {"*", "4.5.6", true},
    {"x", "0.0.0", true},
    {"X", "99.0.0", true},
    {"*", "1.2.3-alpha.1", false},
    {"*-0", "1.2.3-alpha.1", true},
    {"2.*", "1", false},
    {"2.*", "2.1.1", true},
    {"2.*", "3.4.5", false},
    {"1.x", "1.4", true},
    {"2.x.x", "2.9.9", true},
    {"2.1.*", "2.1.1", true},
    {"2.1.*", "2.2.1", false},
    {"4.1.x", "4.1.3", true},
    {"1.x.3", "1.9.0", true},  // once a part is a wildcard the rest is ignored
    {"x.2.3", "5.0.0", true},
    {"0.x.x", "1.2.3", false},
    {"0.0.x", "1.2.3", false},
    {"0.0.0", "1.2.3", false},
    // "!=".
    {"!=4.1.0", "4.1.0", false},
    {"!=4.1.0", "4.1.1", true},
    {"!=4.1", "4.1.0", false},
    {"!=4.1", "4.1.1", false},
    {"!=4.1", "5.1.0", true},
    {"!=4.1", "5.1.0-alpha.1", false},
    {"!=4.1-alpha", "4.1.0", true},
    {"!=4.1-alpha", "4.1.0-alpha", false},
    {"!=4.1-alpha", "4.1.1-alpha", false},
    {"!=4.x", "5.1.0", true},
    {"!=4.x", "4.1.0", false},
    {"!=4.1.x", "4.2.0", true},
    {"!=4.2.x", "4.2.3", false},
    {"!=1.2.3", "1.2.4-beta", true},  // without wildcards "!=" lets prereleases through
    {"!=x", "0.0.0", false},
    {"!=x", "0.0.1", true},
    // ">".
    {">1.1", "4.1.0", true},
    {">1.1", "1.1.0", false},
    {">1.1", "1.1.9", false},  // ">1.1" means 1.2.0 and above
    {">11.1", "11.2.1", true},
    {">11", "11.1.0", false},  // ">11" means 12.0.0 and above
    {">11", "12.0.0", true},
    {">0", "0", false},
    {">0", "1", true},
    {">1.2.3", "1.2.4", true},
    {">1.2.3", "1.2.3+build", false},
    {"> 1.2.3", "1.2.4-beta.1", false},
    {">1.2.3-alpha.1", "1.2.3-alpha.2", true},
    {">1.2.3-alpha.1", "1.3.3-alpha.2", true},
    {">x", "0.0.0", false},
    {">x", "0.0.1", true},
    // "<".
    {"<11", "0.1.0", true},
    {"<11", "11.1.0", false},
    {"<1.1", "1.0.9", true},
    {"<1.1", "1.1.0", false},
    {"<1.x", "0.1.1", true},
    {"<1.x", "1.1.1", false},
    {"<1.1.x", "1.0.500", true},
    {"<1.1.x", "1.1.500", false},
    {"<2.0.0", "1.9.9-beta", false},
    {"<2.0.0-0", "1.9.9-beta", true},
    {"<x", "0.0.0", false},
    // ">=" and "=>".
    {">=11", "11.1.2", true},
    {">=11.1", "11.0.2", false},
    {">=1.1", "1.1.0", true},
    {">=1.1", "0.0.9", false},
    {">=1.1", "4.1.0-beta", false},
    {"=> 1.2", "1.2.0", true},
    {">=0", "0", true},
    {">=1.2.3+build", "1.2.3", true},
    // "<=" and "=<".
    {"<=11", "11.2.3", true},  // "<=11" means below 12.0.0
    {"<=11", "12.2.3", false},
    {"<=1.1", "1.1.1", true},
    {"<=1.1", "1.2.3", false},
    {"<=1.1", "0.1.0-alpha", false},
    {"<=1.1-a", "0.1.0-alpha", true},
    {"<=1.x", "1.9.0", true},
    {"<=2.x", "3.0.0", false},
    {"<=1.1.x", "1.2.500", false},
    {"=< 1.2.3", "1.2.3", true},
    {"<=x", "0.0.7", true},  // "<=x" means 0.0.z only
    {"<=x", "0.1.0", false},
    // "~" and "~>".
    {"~1.2.3", "1.2.3", true},
    {"~1.2.3", "1.2.4", true},
    {"~1.2.3", "1.2.2", false},
    {"~1.2.3", "1.3.4", false},
    {"~>1.2.3", "1.2.9", true},
    {"~1.2", "1.2.4", true},
    {"~1.2", "1.3.4", false},
    {"~1", "1.2.4", true},
    {"~1", "1.4", true},
    {"~1", "2.3.4", false},
    {"~1.x", "1.3.5", true},
    {"~1.x", "2.1.1", false},
    {"~0", "0.9.9", true},
    {"~0", "1.0.0", false},
    {"~0.0", "0.0.9", true},
    {"~0.0", "0.1.0", false},
    {"~0.2.3", "0.2.5", true},
    {"~0.2.3", "0.3.5", false},
    {"~*", "2.1.1", true},
    {"~0.0.0", "1.2.3", true},  // special case: ~0.0.0 accepts everything
    {"~1.1", "1.1.1-alpha", false},
    {"~1.1-alpha", "1.1.1-beta", true},
    {"~1.1.1-beta", "1.1.1-alpha", false},
    {"~1.1.1-beta", "1.1.1", true},
    {"~1.2.3-beta.2", "1.2.3-beta.4", true},
    {"~1.2.3-beta.2", "1.2.4-beta.2", true},
    {"~1.2.3-beta.2", "1.3.4-beta.2", false},
    // "^".
    {"^1.2.3", "1.8.9", true},
    {"^1.2.3", "2.8.9", false},
    {"^1.2.3", "1.2.1", false},
    {"^1.2", "1.8.9", true},
    {"^1", "1.8.9", true},
    {"^1", "2.0.0", false},
    {"^1.x", "1.1.1", true},
    {"^2.x", "1.1.1", false},
    {"^0.2.3", "0.2.3", true},
    {"^0.2.3", "0.2.5", true},
    {"^0.2.3", "0.2.2", false},
    {"^0.2.3", "0.3.0", false},
    {"^0.2", "0.2.5", true},
    {"^0.2", "0.5.6", false},
    {"^0.0.3", "0.0.3", true},
    {"^0.0.3", "0.0.4", false},
    {"^0.0.3", "0.1.3", false},
    {"^0.0", "0.0.3", true},
    {"^0.0", "0.1.4", false},
    {"^0.0", "1.0.4", false},
    {"^0", "0.2.3", true},
    {"^0", "1.1.4", false},
    {"^0.0.0", "0.0.0", true},
    {"^0.0.0", "0.0.1", false},
    {"^*", "0.0.0", true},  // "^*" is "^0.0.0": unlike "*" it only matches 0.0.0
    {"^*", "1.2.3", false},
    {"^1.2.0", "1.2.1-alpha.1", false},
    {"^1.2.0-alpha.0", "1.2.1-alpha.1", true},
    {"^1.2.0-alpha.2", "1.2.0-alpha.1", false},
    {"^1.1.2-alpha", "1.2.1-beta1", true},
    {"^1.2.x-alpha", "1.1.1-beta1", false},
    {"^0.2.3-beta.2", "0.2.4-beta.2", true},
    {"^0.2.3-beta.2", "0.3.4-beta.2", false},
    // Hyphen ranges: "A - B" is ">= A, <= B" with each side's own wildcard rules.
    {"1.1 - 2", "1.1.1", true},
    {"1.1 - 2", "2.9.0", true},
    {"1.1 - 2", "3.0.0", false},
    {"1.2 - 1.4.5", "1.2.0", true},
    {"1.2 - 1.4.5", "1.4.5", true},
    {"1.2 - 1.4.5", "1.4.6", false},
    {"1.2 - 1.4.5", "1.1.9", false},
    {"1.5.0 - 4.5", "4.5.9", true},
    {"1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true},
    {"1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true},
    {"3 - 4 || => 5.0, < 6", "5.5.0", true},
    {"1.1-3", "1.1.0", true},  // no spaces around '-': "~1.1.0-3", not a range
    {"1.1-3", "1.1.0-2", false},
    {"1.1-3", "4.3.2", false},
    // AND with spaces or commas, OR with "||".
    {">1.1, <2", "1.1.1", false},
    {">1.1, <2", "1.2.1", true},
    {">1.1 <2", "1.2.1", true},
    {">1.1    <3", "4.3.2", false},
    {"> 1.1, <     2", "1.1.1", false},
    {">=1.1, <2, !=1.2.3", "1.2.3", false},
    {">=1.1 <2 !=1.2.3", "1.2.4", true},
    {">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true},
    {">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false},
    {">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true},
    {">= 1.1 <2 != 1.2.3 || > 3", "1.2.3", false},
    {"1.2.3 ~1.2.3", "1.2.3", true},
    {"^1 || ^3", "3.5.0", true},
    {"^1 || ^3", "2.5.0", false},
    {"1||2", "3.5.0", false},
    {"1||2 - 3", "3.5.0", true},  // '|' is a version character: ">= 1||2, <= 3 " is >=1 OR ...
    {"1||2 - 3", "0.5.0", false},
    // Prereleases: only a comparison whose own version has a prerelease admits them, and in
    // v3.3.0 each comparison of an AND group decides alone.
    {">0.0.0-0", "0.0.0-alpha", true},
    {">0.0.0-0", "1.2.3-rc.1", true},
    {">0.0.0-0", "1.2.3", true},
    {">=0.0.0-0", "3.4.5-beta.1", true},
    {">0", "0.0.1-alpha", false},
    {">0-0", "0.0.1-alpha", false},    // dirty ">0" means 1.0.0 and above
    {">0.0-0", "0.0.1-alpha", false},  // dirty ">0.0" means 0.1.0 and above
    {">=0-0", "0.0.1-alpha", true},
    {"<0", "0.0.0-alpha", false},
    {"<0-z", "0.0.0-alpha", true},
    {">=1.2.3-beta", "1.2.3-rc", true},
    {">=1.2.3-beta", "1.2.3-alpha", false},
    {">=1.2.3-beta", "1.2.4-alpha", true},  // npm would refuse: not the same [major, minor, patch]
    {">=1.2.3-beta", "2.0.0-alpha", true},
    {">=1.2.3-beta", "1.2.3", true},
    {">=1.2.3-beta <2", "1.2.3-rc", false},  // "<2" alone rejects every prerelease
    {">=1.2.3-beta <2", "1.5.0", true},
    {">=1.0.0-0 <2.0.0-0", "1.2.3-rc", true},
    {">=1.0.0-0 <2.0.0-0", "2.0.0-alpha", false},
    {"1.2.3-beta - 1.2.4", "1.2.3-rc", false},  // same: the upper bound has no prerelease
    {"^1.2.3 || >0.0.0-0", "2.0.0-rc.1", true},
};

TEST(SemverConstraints, Check) {
  for (const CheckCase& c : kCheckCases) {
    SCOPED_TRACE(std::string("\"") + c.constraint + "\" with " + c.version);
    const Constraints cs = Constraints::parse(c.constraint);
    EXPECT_EQ(cs.check(Version::parse(c.version)), c.want);
    EXPECT_EQ(cs.str(), c.constraint);
  }
}

TEST(SemverConstraints, StrictlyParsedVersionsCheckTheSame) {
  const Constraints devel = Constraints::parse(">0.0.0-0");
  EXPECT_TRUE(devel.check(Version::parse_strict("1.0.0-rc.1+build.1")));
  const Constraints any = Constraints::parse("*");
  EXPECT_TRUE(any.check(Version::parse_strict("1.0.0+build.1")));
  EXPECT_FALSE(any.check(Version::parse_strict("1.0.0-rc.1")));
  EXPECT_TRUE(any.check(Version::parse_strict("1.0.0-")));  // empty prerelease is a release
}

// Constraints that parse, with odd spellings Masterminds accepts.
const char* const kAcceptedConstraints[] = {
    ">= 1.1",
    ">40.50.60, < 50.70",
    "v2.3.5-20161202202307-sha.e8fc5e5",
    ">= 1.2.3 < 2.0 || => 3.0 < 4",
    ">= 1.2.3, < 2.0 || => 3.0, < 4",
    "12.3.34 ~1.2.3",
    "  >=1.0.0  ",
    "\t^1.2\f",
    "\n>=1.0\n, <2\r\n",  // Go's \s is [\t\n\f\r ]
    ">= 1.0 ,< 2",
    "=<1,=>0",
    "1.x.3|",  // after a wildcard, the rest of the version is ignored
    "x.|.|",
    "1.2.3+build",
    "~>1.2-beta.1",
};

TEST(SemverConstraints, Accepted) {
  for (const char* text : kAcceptedConstraints) {
    SCOPED_TRACE(text);
    EXPECT_NO_THROW(Constraints::parse(text));
  }
}

// Constraints that do not parse, with Masterminds' messages. The message shows the "||" part,
// after hyphen ranges were rewritten.
struct ErrorCase {
  const char* constraint;
  const char* message;
};

const ErrorCase kErrorCases[] = {
    {"", "improper constraint: "},
    {"  ", "improper constraint:   "},
    {"foo", "improper constraint: foo"},
    {">= bar", "improper constraint: >= bar"},
    {"BAR >= 1.2.3", "improper constraint: BAR >= 1.2.3"},
    {"12.3.4.1234", "improper constraint: 12.3.4.1234"},
    {"12.3.34~ 1.2.3", "improper constraint: 12.3.34~ 1.2.3"},
    {"==1.2.3", "improper constraint: ==1.2.3"},
    {"> =1.2.3", "improper constraint: > =1.2.3"},
    {"<>1", "improper constraint: <>1"},
    {"!1", "improper constraint: !1"},
    {"V1.2.3", "improper constraint: V1.2.3"},
    {"1,,2", "improper constraint: 1,,2"},
    {"1,", "improper constraint: 1,"},
    {"1.2.3-", "improper constraint: 1.2.3-"},
    {">=1.0 ||", "improper constraint: "},
    {"1 ||| 2", "constraint Parser Error"},  // "| 2": "|" is read as a version
    {"1.2 - ", "improper constraint: 1.2 - "},
    {"1 - 2 - 3", "improper constraint: >= 1, <= 2 - 3"},
    {">= 1 - 2", "improper constraint: >=>= 1, <= 2 "},
    // Go replaces the first copy of the matched text, here inside the previous replacement.
    {"1 - 3 - 3 - 3", "improper constraint: >= 1, <=>= 3, <= 3  - 3"},
    {"1|2", "constraint Parser Error"},
    {"1.xx", "constraint Parser Error"},
    {"1.2.3x", "constraint Parser Error"},
    {"1.x-01", "constraint Parser Error"},
    {"99999999999999999999", "constraint Parser Error"},
};

TEST(SemverConstraints, Errors) {
  for (const ErrorCase& c : kErrorCases) {
    SCOPED_TRACE(std::string("\"") + c.constraint + "\"");
    try {
      Constraints::parse(c.constraint);
      ADD_FAILURE() << "no exception";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

TEST(SemverConstraints, LongInputStaysFast) {
  // Masterminds uses linear-time regular expressions; a long constraint must not blow up.
  std::string text(200000, '1');
  text += "+ - 2";
  EXPECT_THROW(Constraints::parse(text), Error);
  std::string many;
  for (int i = 0; i < 20000; ++i) many += ">=1.0.0 ";
  EXPECT_TRUE(Constraints::parse(many).check(Version::parse("1.0.0")));
}

}  // namespace
}  // namespace ch::semver
