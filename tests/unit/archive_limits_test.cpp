// Tests for the limits helm::load_archive and friends put on hostile archives: entries per
// archive (directories and empty files included), decompressed tar bytes (special headers and
// nested subchart archives included), entry name length and subchart nesting; and that real
// charts stay far inside them. Archives are written byte by byte here, as an attacker would.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "helm/archive.hpp"
#include "helm/loader.hpp"
#include "base/error.hpp"

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;

// One ustar header block.
std::string header(const std::string& name, size_t size, char type) {
  std::string h(512, '\0');
  h.replace(0, std::min<size_t>(name.size(), 100), name.substr(0, 100));
  auto octal = [&](size_t off, size_t len, unsigned long long v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1), v);
    h.replace(off, len - 1, buf);
  };
  octal(100, 8, 0644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 1700000000);
  h.replace(148, 8, "        ");
  h[156] = type;
  h.replace(257, 6, std::string("ustar\0", 6));
  h.replace(263, 2, "00");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  char chk[8];
  std::snprintf(chk, sizeof chk, "%06o", sum);
  h.replace(148, 7, std::string(chk, 6) + '\0');
  return h;
}

std::string padded(const std::string& data) {
  return data + std::string((512 - data.size() % 512) % 512, '\0');
}

// A regular file; names over ustar's 100 bytes go in a GNU long-name header first.
std::string file_entry(const std::string& name, const std::string& data) {
  std::string out;
  if (name.size() > 100) out = header("././@LongLink", name.size() + 1, 'L') + padded(name + '\0');
  return out + header(name, data.size(), '0') + padded(data);
}

// A pax extended header whose only record is a comment of about `size` bytes: data the tar
// reader consumes and drops.
std::string pax_comment(size_t size) {
  std::string value(size, 'c');
  std::string rec = " comment=" + value + "\n";
  size_t n = rec.size() + 1;
  while (std::to_string(n).size() + rec.size() != n) ++n;
  rec = std::to_string(n) + rec;
  return header("pax", rec.size(), 'x') + padded(rec);
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

std::string load_error(const std::string& tgz) {
  try {
    load_archive(tgz);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

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
  std::string bomb = chart_with(
      200000, [](int i) { return header(std::string("demo/e") + std::to_string(i), 0, '0'); });
  EXPECT_LT(bomb.size(), 2u * 1024 * 1024);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(load_error(bomb), kTooManyEntries);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("200,000 empty entries refused in %.3f s\n", took.count());

  EXPECT_EQ(
      load_error(chart_with(
          20000, [](int i) { return header(std::string("demo/e") + std::to_string(i), 0, '0'); })),
      kTooManyEntries);
  // Chart.yaml and 19,999 more: the limit itself is allowed.
  Chart c = load_archive(chart_with(
      19999, [](int i) { return header(std::string("demo/e") + std::to_string(i), 0, '0'); }));
  EXPECT_EQ(c.files.size(), 19999u);
}

TEST(ArchiveLimits, DirectoriesCountAsEntries) {
  EXPECT_EQ(
      load_error(chart_with(
          20000,
          [](int i) { return header(std::string("demo/d") + std::to_string(i) + "/", 0, '5'); })),
      kTooManyEntries);
  Chart c = load_archive(chart_with(19999, [](int i) {
    return header(std::string("demo/d") + std::to_string(i) + "/", 0, '5');
  }));
  EXPECT_EQ(c.raw.size(), 1u);
}

TEST(ArchiveLimits, DecompressedStreamIsBounded) {
  // 300 pax headers of 1 MB each: no entry content at all, yet 300 MB to decompress.
  std::string unit = pax_comment(1000000) + header("demo/e", 0, '0');
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
  std::string unit = pax_comment(1000000) + header("sub/e", 0, '0');
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
