// Tests of helm/metadata.cpp: Chart.yaml and Chart.lock read, validated and written as Helm.
#include "helm/metadata.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "gocompat/gojson.hpp"
#include "regex_equivalence.hpp"

// The alias matcher lives in metadata.cpp, outside any header; this is its declaration.
namespace ch::helm::metadata_detail {
bool is_valid_alias(std::string_view s);
}

namespace ch::helm {
namespace {

using testing::expect_same;

Metadata parse(const std::string& yaml) {
  Metadata md;
  md.merge_yaml(yaml, "Chart.yaml");
  return md;
}

std::string error_of(const std::string& yaml, bool validate = false) {
  try {
    Metadata md = parse(yaml);
    if (md.api_version.empty()) md.api_version = "v1";
    if (validate) md.validate();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Metadata, ScalarsConvertIntoStringFieldsAsHelmDoes) {
  // Expected values captured from helm 3.17.3 `show chart` on the same Chart.yaml.
  Metadata md = parse(
      "apiVersion: v2\nname: t1\nversion: 1.0\nAppVersion: 1.10\n"
      "keywords: [1.50, yes, null, 0x1f]\n");
  EXPECT_EQ(md.version, "1");
  EXPECT_EQ(md.app_version, "1.1");  // keys match case-insensitively, like encoding/json
  EXPECT_EQ(md.keywords, (std::vector<std::string>{"1.5", "true", "", "31"}));
}

TEST(Metadata, TypeErrorsUseGoMessages) {
  // Messages captured from helm 3.17.3.
  EXPECT_EQ(error_of("name: t\nsources: foo\n"),
            "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot "
            "unmarshal string into Go struct field Metadata.sources of type []string");
  EXPECT_EQ(error_of("name: t\nmaintainers:\n- name: [a]\n"),
            "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot "
            "unmarshal array into Go struct field Maintainer.maintainers.name of type string");
  EXPECT_EQ(error_of("name: t\ndeprecated: \"yes\"\n"),
            "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot "
            "unmarshal string into Go struct field Metadata.deprecated of type bool");
  EXPECT_EQ(error_of("- a\n"),
            "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot "
            "unmarshal array into Go value of type chart.Metadata");
  EXPECT_EQ(error_of("name: [\n")
                .rfind("cannot load Chart.yaml: error converting YAML to JSON: yaml: ", 0),
            0u);
}

TEST(Metadata, ValidationMessages) {
  EXPECT_EQ(error_of("name: t\n", true), "validation: chart.metadata.version is required");
  EXPECT_EQ(error_of("version: 1.0.0\n", true), "validation: chart.metadata.name is required");
  EXPECT_EQ(error_of("name: a/b\nversion: 1.0.0\n", true),
            "validation: chart.metadata.name \"a/b\" is invalid");
  EXPECT_EQ(error_of("name: ..\nversion: 1.0.0\n", true),
            "validation: chart.metadata.name \"..\" is not allowed");
  EXPECT_EQ(error_of("name: t\nversion: one\n", true),
            "validation: chart.metadata.version \"one\" is invalid");
  EXPECT_EQ(error_of("name: t\nversion: 1.0.0\ntype: app\n", true),
            "validation: chart.metadata.type must be application or library");
  EXPECT_EQ(error_of("name: t\nversion: 1.0.0\nmaintainers:\n- \n", true),
            "validation: maintainers must not contain empty or null nodes");
  EXPECT_EQ(error_of("name: t\nversion: 1.0.0\ndependencies:\n- name: a\n  alias: b c\n", true),
            "validation: dependency \"a\" has disallowed characters in the alias");
  EXPECT_EQ(
      error_of("name: t\nversion: 1.0.0\ndependencies:\n- name: a\n- name: b\n  alias: a\n", true),
      "validation: more than one dependency with name or alias \"a\"");
  EXPECT_EQ(error_of("name: t\nversion: v1.2\n", true), "");  // lenient semver
}

TEST(Metadata, SanitizeReplacesWhitespaceAndDropsNonPrintables) {
  EXPECT_EQ(sanitize("line1\nline2\n"), "line1 line2 ");
  EXPECT_EQ(sanitize("a\tb\r\nc"), "a b  c");
  EXPECT_EQ(sanitize("bell\x07!"), "bell!");
  EXPECT_EQ(sanitize("zero\xE2\x80\x8Bwidth"), "zerowidth");  // U+200B is a format char
  EXPECT_EQ(sanitize("nbsp\xC2\xA0x"), "nbsp x");             // U+00A0 is a space
  EXPECT_EQ(sanitize("caf\xC3\xA9 \xE2\x98\x83"), "caf\xC3\xA9 \xE2\x98\x83");
  EXPECT_EQ(sanitize("bad\xFFutf8"), "bad\xEF\xBF\xBDutf8");  // U+FFFD
}

TEST(Metadata, ValidateSanitizesFields) {
  Metadata md = parse(
      "apiVersion: v2\nname: t\nversion: 1.0.0\ndescription: |\n  one\n  two\n"
      "annotations:\n  note: \"keep\\nthis\"\n");
  md.validate();
  EXPECT_EQ(md.description, "one two ");
  EXPECT_EQ(md.annotations["note"], "keep\nthis");  // annotations are not sanitised
}

TEST(Metadata, ConfigJsonFieldOrderAndOmitEmpty) {
  Metadata md = parse(
      "type: application\nappVersion: \"1.16.0\"\nversion: 0.1.0\nname: mychart\n"
      "description: A Helm chart for Kubernetes\napiVersion: v2\n");
  md.validate();
  // Spec §1.3: the config blob of `helm create mychart`.
  EXPECT_EQ(
      gojson::marshal(md.to_json()),
      "{\"name\":\"mychart\",\"version\":\"0.1.0\",\"description\":\"A Helm chart for "
      "Kubernetes\",\"apiVersion\":\"v2\",\"appVersion\":\"1.16.0\",\"type\":\"application\"}");
}

TEST(Metadata, DependencyJsonAlwaysHasNameAndRepository) {
  Metadata md = parse(
      "apiVersion: v2\nname: t\nversion: 1.0.0\ndependencies:\n- name: a\n"
      "- name: b\n  version: ^1\n  repository: oci://r/x\n  tags: [t]\n"
      "  import-values:\n  - child: c\n    parent: p\n  alias: bb\n");
  md.validate();
  EXPECT_EQ(gojson::marshal(md.to_json()["dependencies"]),
            "[{\"name\":\"a\",\"repository\":\"\"},{\"name\":\"b\",\"version\":\"^1\","
            "\"repository\":\"oci://r/x\",\"tags\":[\"t\"],\"import-values\":[{\"child\":\"c\","
            "\"parent\":\"p\"}],\"alias\":\"bb\"}]");
}

TEST(Lock, RoundTrip) {
  Lock lock = Lock::parse(
      "dependencies:\n- name: common\n  repository: oci://registry-1.docker.io/bitnamicharts\n"
      "  version: 2.13.3\ndigest: sha256:abc\ngenerated: \"2024-05-01T10:00:00.123456+02:00\"\n",
      "Chart.lock");
  EXPECT_EQ(
      lock.to_yaml(),
      "dependencies:\n- name: common\n  repository: oci://registry-1.docker.io/bitnamicharts\n"
      "  version: 2.13.3\ndigest: sha256:abc\ngenerated: \"2024-05-01T10:00:00.123456+02:00\"\n");
}

// The linear matcher against the regular expression it replaced.
TEST(LinearMatchers, AliasEqualsRegex) {
  const std::regex kAlias("^[a-zA-Z0-9_-]+$");
  expect_same(kAlias, metadata_detail::is_valid_alias, "aZ09_-.@ /\x80", 4, 1, 50000, 40, SIZE_MAX,
              1000);
  // The input that overflowed std::regex's stack.
  EXPECT_TRUE(metadata_detail::is_valid_alias(std::string(60000, 'a')));
  EXPECT_FALSE(metadata_detail::is_valid_alias(std::string(60000, 'a') + "."));
}

}  // namespace
}  // namespace ch::helm
