// Tests of helm/loader.cpp: charts loaded from archives, directories and files as Helm loads
// them, and the limits load_archive and friends put on hostile archives: entries per archive
// (directories and empty files included), decompressed tar bytes (special headers and nested
// subchart archives included), entry name length and subchart nesting; and that real charts
// stay far inside them (there, archives are written byte by byte, as an attacker would).
#include "helm/loader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/archive.hpp"
#include "tar_writer.hpp"
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

// ---- Limits on hostile archives ------------------------------------------------------------

// A regular file; names over ustar's 100 bytes go in a GNU long-name header first.
std::string file_entry(const std::string& name, const std::string& data) {
  std::string out;
  if (name.size() > 100)
    out = testing::tar_header("././@LongLink", name.size() + 1, 'L') +
          testing::tar_padded(name + '\0');
  return out + testing::tar_header(name, data.size(), '0') + testing::tar_padded(data);
}

// A pax extended header whose only record is a comment of about `size` bytes: data the tar
// reader consumes and drops.
std::string pax_comment(size_t size) {
  std::string value(size, 'c');
  std::string rec = " comment=" + value + "\n";
  size_t n = rec.size() + 1;
  while (std::to_string(n).size() + rec.size() != n) ++n;
  rec = std::to_string(n) + rec;
  return testing::tar_header("pax", rec.size(), 'x') + testing::tar_padded(rec);
}

// Streams a gzip member, so that archives of hundreds of MB never exist uncompressed here.
class Gzip {
 public:
  Gzip() { EXPECT_EQ(deflateInit2(&z_, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK); }
  ~Gzip() { deflateEnd(&z_); }
  Gzip& add(const std::string& raw) {
    run(raw, Z_NO_FLUSH);
    return *this;
  }
  std::string finish() {
    run("", Z_FINISH);
    return std::move(out_);
  }

 private:
  void run(const std::string& raw, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    z_.avail_in = static_cast<uInt>(raw.size());
    char buf[1 << 16];
    int r = Z_OK;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof buf;
      r = deflate(&z_, flush);
      out_.append(buf, sizeof buf - z_.avail_out);
    } while (z_.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
  }
  z_stream z_{};
  std::string out_;
};

std::string gzip(const std::string& raw) {
  return Gzip().add(raw).finish();
}

std::string chart_yaml(const std::string& name) {
  return "apiVersion: v2\nname: " + name + "\nversion: 1.0.0\n";
}

const std::string kEnd(1024, '\0');
// A chart with `n` extra entries made by `make(i)` after Chart.yaml.
template <typename Make>
std::string chart_with(int n, Make&& make) {
  Gzip gz;
  gz.add(file_entry("demo/Chart.yaml", chart_yaml("demo")));
  for (int i = 0; i < n; ++i) gz.add(make(i));
  return gz.add(kEnd).finish();
}

const std::string kTooManyEntries = "chart archive has more than the maximum of 20000 entries";

TEST(ArchiveLimits, EmptyFilesCountAsEntries) {
  // The reported attack, scaled down: empty entries cost no content bytes, so only the entry
  // count stops them (3 million took 668 MiB and 10 s before).
  std::string bomb = chart_with(200000, [](int i) {
    return testing::tar_header(std::string("demo/e") + std::to_string(i), 0, '0');
  });
  EXPECT_LT(bomb.size(), 2u * 1024 * 1024);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(load_error(bomb), kTooManyEntries);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("200,000 empty entries refused in %.3f s\n", took.count());

  EXPECT_EQ(load_error(chart_with(20000,
                                  [](int i) {
                                    return testing::tar_header(
                                        std::string("demo/e") + std::to_string(i), 0, '0');
                                  })),
            kTooManyEntries);
  // Chart.yaml and 19,999 more: the limit itself is allowed.
  Chart c = load_archive(chart_with(19999, [](int i) {
    return testing::tar_header(std::string("demo/e") + std::to_string(i), 0, '0');
  }));
  EXPECT_EQ(c.files.size(), 19999u);
}

TEST(ArchiveLimits, DirectoriesCountAsEntries) {
  EXPECT_EQ(load_error(chart_with(20000,
                                  [](int i) {
                                    return testing::tar_header(
                                        std::string("demo/d") + std::to_string(i) + "/", 0, '5');
                                  })),
            kTooManyEntries);
  Chart c = load_archive(chart_with(19999, [](int i) {
    return testing::tar_header(std::string("demo/d") + std::to_string(i) + "/", 0, '5');
  }));
  EXPECT_EQ(c.raw.size(), 1u);
}

TEST(ArchiveLimits, DecompressedStreamIsBounded) {
  // 300 pax headers of 1 MB each: no entry content at all, yet 300 MB to decompress.
  std::string unit = pax_comment(1000000) + testing::tar_header("demo/e", 0, '0');
  std::string bomb = chart_with(300, [&](int) { return unit; });
  EXPECT_LT(bomb.size(), 2u * 1024 * 1024);
  EXPECT_EQ(load_error(bomb),
            "decompressed chart archive is larger than the maximum size 268435456 (tar headers "
            "and subchart archives included)");
  // 200 of them (200 MB) are allowed: the bound is on bytes, not on pax headers.
  EXPECT_EQ(load_error(chart_with(200, [&](int) { return unit; })), "");
}

TEST(ArchiveLimits, SubchartArchivesShareTheBound) {
  // Three subchart archives of 100 MB decompressed each: each alone is fine, together they
  // exceed what one chart may decompress.
  Gzip sub_gz;
  sub_gz.add(file_entry("sub/Chart.yaml", chart_yaml("sub")));
  std::string unit = pax_comment(1000000) + testing::tar_header("sub/e", 0, '0');
  for (int i = 0; i < 100; ++i) sub_gz.add(unit);
  std::string sub = sub_gz.add(kEnd).finish();
  ASSERT_LT(sub.size(), kMaxFileSize);
  std::string one = gzip(file_entry("demo/Chart.yaml", chart_yaml("demo")) +
                         file_entry("demo/charts/a.tgz", sub) + kEnd);
  EXPECT_EQ(load_error(one), "");
  std::string three = gzip(
      file_entry("demo/Chart.yaml", chart_yaml("demo")) + file_entry("demo/charts/a.tgz", sub) +
      file_entry("demo/charts/b.tgz", sub) + file_entry("demo/charts/c.tgz", sub) + kEnd);
  std::string e = load_error(three);
  EXPECT_EQ(e,
            "error unpacking subchart c.tgz in demo: decompressed chart archive is larger than the "
            "maximum size 268435456 (tar headers and subchart archives included)");
}

TEST(ArchiveLimits, HelmContentLimitsStillApply) {
  // Helm's own limits, unchanged: 5 MiB per file, 100 MiB of content per archive.
  std::string big(kMaxFileSize + 1, '\0');
  EXPECT_EQ(load_error(gzip(file_entry("demo/Chart.yaml", chart_yaml("demo")) +
                            file_entry("demo/big", big) + kEnd)),
            "decompressed chart file \"demo/big\" is larger than the maximum file size 5242880");
  std::string five(kMaxFileSize, '\0');
  EXPECT_EQ(
      load_error(chart_with(
          20, [&](int i) { return file_entry(std::string("demo/f") + std::to_string(i), five); })),
      "decompressed chart is larger than the maximum file size 104857600");
}

TEST(ArchiveLimits, EntryNamesAreBounded) {
  // GNU long names and pax paths lift ustar's 100 bytes; a name may still not exceed 4096.
  auto with_name = [](size_t len) {
    std::string name = "demo/" + std::string(len - 5, 'n');
    std::string raw = file_entry("demo/Chart.yaml", chart_yaml("demo"));
    raw += file_entry(name, "x");
    return gzip(raw + kEnd);
  };
  EXPECT_EQ(load_error(with_name(4096)), "");
  std::string e = load_error(with_name(4097));
  EXPECT_EQ(e.rfind("chart archive entry name of 4097 bytes is longer than the maximum 4096: ", 0),
            0u)
      << e;
  EXPECT_LT(e.size(), 200u);  // the message quotes a prefix, not the whole name
}

// A chart whose charts/ holds the next one as an archive, `levels` subcharts deep.
std::string nested_archives(int levels) {
  std::string tgz = gzip(file_entry(std::string("c") + std::to_string(levels) + "/Chart.yaml",
                                    chart_yaml(std::string("c") + std::to_string(levels))) +
                         kEnd);
  for (int i = levels - 1; i >= 0; --i) {
    std::string name = std::string("c") + std::to_string(i);
    tgz = gzip(file_entry(name + "/Chart.yaml", chart_yaml(name)) +
               file_entry(name + std::string("/charts/c") + std::to_string(i + 1) + ".tgz", tgz) +
               kEnd);
  }
  return tgz;
}

// The same nesting as directories inside one archive.
std::string nested_dirs(int levels) {
  std::string raw;
  std::string prefix = "c0/";
  raw += file_entry(prefix + "Chart.yaml", chart_yaml("c0"));
  for (int i = 1; i <= levels; ++i) {
    prefix += std::string("charts/c") + std::to_string(i) + "/";
    raw += file_entry(prefix + "Chart.yaml", chart_yaml(std::string("c") + std::to_string(i)));
  }
  return gzip(raw + kEnd);
}

TEST(ArchiveLimits, SubchartNestingIsBounded) {
  for (auto make : {nested_archives, nested_dirs}) {
    Chart c = load_archive(make(kMaxSubchartDepth));
    int depth = 0;
    for (const Chart* p = &c; !p->subcharts.empty(); p = &p->subcharts[0]) ++depth;
    EXPECT_EQ(depth, kMaxSubchartDepth);
    std::string e = load_error(make(kMaxSubchartDepth + 1));
    EXPECT_NE(e.find("subcharts are nested more than the maximum of 32 levels"), std::string::npos)
        << e;
    EXPECT_EQ(e.rfind("error unpacking subchart c1", 0), 0u) << e;
  }
}

TEST(ArchiveLimits, RealChartsAreFarInside) {
  // Every fixture chart, packaged the way `package` does, loads back; the largest has a
  // hundredth of the entries allowed.
  size_t most = 0;
  int charts = 0;
  for (const auto& root : {stdfs::path(CH_FIXTURES_DIR) / "charts"}) {
    std::error_code ec;
    if (!stdfs::exists(root, ec)) continue;
    for (const auto& org : stdfs::directory_iterator(root)) {
      if (!org.is_directory()) continue;
      for (const auto& dir : stdfs::directory_iterator(org.path())) {
        if (!stdfs::exists(dir.path() / "Chart.yaml")) continue;
        Chart c = load_dir(dir.path());
        std::string tgz;
        ArchiveOptions options;
        options.source_date_epoch = 0;
        write_archive(
            c, [&](std::string_view s) { tgz.append(s); }, options);
        Chart back = load_archive(tgz);
        EXPECT_EQ(back.metadata.name, c.metadata.name);
        most = std::max(most, back.raw.size());
        ++charts;
      }
    }
  }
  EXPECT_GT(charts, 5);
  EXPECT_LT(most * 50, static_cast<size_t>(kMaxArchiveEntries));
}

}  // namespace
}  // namespace ch::helm
