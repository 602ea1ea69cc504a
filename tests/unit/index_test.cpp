// Tests of helm/index.cpp: a classic repository's index.yaml read, queried, merged and written.
#include "helm/index.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/archive.hpp"
#include "helm/loader.hpp"
#include "testing.hpp"
#include "unit_helpers.hpp"

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;

// Versions of one chart, highest first as `helm repo index` writes them.
const char* kIndexYaml = R"(apiVersion: v1
entries:
  demo:
  - apiVersion: v2
    appVersion: "2.0"
    created: "2024-05-01T10:00:00.123456789+02:00"
    description: Demo chart
    digest: 0123abcd
    name: demo
    urls:
    - https://charts.example.com/demo-2.0.0.tgz
    version: 2.0.0
  - apiVersion: v2
    created: "2024-04-01T10:00:00Z"
    digest: 4567
    name: demo
    urls:
    - demo-1.5.0-rc.1.tgz
    version: 1.5.0-rc.1
  - created: "2024-03-01T10:00:00Z"
    name: demo
    removed: true
    checksum: deprecated
    engine: gotpl
    tillerVersion: ">=2"
    url: old
    urls: [demo-1.0.0.tgz]
    version: 1.0.0
  other:
  - apiVersion: v2
    name: other
    version: not-semver
  - apiVersion: v2
    name: "bad/name"
    version: 1.0.0
  - apiVersion: v2
    name: other
  - apiVersion: v2
    name: other
    version: 0.1.0
generated: "2024-05-01T10:00:00Z"
annotations:
  team: charts
)";

std::string parse_error(std::string_view text) {
  try {
    IndexFile::parse(text, "https://r.example/index.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

std::vector<std::string> versions_of(const IndexFile& index, const std::string& name) {
  std::vector<std::string> out;
  for (const ChartVersion& v : index.entries.at(name)) out.push_back(v.metadata.version);
  return out;
}

Metadata chart_metadata(const std::string& name, const std::string& version) {
  Metadata m;
  m.api_version = "v2";
  m.name = name;
  m.version = version;
  return m;
}

TEST(IndexFile, ParsesEveryFieldAndSkipsInvalidEntries) {
  IndexFile index = IndexFile::parse(kIndexYaml, "index.yaml");
  EXPECT_EQ(index.api_version, "v1");
  EXPECT_EQ(index.generated, "2024-05-01T10:00:00Z");
  EXPECT_EQ(index.annotations, (std::map<std::string, std::string>{{"team", "charts"}}));
  ASSERT_EQ(versions_of(index, "demo"), (std::vector<std::string>{"2.0.0", "1.5.0-rc.1", "1.0.0"}));
  const ChartVersion& top = index.entries.at("demo")[0];
  EXPECT_EQ(top.metadata.app_version, "2.0");
  EXPECT_EQ(top.metadata.description, "Demo chart");
  EXPECT_EQ(top.created, "2024-05-01T10:00:00.123456789+02:00");
  EXPECT_EQ(top.digest, "0123abcd");
  EXPECT_EQ(top.urls, std::vector<std::string>{"https://charts.example.com/demo-2.0.0.tgz"});
  EXPECT_FALSE(top.removed);
  // A number where a string belongs reads as Go's string of it; a missing apiVersion is v1.
  const ChartVersion& second = index.entries.at("demo")[1];
  EXPECT_EQ(second.digest, "4567");
  const ChartVersion& old = index.entries.at("demo")[2];
  EXPECT_EQ(old.metadata.api_version, "v1");
  EXPECT_TRUE(old.removed);
  EXPECT_EQ(old.urls, std::vector<std::string>{"demo-1.0.0.tgz"});
  // Entries that do not validate (bad version, bad name, no version) are skipped, as by Helm.
  EXPECT_EQ(versions_of(index, "other"), std::vector<std::string>{"0.1.0"});
}

TEST(IndexFile, JsonIndexesAndHelmsErrors) {
  IndexFile j = IndexFile::parse(
      R"({"apiVersion":"v1","entries":{"a":[{"name":"a","version":"1.0.0","urls":["a.tgz"]}]}})",
      "index.json");
  EXPECT_EQ(versions_of(j, "a"), std::vector<std::string>{"1.0.0"});
  EXPECT_EQ(j.entries.at("a")[0].metadata.api_version, "v1");

  EXPECT_EQ(parse_error(""), "https://r.example/index.yaml: empty index.yaml file");
  EXPECT_EQ(parse_error("entries: {}\n"), "https://r.example/index.yaml: no API version specified");
  EXPECT_EQ(parse_error("{\"entries\":{}}"),
            "https://r.example/index.yaml: no API version specified");
  EXPECT_EQ(parse_error("- a\n"),
            "https://r.example/index.yaml: error unmarshaling JSON: not an "
            "index");
  EXPECT_EQ(parse_error("apiVersion: [\n").rfind("https://r.example/index.yaml: ", 0), 0u);
  EXPECT_NE(parse_error("apiVersion: [\n"), "https://r.example/index.yaml: ");
}

TEST(IndexFile, LoadReadsAFile) {
  fs::TempDir dir;
  testing::write(dir.path() / "index.yaml", kIndexYaml);
  EXPECT_EQ(versions_of(IndexFile::load(dir.path() / "index.yaml"), "other"),
            std::vector<std::string>{"0.1.0"});
  EXPECT_THROW(IndexFile::load(dir.path() / "missing.yaml"), Error);
}

TEST(IndexFile, GetAsHelmsIndexFileGet) {
  IndexFile index = IndexFile::parse(kIndexYaml, "index.yaml");
  // No version: the highest stable version ("*" leaves pre-releases out).
  ASSERT_NE(index.get("demo", ""), nullptr);
  EXPECT_EQ(index.get("demo", "")->metadata.version, "2.0.0");
  EXPECT_EQ(index.get("demo", "<2.0.0")->metadata.version, "1.0.0");
  // Masterminds semver: a pre-release passes only comparators that name a pre-release too.
  EXPECT_EQ(index.get("demo", ">1.0.0-0 <2.0.0")->metadata.version, "1.0.0");
  EXPECT_EQ(index.get("demo", ">1.0.0-0 <2.0.0-0")->metadata.version, "1.5.0-rc.1");
  // An exact version string matches before any constraint is applied.
  EXPECT_EQ(index.get("demo", "1.5.0-rc.1")->metadata.version, "1.5.0-rc.1");
  EXPECT_EQ(index.get("demo", "~1.0")->metadata.version, "1.0.0");
  EXPECT_EQ(index.get("demo", "3.0.0"), nullptr);
  EXPECT_EQ(index.get("demo", "not a constraint!"), nullptr);
  EXPECT_EQ(index.get("nothing", ""), nullptr);
  EXPECT_TRUE(index.has("demo", "1.0.0"));
  EXPECT_FALSE(index.has("demo", "1.0"));  // has() compares version strings
  EXPECT_FALSE(index.has("nothing", "1.0.0"));
}

TEST(IndexFile, GetTakesTheHighestMatchWhateverTheFileOrder) {
  // Helm's loadIndex sorts every chart's versions highest first before Get looks; an index
  // written by hand (or by another tool) lists them in any order.
  IndexFile index = IndexFile::parse(
      "apiVersion: v1\nentries:\n  app:\n"
      "  - {name: app, version: 1.0.0, urls: [app-1.0.0.tgz]}\n"
      "  - {name: app, version: 2.1.0, urls: [app-2.1.0.tgz]}\n"
      "  - {name: app, version: 1.9.0, urls: [app-1.9.0.tgz]}\n"
      "  - {name: app, version: 3.0.0-beta.1, urls: [app-3.0.0-beta.1.tgz]}\n",
      "index.yaml");
  ASSERT_NE(index.get("app", ""), nullptr);
  EXPECT_EQ(index.get("app", "")->metadata.version, "2.1.0");
  EXPECT_EQ(index.get("app", "^1")->metadata.version, "1.9.0");
  EXPECT_EQ(index.get("app", ">=3.0.0-0")->metadata.version, "3.0.0-beta.1");
  EXPECT_EQ(index.get("app", "1.0.0")->metadata.version, "1.0.0");
}

TEST(IndexFile, AddJoinsTheBaseUrlWithTheFileName) {
  IndexFile index;
  Metadata m = chart_metadata("demo", "1.0.0");
  m.api_version.clear();
  index.add(m, "sub/dir/demo-1.0.0.tgz", "https://r.example/charts/", "abc",
            "2024-01-01T00:00:00Z");
  index.add(chart_metadata("demo", "1.1.0"), "demo-1.1.0.tgz", "", "def", "");
  index.add(chart_metadata("demo", "1.2.0"), "demo-1.2.0.tgz", "https://r.example//", "", "");
  const auto& list = index.entries.at("demo");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].urls, std::vector<std::string>{"https://r.example/charts/demo-1.0.0.tgz"});
  EXPECT_EQ(list[0].metadata.api_version, "v1");  // Helm's MustAdd default
  EXPECT_EQ(list[0].digest, "abc");
  EXPECT_EQ(list[0].created, "2024-01-01T00:00:00Z");
  EXPECT_EQ(list[1].urls, std::vector<std::string>{"demo-1.1.0.tgz"});
  EXPECT_EQ(list[2].urls, std::vector<std::string>{"https://r.example/demo-1.2.0.tgz"});
}

TEST(IndexFile, MergeKeepsLocalEntriesAndSortPutsTheHighestFirst) {
  IndexFile local, remote;
  local.add(chart_metadata("demo", "1.0.0"), "demo-1.0.0.tgz", "", "local", "");
  remote.add(chart_metadata("demo", "1.0.0"), "demo-1.0.0.tgz", "", "remote", "");
  remote.add(chart_metadata("demo", "2.0.0"), "demo-2.0.0.tgz", "", "remote", "");
  remote.add(chart_metadata("other", "0.1.0"), "other-0.1.0.tgz", "", "remote", "");
  local.merge(remote);
  local.sort_entries();
  EXPECT_EQ(versions_of(local, "demo"), (std::vector<std::string>{"2.0.0", "1.0.0"}));
  EXPECT_EQ(local.entries.at("demo")[1].digest, "local");
  EXPECT_EQ(versions_of(local, "other"), std::vector<std::string>{"0.1.0"});

  IndexFile unsorted;
  for (const char* v : {"1.0.0", "not-semver", "1.10.0", "1.9.0-rc.1", "1.9.0", "0.0.1"}) {
    ChartVersion cv;
    cv.metadata = chart_metadata("x", v);
    unsorted.entries["x"].push_back(cv);
  }
  unsorted.sort_entries();
  EXPECT_EQ(versions_of(unsorted, "x"), (std::vector<std::string>{"1.10.0", "1.9.0", "1.9.0-rc.1",
                                                                  "1.0.0", "0.0.1", "not-semver"}));
}

TEST(IndexFile, YamlAsHelmRepoIndexWritesIt) {
  IndexFile index;
  index.generated = "2024-05-01T10:00:00Z";
  Metadata m = chart_metadata("demo", "1.0.0");
  m.description = "Demo";
  index.add(m, "demo-1.0.0.tgz", "https://r.example", "abc123", "2024-05-01T09:00:00Z");
  EXPECT_EQ(index.to_yaml(),
            "apiVersion: v1\n"
            "entries:\n"
            "  demo:\n"
            "  - apiVersion: v2\n"
            "    created: \"2024-05-01T09:00:00Z\"\n"
            "    description: Demo\n"
            "    digest: abc123\n"
            "    name: demo\n"
            "    urls:\n"
            "    - https://r.example/demo-1.0.0.tgz\n"
            "    version: 1.0.0\n"
            "generated: \"2024-05-01T10:00:00Z\"\n");
  // Written and read back, the same index.
  IndexFile back = IndexFile::parse(index.to_yaml(), "index.yaml");
  EXPECT_EQ(back.to_yaml(), index.to_yaml());
  // No times: Go's zero time.
  IndexFile empty;
  EXPECT_EQ(empty.to_yaml(), "apiVersion: v1\nentries: {}\ngenerated: \"0001-01-01T00:00:00Z\"\n");
}

TEST(IndexFile, JsonAsHelmRepoIndexJsonWritesIt) {
  IndexFile index;
  index.generated = "2024-05-01T10:00:00Z";
  index.annotations = {{"k", "v"}};
  index.add(chart_metadata("demo", "1.0.0"), "demo-1.0.0.tgz", "", "abc", "2024-05-01T09:00:00Z");
  index.entries.at("demo")[0].removed = true;
  EXPECT_EQ(index.to_json(),
            "{\n"
            "  \"apiVersion\": \"v1\",\n"
            "  \"generated\": \"2024-05-01T10:00:00Z\",\n"
            "  \"entries\": {\n"
            "    \"demo\": [\n"
            "      {\n"
            "        \"name\": \"demo\",\n"
            "        \"version\": \"1.0.0\",\n"
            "        \"apiVersion\": \"v2\",\n"
            "        \"urls\": [\n"
            "          \"demo-1.0.0.tgz\"\n"
            "        ],\n"
            "        \"created\": \"2024-05-01T09:00:00Z\",\n"
            "        \"removed\": true,\n"
            "        \"digest\": \"abc\"\n"
            "      }\n"
            "    ]\n"
            "  },\n"
            "  \"annotations\": {\n"
            "    \"k\": \"v\"\n"
            "  }\n"
            "}");
}

TEST(IndexFile, IndexDirectoryTakesChartsOneLevelDeep) {
  fs::TempDir src, repo;
  for (const auto& [name, version] :
       std::vector<std::pair<std::string, std::string>>{{"a", "1.0.0"}, {"a", "1.1.0"}}) {
    testing::write_chart(src.path() / (name + version), name, version);
    save_archive(load_dir(src.path() / (name + version)), repo.path(), {});
  }
  testing::write_chart(src.path() / "b", "b", "0.1.0");
  stdfs::create_directories(repo.path() / "sub");
  save_archive(load_dir(src.path() / "b"), repo.path() / "sub", {});
  testing::write_chart(src.path() / "deep", "deep", "0.1.0");
  stdfs::create_directories(repo.path() / "x/y");
  save_archive(load_dir(src.path() / "deep"), repo.path() / "x/y", {});  // two levels: ignored
  testing::write(repo.path() / "junk.tgz", "not a chart");               // skipped

  IndexFile index = index_directory(repo.path(), "https://r.example/charts");
  EXPECT_EQ(index.entries.size(), 2u);
  EXPECT_EQ(versions_of(index, "a"), (std::vector<std::string>{"1.1.0", "1.0.0"}));
  const ChartVersion& a = index.entries.at("a")[0];
  EXPECT_EQ(a.urls, std::vector<std::string>{"https://r.example/charts/a-1.1.0.tgz"});
  EXPECT_EQ(a.digest, digest_of_file(repo.path() / "a-1.1.0.tgz").hex);
  EXPECT_FALSE(a.created.empty());
  EXPECT_FALSE(index.generated.empty());
  EXPECT_EQ(index.entries.at("b")[0].urls,
            std::vector<std::string>{"https://r.example/charts/sub/b-0.1.0.tgz"});
  // Without a base URL the URLs are relative to the index.
  IndexFile relative = index_directory(repo.path(), "");
  EXPECT_EQ(relative.entries.at("b")[0].urls, std::vector<std::string>{"sub/b-0.1.0.tgz"});
  EXPECT_EQ(relative.entries.at("a")[1].urls, std::vector<std::string>{"a-1.0.0.tgz"});
}

TEST(IndexFile, NowIsRfc3339NanoInTheLocalZone) {
  const std::regex kForm(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d*[1-9])?(Z|[+-]\d{2}:\d{2}))");
  {
    testing::ScopedEnv tz("TZ", "UTC");
    tzset();
    std::string now = now_rfc3339_nano();
    EXPECT_TRUE(std::regex_match(now, kForm)) << now;
    EXPECT_EQ(now.back(), 'Z');
    testing::ScopedEnv india("TZ", "Asia/Kolkata");
    tzset();
    now = now_rfc3339_nano();
    EXPECT_TRUE(std::regex_match(now, kForm)) << now;
    EXPECT_EQ(now.substr(now.size() - 6), "+05:30");
  }
  tzset();
}

}  // namespace
}  // namespace ch::helm
