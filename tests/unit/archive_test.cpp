// Tests of helm/archive.cpp: charts written as `helm package` writes them (order, headers, mtimes).
#include "helm/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/loader.hpp"
#include "testing.hpp"

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;

struct TarEntry {
  std::string name;
  std::int64_t mtime;
  unsigned mode;
  std::int64_t size;
  int uid;
  std::string uname;
};

std::vector<TarEntry> entries_of(const std::string& tgz) {
  std::vector<TarEntry> out;
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  archive_read_open_memory(a, tgz.data(), tgz.size());
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    const char* uname = archive_entry_uname(e);
    out.push_back({archive_entry_pathname(e), archive_entry_mtime(e),
                   static_cast<unsigned>(archive_entry_mode(e)), archive_entry_size(e),
                   static_cast<int>(archive_entry_uid(e)), uname ? uname : ""});
  }
  archive_read_free(a);
  return out;
}

std::string archive_bytes(const Chart& c, ArchiveOptions o = {}) {
  std::string out;
  write_archive(
      c, [&](std::string_view d) { out.append(d); }, o);
  return out;
}

TEST(Archive, HelmEntryOrderAndHeaders) {
  fs::TempDir dir;
  testing::write_chart(
      dir.path(), "demo", "1.2.3+build.1",
      {{"values.yaml", "# keep: comments\nreplicas:   1\n"},
       {"values.schema.json", "{}"},
       {"Chart.lock", "dependencies: []\ndigest: sha256:x\ngenerated: \"2024-01-02T03:04:05Z\"\n"},
       {"templates/b.yaml", "b"},
       {"templates/a.yaml", "a"},
       {"README.md", "r"},
       {"crds/c.yaml", "c"},
       {"charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"},
       {"charts/sub/values.yaml", "s: 1\n"}});
  testing::set_mtimes(dir.path(), 1700000000);
  Chart c = load_dir(dir.path());
  std::string tgz = archive_bytes(c, {});
  auto entries = entries_of(tgz);
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "demo/Chart.yaml", "demo/Chart.lock", "demo/values.yaml", "demo/values.schema.json",
                "demo/templates/a.yaml", "demo/templates/b.yaml", "demo/README.md",
                "demo/crds/c.yaml", "demo/charts/sub/Chart.yaml", "demo/charts/sub/values.yaml"}));
  for (const auto& e : entries) {
    EXPECT_EQ(e.mode, 0100644u) << e.name;
    EXPECT_EQ(e.uid, 0) << e.name;
    EXPECT_EQ(e.uname, "") << e.name;
    if (e.name == "demo/Chart.lock") {
      EXPECT_EQ(e.mtime, 1704164645) << "Chart.lock carries its generated time";
    } else {
      EXPECT_EQ(e.mtime, 1700000000) << e.name;
    }
  }
  // gzip header: magic, deflate, FEXTRA|FCOMMENT, mtime 0, OS 255, RFC 1952 'rr' subfield.
  ASSERT_GT(tgz.size(), 60u);
  EXPECT_EQ(tgz.substr(0, 4), std::string("\x1f\x8b\x08\x14", 4));
  EXPECT_EQ(tgz.substr(4, 4), std::string(4, '\0'));
  EXPECT_EQ(static_cast<unsigned char>(tgz[9]), 255);
  EXPECT_EQ(tgz.substr(10, 2), std::string("\x2c\x00", 2));  // XLEN 44
  EXPECT_EQ(tgz.substr(12, 4), std::string("rr\x28\x00", 4));
  EXPECT_EQ(tgz.substr(16, 40), "aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=");
  EXPECT_EQ(tgz.substr(56, 5), std::string("Helm\0", 5));

  // values.yaml is byte-exact; Chart.yaml is re-serialised.
  Chart again = load_archive(tgz);
  EXPECT_EQ(again.values->data, "# keep: comments\nreplicas:   1\n");
  EXPECT_EQ(again.metadata.version, "1.2.3+build.1");
  ASSERT_EQ(again.subcharts.size(), 1u);
}

TEST(Archive, SameTreeSameBytesAndSourceDateEpoch) {
  fs::TempDir dir;
  testing::write_chart(dir.path(), "demo", "1.0.0", {{"values.yaml", "a: 1\n"}});
  testing::set_mtimes(dir.path(), 1600000000);
  std::string one = archive_bytes(load_dir(dir.path()));
  std::string two = archive_bytes(load_dir(dir.path()));
  EXPECT_EQ(one, two);
  ArchiveOptions epoch;
  epoch.source_date_epoch = 42;
  for (const auto& e : entries_of(archive_bytes(load_dir(dir.path()), epoch)))
    EXPECT_EQ(e.mtime, 42) << e.name;
}

TEST(Archive, SourceDateEpochFromEnvironment) {
  setenv("SOURCE_DATE_EPOCH", "123", 1);
  EXPECT_EQ(source_date_epoch_from_env(), 123);
  setenv("SOURCE_DATE_EPOCH", "-1", 1);
  EXPECT_THROW(source_date_epoch_from_env(), Error);
  setenv("SOURCE_DATE_EPOCH", "12abc", 1);
  EXPECT_THROW(source_date_epoch_from_env(), Error);
  unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_EQ(source_date_epoch_from_env(), std::nullopt);
}

TEST(Archive, V1ChartYamlOmitsDependencies) {
  Chart c = load_files({{"Chart.yaml", "name: old\nversion: 1.0.0\n", 0},
                        {"requirements.yaml", "dependencies:\n- name: dep\n", 0},
                        {"charts/dep/Chart.yaml", "name: dep\nversion: 1.2.0\n", 0}});
  Chart back = load_archive(archive_bytes(c));
  std::string chart_yaml;
  for (const auto& f : back.raw)
    if (f.name == "Chart.yaml") chart_yaml = f.data;
  EXPECT_EQ(chart_yaml, "apiVersion: v1\nname: old\nversion: 1.0.0\n");
  ASSERT_EQ(back.metadata.dependencies.size(), 1u);  // still in requirements.yaml
}

TEST(Archive, InvalidSchemaLeavesNoFile) {
  fs::TempDir dir;
  testing::write_chart(dir.path() / "src", "demo", "1.0.0", {{"values.schema.json", "{nope"}});
  Chart c = load_dir(dir.path() / "src");
  auto out = dir.path() / "out";
  try {
    save_archive(c, out, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "Invalid JSON in values.schema.json");
  }
  EXPECT_TRUE(testing::list_files(out).empty());
}

TEST(Archive, PackagedSubchartIsExpanded) {
  fs::TempDir dir;
  testing::write_chart(dir.path() / "child", "child", "0.2.0", {{"templates/t.yaml", "t"}});
  auto child_tgz = save_archive(load_dir(dir.path() / "child"), dir.path(), {});
  testing::write_chart(dir.path() / "parent", "parent", "1.0.0");
  stdfs::create_directories(dir.path() / "parent/charts");
  stdfs::copy_file(child_tgz, dir.path() / "parent/charts/child-0.2.0.tgz");
  auto entries = entries_of(archive_bytes(load_dir(dir.path() / "parent")));
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"parent/Chart.yaml", "parent/charts/child/Chart.yaml",
                                             "parent/charts/child/templates/t.yaml"}));
}

}  // namespace
}  // namespace ch::helm
