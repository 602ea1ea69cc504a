// Tests of actions/search.cpp: search results rendered as Helm's table, JSON and YAML.
#include "actions/search.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.hpp"

namespace ch {
namespace {

TEST(Search, TableJsonYaml) {
  std::vector<actions::SearchEntry> e = {{"oci://r/ns/a", "1.0.0", "2.0", "short"},
                                         {"oci://r/ns/long", "0.1.0", "", std::string(60, 'd')}};
  EXPECT_EQ(actions::render_search(e, "table"),
            "NAME           \tCHART VERSION\tAPP VERSION\tDESCRIPTION                              "
            "         \n"
            "oci://r/ns/a   \t1.0.0        \t2.0        \tshort                                    "
            "         \n"
            "oci://r/ns/long\t0.1.0        \t           \t" +
                std::string(47, 'd') + "...\n");
  EXPECT_EQ(
      actions::render_search({e[0]}, "json"),
      "[{\"name\":\"oci://r/ns/a\",\"version\":\"1.0.0\",\"app_version\":\"2.0\",\"description\":"
      "\"short\"}]\n");
  EXPECT_EQ(
      actions::render_search({e[0]}, "yaml"),
      "- app_version: \"2.0\"\n  description: short\n  name: oci://r/ns/a\n  version: 1.0.0\n");
  EXPECT_EQ(actions::render_search({}, "table"), "No results found\n");
  EXPECT_THROW(actions::render_search(e, "xml"), Error);
}

TEST(Search, EmptyResultsAndUnknownFormats) {
  // Helm writes an empty list, not null, when nothing matched.
  EXPECT_EQ(actions::render_search({}, "json"), "[]\n");
  EXPECT_EQ(actions::render_search({}, "yaml"), "[]\n");
  try {
    actions::render_search({}, "Table");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(std::string(e.what()),
              "invalid format type \"Table\": must be one of table, json, yaml");
  }
  // JSON escapes as Go's encoder does; YAML quotes what would read back as another type.
  std::vector<actions::SearchEntry> e = {{"oci://r/a", "1.0.0", "true", "<b>&"}};
  EXPECT_EQ(actions::render_search(e, "json"),
            "[{\"name\":\"oci://r/a\",\"version\":\"1.0.0\",\"app_version\":\"true\","
            "\"description\":\"\\u003cb\\u003e\\u0026\"}]\n");
  EXPECT_EQ(actions::render_search(e, "yaml"),
            "- app_version: \"true\"\n  description: <b>&\n  name: oci://r/a\n  version: 1.0.0\n");
}

}  // namespace
}  // namespace ch
