// Tests of helm/helmignore.cpp: .helmignore rules as Helm applies them when loading a chart.
#include "helm/helmignore.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace ch::helm {
namespace {

struct IgnoreCase {
  const char* rules;
  const char* path;
  bool is_dir;
  bool ignored;
};

// Helm's .helmignore semantics (spec §6.5), one row per rule kind.
const IgnoreCase kCases[] = {
    // basename patterns match at any depth
    {"*.txt", "notes.txt", false, true},
    {"*.txt", "docs/deep/notes.txt", false, true},
    {"*.txt", "notes.md", false, false},
    {"secret", "a/b/secret", false, true},
    {"secret", "a/secret/b", false, false},  // only the file/dir itself, checked per level
    // patterns with a slash match the whole relative path
    {"docs/*.md", "docs/a.md", false, true},
    {"docs/*.md", "x/docs/a.md", false, false},
    {"docs/*.md", "docs/sub/a.md", false, false},
    // a leading slash anchors at the chart root
    {"/README.md", "README.md", false, true},
    {"/README.md", "sub/README.md", false, false},
    {"/ci", "ci", true, true},
    // trailing slash: directories only
    {"ci/", "ci", true, true},
    {"ci/", "ci", false, false},
    {"tmp*/", "tmpdir", true, true},
    {"tmp*/", "tmpfile", false, false},
    // comments, blank lines and surrounding spaces
    {"# *.yaml\n\n   \n", "values.yaml", false, false},
    {"  *.bak  ", "x.bak", false, true},
    {"\xEF\xBB\xBF*.bak", "x.bak", false, true},  // BOM on the first line
    // Helm's negation: "!x" ignores everything that does NOT match x
    {"!*.yaml", "values.yaml", false, false},
    {"!*.yaml", "README.md", false, true},
    {"!keep/", "keep", true, false},
    {"!keep/", "other", true, true},
    {"!keep/", "keep", false, true},  // dir-only negation ignores every file
    // the first rule that decides wins: no gitignore-style re-include (checked with
    // helm 3.17.3: with these rules even Chart.yaml is ignored and packaging fails)
    {"*.md\n!README.md", "CHANGES.md", false, true},
    {"*.md\n!README.md", "README.md", false, true},
    {"*.md\n!README.md", "values.yaml", false, true},
    {"!*.yaml", "Chart.yaml", false, false},
    {"!*.yaml", "templates", true, true},
    // character classes and '?'
    {"file[0-9].txt", "file7.txt", false, true},
    {"file[!0-9].txt", "fileA.txt", false, false},  // '!' is not negation inside []
    {"file[^0-9].txt", "fileA.txt", false, true},
    {"?.txt", "a.txt", false, true},
    {"?.txt", "ab.txt", false, false},
    // the chart root itself is never ignored
    {"*", ".", true, false},
    {"*", "", true, false},
};

TEST(HelmIgnore, Rules) {
  for (const auto& c : kCases) {
    auto rules = IgnoreRules::parse(c.rules);
    EXPECT_EQ(rules.ignored(c.path, c.is_dir), c.ignored)
        << "rules=" << c.rules << " path=" << c.path << " dir=" << c.is_dir;
  }
}

TEST(HelmIgnore, DefaultRuleHidesDotFilesUnderTemplates) {
  auto rules = IgnoreRules::parse("");
  EXPECT_FALSE(rules.ignored("templates/.hidden", false));
  rules.add_defaults();
  EXPECT_TRUE(rules.ignored("templates/.hidden", false));
  EXPECT_TRUE(rules.ignored("templates/.swp.yaml", false));
  EXPECT_FALSE(rules.ignored("templates/visible.yaml", false));
  EXPECT_FALSE(rules.ignored("templates/.", false));  // ".?*" needs two characters
  EXPECT_FALSE(rules.ignored(".hidden", false));      // only under templates/
  EXPECT_FALSE(rules.ignored("templates/sub/.hidden", false));
}

TEST(HelmIgnore, DoubleStarIsAnError) {
  try {
    IgnoreRules::parse("**/foo");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "double-star (**) syntax is not supported");
  }
}

TEST(HelmIgnore, MalformedPatternIsAnError) {
  EXPECT_THROW(IgnoreRules::parse("foo[\n"), Error);
  EXPECT_THROW(IgnoreRules::parse("ok\n[-]\n"), Error);
}

}  // namespace
}  // namespace ch::helm
