#include "helm/loader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;

struct Entry {
  std::string name;
  std::string data;
  int type = AE_IFREG;
};

// Writes a .tgz with arbitrary entry names, as an attacker could.
std::string make_tgz(const std::vector<Entry>& entries) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* ctx, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(ctx)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& e : entries) {
    archive_entry* ae = archive_entry_new();
    archive_entry_set_pathname(ae, e.name.c_str());
    archive_entry_set_filetype(ae, static_cast<unsigned>(e.type));
    archive_entry_set_perm(ae, 0644);
    if (e.type == AE_IFLNK) archive_entry_set_symlink(ae, "/etc/passwd");
    archive_entry_set_size(ae, e.type == AE_IFREG ? static_cast<la_int64_t>(e.data.size()) : 0);
    archive_write_header(a, ae);
    if (e.type == AE_IFREG) archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(ae);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

const std::string kChartYaml = "apiVersion: v2\nname: demo\nversion: 1.0.0\n";

std::string load_error(const std::string& tgz) {
  try {
    load_archive(tgz);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LoadArchive, ReadsFilesDroppingTheTopDirectory) {
  Chart c = load_archive(make_tgz({{"whatever/Chart.yaml", kChartYaml},
                                   {"whatever/values.yaml",
                                    "\xEF\xBB\xBF"
                                    "a: 1\n"},
                                   {"whatever/templates/x.yaml", "kind: X\n"},
                                   {"whatever/README.md", "# hi\n"}}));
  EXPECT_EQ(c.name(), "demo");
  ASSERT_TRUE(c.values);
  EXPECT_EQ(c.values->data, "a: 1\n");  // BOM stripped
  ASSERT_EQ(c.templates.size(), 1u);
  EXPECT_EQ(c.templates[0].name, "templates/x.yaml");
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].name, "README.md");
}

TEST(LoadArchive, RejectsPathTricks) {
  EXPECT_EQ(load_error(make_tgz({{"demo/Chart.yaml", kChartYaml}, {"demo/../../evil", "x"}})),
            "chart illegally references parent directory");
  EXPECT_EQ(load_error(make_tgz({{"demo/Chart.yaml", kChartYaml}, {"demo//etc/passwd", "x"}})),
            "chart illegally contains absolute paths");
  EXPECT_EQ(load_error(make_tgz({{"Chart.yaml", kChartYaml}})),
            "chart illegally contains content outside the base directory: \"Chart.yaml\"");
  EXPECT_EQ(load_error(make_tgz({{"demo/Chart.yaml", kChartYaml}, {"demo/C:/x", "x"}})),
            "chart contains illegally named files");
}

TEST(LoadArchive, RejectsIrregularEntries) {
  auto err = load_error(make_tgz({{"demo/Chart.yaml", kChartYaml}, {"demo/link", "", AE_IFLNK}}));
  EXPECT_EQ(err, "chart archive entry \"demo/link\" is not a regular file");
}

TEST(LoadArchive, EnforcesSizeLimits) {
  std::string big(static_cast<size_t>(kMaxFileSize) + 1, 'a');
  EXPECT_EQ(
      load_error(make_tgz({{"demo/Chart.yaml", kChartYaml}, {"demo/big.txt", big}})),
      "decompressed chart file \"demo/big.txt\" is larger than the maximum file size 5242880");
  std::vector<Entry> many = {{"demo/Chart.yaml", kChartYaml}};
  std::string four(4 * 1024 * 1024, 'b');
  for (int i = 0; i < 26; ++i) many.push_back({"demo/f" + std::to_string(i), four});
  EXPECT_EQ(load_error(make_tgz(many)),
            "decompressed chart is larger than the maximum file size 104857600");
}

TEST(LoadArchive, RejectsNonGzipAndEmpty) {
  EXPECT_EQ(load_error("not gzip at all"), "gzip: invalid header");
  EXPECT_EQ(load_error(make_tgz({})), "no files in chart archive");
  EXPECT_EQ(load_error(make_tgz({{"demo/values.yaml", "a: 1\n"}})), "Chart.yaml file is missing");
}

TEST(LoadArchiveFile, NonGzipFilesGetHelmsMessage) {
  fs::TempDir dir;
  testing::write(dir.path() / "chart.tgz", "hello\n");
  testing::write(dir.path() / "values.yaml", "a: 1\n");
  try {
    load_archive_file(dir.path() / "chart.tgz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "file '" + (dir.path() / "chart.tgz").string() +
                                         "' does not appear to be a gzipped archive; got "
                                         "'application/octet-stream'");
  }
  try {
    load_archive_file(dir.path() / "values.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "file '" + (dir.path() / "values.yaml").string() +
                  "' seems to be a YAML file, but expected a gzipped archive");
  }
}

TEST(LoadDir, AppliesHelmignoreAndDefaults) {
  fs::TempDir dir;
  testing::write_chart(dir.path(), "demo", "1.0.0",
                       {{".helmignore", "*.bak\nci/\n"},
                        {"values.yaml", "a: 1\n"},
                        {"templates/ok.yaml", "x"},
                        {"templates/.hidden.yaml", "x"},
                        {"notes.bak", "x"},
                        {"ci/values.yaml", "x"},
                        {"docs/ci", "x"}});
  Chart c = load_dir(dir.path());
  std::vector<std::string> names;
  for (const auto& f : c.raw) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{".helmignore", "Chart.yaml", "docs/ci",
                                             "templates/ok.yaml", "values.yaml"}));
}

TEST(LoadDir, RejectsOversizedAndIrregularFiles) {
  fs::TempDir dir;
  testing::write_chart(dir.path(), "demo", "1.0.0");
  testing::write(dir.path() / "big.bin", std::string(static_cast<size_t>(kMaxFileSize) + 1, 'x'));
  try {
    load_dir(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "chart file \"big.bin\" is larger than the maximum file size 5242880");
  }
  stdfs::remove(dir.path() / "big.bin");
  ASSERT_EQ(mkfifo((dir.path() / "fifo").c_str(), 0644), 0);
  try {
    load_dir(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot load irregular file " +
                                         (dir.path() / "fifo").string() +
                                         " as it has file mode type bits set");
  }
}

TEST(LoadDir, FollowsSymlinksAndLoadsSubcharts) {
  fs::TempDir dir;
  testing::write_chart(
      dir.path() / "parent", "parent", "1.0.0",
      {{"charts/child/Chart.yaml", "apiVersion: v2\nname: child\nversion: 0.1.0\n"},
       {"charts/_skipped/Chart.yaml", "broken: ["}});
  testing::write(dir.path() / "outside.txt", "shared\n");
  stdfs::create_symlink(dir.path() / "outside.txt", dir.path() / "parent" / "linked.txt");
  Chart c = load_dir(dir.path() / "parent");
  ASSERT_EQ(c.subcharts.size(), 1u);
  EXPECT_EQ(c.subcharts[0].name(), "child");
  bool found = false;
  for (const auto& f : c.files) found = found || (f.name == "linked.txt" && f.data == "shared\n");
  EXPECT_TRUE(found);
}

TEST(LoadDir, BrokenSubchartNamesItsParent) {
  fs::TempDir dir;
  testing::write_chart(dir.path(), "parent", "1.0.0",
                       {{"charts/child/Chart.yaml", "apiVersion: v2\nname: child\n"}});
  try {
    load_dir(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "error unpacking subchart child in parent: validation: chart.metadata.version is "
                 "required");
  }
}

TEST(LoadFiles, V1RequirementsMergeIntoMetadata) {
  Chart c = load_files({{"Chart.yaml", "name: old\nversion: 1.0.0\n", 0},
                        {"requirements.yaml", "dependencies:\n- name: dep\n  version: 1.x\n", 0},
                        {"charts/dep/Chart.yaml", "name: dep\nversion: 1.2.0\n", 0}});
  EXPECT_EQ(c.metadata.api_version, "v1");
  ASSERT_EQ(c.metadata.dependencies.size(), 1u);
  EXPECT_EQ(c.metadata.dependencies[0].name, "dep");
  ASSERT_EQ(c.files.size(), 1u);  // requirements.yaml is kept as a file for v1
  EXPECT_EQ(c.files[0].name, "requirements.yaml");
}

TEST(LoadFiles, BadValuesYamlIsAnError) {
  EXPECT_THROW(load_files({{"Chart.yaml", kChartYaml, 0}, {"values.yaml", "a: [\n", 0}}), Error);
  EXPECT_THROW(load_files({{"Chart.yaml", kChartYaml, 0}, {"values.yaml", "- a\n", 0}}), Error);
  EXPECT_NO_THROW(load_files({{"Chart.yaml", kChartYaml, 0}, {"values.yaml", "", 0}}));
}

TEST(LoadFixtures, EveryRealChartLoads) {
  for (const auto& org : stdfs::directory_iterator(CH_FIXTURES_DIR "/charts")) {
    if (!org.is_directory()) continue;
    for (const auto& chart_dir : stdfs::directory_iterator(org.path())) {
      if (!chart_dir.is_directory()) continue;
      SCOPED_TRACE(chart_dir.path().string());
      Chart c = load_dir(chart_dir.path());
      EXPECT_EQ(c.name(), chart_dir.path().filename().string());
      EXPECT_FALSE(c.templates.empty());
    }
  }
}

}  // namespace
}  // namespace ch::helm
