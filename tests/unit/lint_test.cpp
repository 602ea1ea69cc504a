// Tests of helm/lint.cpp: `helm lint`'s rules for Chart.yaml, values.yaml and dependencies,
// with Helm's severities and messages (pkg/lint/rules), and the linear URL and e-mail matchers
// compared with the regular expressions (govalidator's) they replaced.
#include "helm/lint.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/file.hpp"
#include "regex_equivalence.hpp"
#include "testing.hpp"

// The matchers live in lint.cpp, outside any header; these are their declarations.
namespace ch::helm::lint_detail {
bool is_request_url(std::string_view s);
bool is_email(std::string_view s);
bool is_url(std::string_view s);
}  // namespace ch::helm::lint_detail

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;
using testing::expect_same;

TEST(LinearMatchers, RequestUrlEqualsRegex) {
  const std::regex kUri(R"(^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$)");
  expect_same(kUri, lint_detail::is_request_url, "aZ9+.-: /\t\x80", 4, 2, 100000, 48, SIZE_MAX,
              2000);
  EXPECT_TRUE(lint_detail::is_request_url("https://" + std::string(100000, 'x')));
}

TEST(LinearMatchers, EmailEqualsRegex) {
  const std::regex kEmail(
      R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*$)");
  expect_same(kEmail, lint_detail::is_email, "a9.-@!_ ", 5, 3, 100000, 48, SIZE_MAX, 1000);
  EXPECT_TRUE(lint_detail::is_email(std::string(100000, 'a') + "@example.com"));
}

TEST(LinearMatchers, UrlEqualsRegex) {
  const std::regex kUrl(
      R"(^((https?|ftp|wss?)://)?([^\s:@/]+(:[^\s@/]*)?@)?(localhost|\[[0-9A-Fa-f:.]+\]|([A-Za-z0-9\-_]+\.)+[A-Za-z0-9\-_]+)(:[0-9]{1,5})?([/?#][^\s]*)?$)");
  expect_same(kUrl, lint_detail::is_url, "a.:@/[]1 ", 5, 4, 150000, 48, 2083, 2000);
  // The 2083-byte bound of govalidator.IsURL.
  std::string host = "example.com/" + std::string(2070, 'p');
  EXPECT_EQ(host.size(), 2082u);
  EXPECT_TRUE(lint_detail::is_url(host));
  EXPECT_FALSE(lint_detail::is_url(host + "p"));
}

// "SEVERITY path: text" per message, for comparing whole runs.
std::vector<std::string> lint(const stdfs::path& dir) {
  std::vector<std::string> out;
  for (const LintMessage& m : lint_chart_dir(dir))
    out.push_back(severity_label(m.severity) + " " + m.path + ": " + m.text);
  return out;
}

TEST(Lint, CleanChartHasNoMessages) {
  fs::TempDir dir;
  testing::write_tree(dir.path(),
                      {{"Chart.yaml",
                        "apiVersion: v2\nname: demo\nversion: 1.0.0\nicon: https://x.io/i.png\n"
                        "maintainers:\n- name: Jane\n  email: jane@example.com\n"
                        "  url: https://example.com/jane\nsources:\n- https://github.com/x/y\n"},
                       {"values.yaml", "replicas: 1\n"}});
  EXPECT_EQ(lint(dir.path()), std::vector<std::string>{});
}

TEST(Lint, MissingIconAndValuesAreInfo) {
  fs::TempDir dir;
  testing::write_chart(dir.path(), "demo", "0.1.0");
  EXPECT_EQ(lint(dir.path()), (std::vector<std::string>{"INFO Chart.yaml: icon is recommended",
                                                        "INFO values.yaml: file does not exist"}));
}

TEST(Lint, ChartYamlRulesInHelmsOrder) {
  fs::TempDir dir;
  testing::write_tree(dir.path(), {{"Chart.yaml",
                                    "apiVersion: v1\nname: demo\nversion: 0.0.0-0\n"
                                    "appVersion: 1.2\ntype: application\nicon: not a url\n"
                                    "sources: [\"https://ok.example\", \"bad source\"]\n"
                                    "maintainers:\n- name: Jane\n  email: not-an-email\n"
                                    "- name: Bob\n  url: not a url\n"},
                                   {"values.yaml", "{}\n"}});
  EXPECT_EQ(lint(dir.path()),
            (std::vector<std::string>{
                "ERROR Chart.yaml: version 0.0.0-0 is less than or equal to 0.0.0-0",
                "ERROR Chart.yaml: appVersion should be of type string but it's of type float64",
                "ERROR Chart.yaml: invalid email 'not-an-email' for maintainer 'Jane'",
                "ERROR Chart.yaml: invalid source URL 'bad source'",
                "ERROR Chart.yaml: invalid icon URL 'not a url'",
                "ERROR Chart.yaml: chart type is not valid in apiVersion 'v1'. It is valid in "
                "apiVersion 'v2'"}));
}

TEST(Lint, NameApiVersionAndVersionTypes) {
  fs::TempDir dir;
  testing::write_tree(dir.path(),
                      {{"Chart.yaml", "name: a/b\nversion: 1.0\nappVersion: true\nicon: x:y\n"},
                       {"values.yaml", ""}});
  auto messages = lint(dir.path());
  ASSERT_GE(messages.size(), 5u);
  EXPECT_EQ(messages[0], "ERROR Chart.yaml: chart name \"a/b\" is invalid");
  EXPECT_EQ(messages[1],
            "ERROR Chart.yaml: apiVersion is required. The value must be either \"v1\" or \"v2\"");
  EXPECT_EQ(messages[2],
            "ERROR Chart.yaml: version should be of type string but it's of type "
            "float64");
  EXPECT_EQ(messages[3],
            "ERROR Chart.yaml: appVersion should be of type string but it's of type "
            "bool");
  // The chart does not load, so the dependency rules report that once, with no path.
  EXPECT_EQ(messages.back().rfind("ERROR : unable to load chart\n\t", 0), 0u) << messages.back();
  EXPECT_EQ(messages.size(), 5u);

  testing::write(dir.path() / "Chart.yaml", "apiVersion: v3\nname: demo\nversion: one\n");
  messages = lint(dir.path());
  ASSERT_GE(messages.size(), 2u);
  EXPECT_EQ(messages[0],
            "ERROR Chart.yaml: apiVersion 'v3' is not valid. The value must be "
            "either \"v1\" or \"v2\"");
  EXPECT_EQ(messages[1], "ERROR Chart.yaml: version 'one' is not a valid SemVer");
}

TEST(Lint, MaintainersStopAtTheFirstProblem) {
  fs::TempDir dir;
  testing::write_tree(dir.path(), {{"Chart.yaml",
                                    "apiVersion: v2\nname: demo\nversion: 1.0.0\nicon: https://i\n"
                                    "maintainers:\n- email: a@b.c\n- name: X\n  email: bad\n"},
                                   {"values.yaml", "a: 1\n"}});
  auto messages = lint(dir.path());
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages[0], "ERROR Chart.yaml: each maintainer requires a name");
  for (const auto& m : messages) EXPECT_EQ(m.find("invalid email"), std::string::npos) << m;
}

TEST(Lint, UnreadableChartYamlAndBadValues) {
  fs::TempDir dir;
  stdfs::create_directories(dir.path() / "Chart.yaml");
  auto messages = lint(dir.path());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], "ERROR Chart.yaml: should be a file, not a directory");
  EXPECT_EQ(messages[1].rfind("ERROR Chart.yaml: unable to parse YAML\n\t", 0), 0u) << messages[1];

  fs::TempDir bad;
  testing::write_tree(bad.path(), {{"Chart.yaml", "name: [unclosed\n"}});
  messages = lint(bad.path());
  ASSERT_EQ(messages.size(), 1u);  // nothing else runs without a parsable Chart.yaml
  EXPECT_EQ(messages[0].rfind("ERROR Chart.yaml: unable to parse YAML\n\t", 0), 0u) << messages[0];

  fs::TempDir values;
  testing::write_tree(
      values.path(),
      {{"Chart.yaml", "apiVersion: v2\nname: demo\nversion: 1.0.0\nicon: https://i\n"}});
  // The loader refuses such values too, so the dependency rules report it once more.
  for (const char* text : {"- a list\n", "a: [unclosed\n"}) {
    testing::write(values.path() / "values.yaml", text);
    messages = lint(values.path());
    ASSERT_EQ(messages.size(), 2u) << text;
    EXPECT_EQ(messages[0].rfind("ERROR values.yaml: unable to parse YAML: ", 0), 0u) << messages[0];
    EXPECT_EQ(messages[1].rfind("ERROR : unable to load chart\n\tcannot load values.yaml: ", 0), 0u)
        << messages[1];
  }
}

TEST(Lint, DependenciesDeclaredAgainstPresent) {
  fs::TempDir dir;
  stdfs::path chart = dir.path() / "parent";
  testing::write_tree(chart, {{"Chart.yaml",
                               "apiVersion: v2\nname: parent\nversion: 1.0.0\nicon: https://i\n"
                               "dependencies:\n- name: a\n  version: 1.0.0\n"
                               "- name: b\n  version: 1.0.0\n- name: d\n  version: 1.0.0\n"},
                              {"values.yaml", "{}\n"}});
  testing::write_chart(chart / "charts/a", "a", "1.0.0");
  testing::write_chart(chart / "charts/c", "c", "1.0.0");
  testing::write_chart(chart / "charts/e", "e", "1.0.0");
  // Reported against the chart's absolute directory, without a trailing slash.
  std::string where = stdfs::absolute(chart).lexically_normal().string();
  EXPECT_EQ(lint(chart / ""),
            (std::vector<std::string>{
                "ERROR " + where + ": chart metadata is missing these dependencies: c,e",
                "WARNING " + where + ": chart directory is missing these dependencies: b,d"}));
}

TEST(Lint, SeverityLabels) {
  EXPECT_EQ(severity_label(Severity::kInfo), "INFO");
  EXPECT_EQ(severity_label(Severity::kWarning), "WARNING");
  EXPECT_EQ(severity_label(Severity::kError), "ERROR");
}

}  // namespace
}  // namespace ch::helm
