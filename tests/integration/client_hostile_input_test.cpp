// The client against hostile input, the real binary end to end: billion-laughs and alias-bomb
// YAML in values.yaml, Chart.yaml and a classic repository's index.yaml, and an archive of
// hundreds of thousands of empty entries, through `show`, `repo add`, `pull --untar` and
// `dependency update`. Before the limits, each of these ran for 10-30 s and died of bad_alloc
// or std::terminate; now each stops at once with Helm's message and writes nothing partial.
// Where Helm 3.17.3 handles the same input, its output is the reference.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <regex>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "process.hpp"
#include "tar_writer.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using testing::run;
using testing::RunResult;

using testing::kHelm3;

// 9 levels of 9 aliases: 387,420,489 strings once expanded, from about 430 bytes.
std::string laughs(const std::string& prefix) {
  std::string s = prefix + "0: &" + prefix + "0 \"lol\"\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*" + prefix + std::to_string(i - 1);
    s += prefix + std::to_string(i) + ": &" + prefix + std::to_string(i) + " [";
    for (int j = 0; j < 9; ++j) s += (j ? "," : "") + prev;
    s += "]\n";
  }
  return s;
}

const std::string kValuesBomb = laughs("a");
const std::string kChartYamlBomb = "apiVersion: v2\nname: cbomb\nversion: 0.1.0\n" + laughs("x");

// ---- Archives written byte by byte ---------------------------------------------------------

using testing::tar_header;

std::string tar_file(const std::string& name, const std::string& data) {
  return tar_header(name, data.size()) + testing::tar_padded(data);
}

// Gzips what `produce(sink)` hands to sink, a piece at a time.
template <typename Produce>
std::string gzip(Produce&& produce) {
  z_stream z{};
  deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  auto feed = [&](const std::string& in, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buf[1 << 16];
    int r = Z_OK;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      r = deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
  };
  produce([&](const std::string& piece) { feed(piece, Z_NO_FLUSH); });
  feed(std::string(1024, '\0'), Z_FINISH);
  deflateEnd(&z);
  return out;
}

std::string chart_tgz(const std::string& name, const std::string& chart_yaml,
                      const std::string& values) {
  return gzip([&](auto sink) {
    sink(tar_file(name + "/Chart.yaml", chart_yaml));
    sink(tar_file(name + "/values.yaml", values));
  });
}

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stdfs::exists(kHelm3)) << kHelm3 << " is missing: run scripts/setup";
    auto w = tmp_.path();
    // A classic repository: a values bomb, a Chart.yaml bomb, 300,000 empty entries, and a
    // sound chart; plus, under bombindex/, an index.yaml that is itself a bomb.
    stdfs::create_directories(w / "site/bombindex");
    std::map<std::string, std::string> archives = {
        {"bomb", chart_tgz("bomb", "apiVersion: v2\nname: bomb\nversion: 0.1.0\n", kValuesBomb)},
        {"cbomb", chart_tgz("cbomb", kChartYamlBomb, "a: 1\n")},
        {"entries", gzip([](auto sink) {
           sink(tar_file("entries/Chart.yaml", "apiVersion: v2\nname: entries\nversion: 0.1.0\n"));
           for (int i = 0; i < 300000; ++i) sink(tar_header("entries/e" + std::to_string(i), 0));
         })},
        {"good", chart_tgz("good", "apiVersion: v2\nname: good\nversion: 0.1.0\n", "g: 1\n")},
    };
    std::string index = "apiVersion: v1\nentries:\n";
    for (const auto& [name, tgz] : archives) {
      testing::write(w / "site" / (name + "-0.1.0.tgz"), tgz);
      index += "  " + name + ":\n  - apiVersion: v2\n    name: " + name +
               "\n    version: 0.1.0\n    digest: " + digest_of(tgz).hex + "\n    urls:\n    - " +
               name + "-0.1.0.tgz\n    created: \"2026-01-01T00:00:00Z\"\n";
    }
    index += "generated: \"2026-01-01T00:00:00Z\"\n";
    testing::write(w / "site/index.yaml", index);
    testing::write(w / "site/bombindex/index.yaml",
                   "apiVersion: v1\n" + laughs("i") + "entries: {}\n");
    int port = 0;
    stdfs::create_directories(w / "nginx");
    nginx_ = testing::start_nginx((w / "site").string(), (w / "nginx").string(), &port);
    url_ = "http://127.0.0.1:" + std::to_string(port);
  }

  std::map<std::string, std::string> env(const std::string& home) {
    auto h = tmp_.path() / home;
    return {{"HELM_CONFIG_HOME", (h / "config").string()},
            {"HELM_CACHE_HOME", (h / "cache").string()},
            {"HELM_DATA_HOME", (h / "data").string()},
            {"HOME", h.string()}};
  }
  RunResult ch(std::vector<std::string> args, const stdfs::path& cwd = {}) {
    args.insert(args.begin(), CH_BINARY);
    return run(args, cwd.empty() ? tmp_.path() : cwd, env("ch"));
  }
  RunResult helm(std::vector<std::string> args, const stdfs::path& cwd = {}) {
    args.insert(args.begin(), kHelm3);
    return run(args, cwd.empty() ? tmp_.path() : cwd, env("helm"));
  }
  // Everything under dir, directories included.
  std::vector<std::string> contents(const stdfs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : stdfs::recursive_directory_iterator(dir))
      out.push_back(stdfs::relative(e.path(), dir).string());
    return out;
  }

  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> nginx_;
  std::string url_;
};

const std::string kValuesError =
    "Error: cannot load values.yaml: error converting YAML to JSON: yaml: document contains "
    "excessive aliasing\n";
const std::string kChartYamlError =
    "Error: cannot load Chart.yaml: error converting YAML to JSON: yaml: document contains "
    "excessive aliasing\n";

TEST_F(HostileInput, ShowValuesOfABillionLaughs) {
  auto dir = tmp_.path() / "laughs";
  testing::write_chart(dir, "laughs", "0.1.0", {{"values.yaml", kValuesBomb}});
  ASSERT_LT(kValuesBomb.size(), 500u);
  auto mine = ch({"show", "values", dir.string()});
  EXPECT_EQ(mine.code, 1);
  EXPECT_EQ(mine.out, "");
  EXPECT_EQ(mine.err, kValuesError);
  auto theirs = helm({"show", "values", dir.string()});
  EXPECT_EQ(theirs.code, 1);
  EXPECT_EQ(mine.err, theirs.err);
  // The same chart as an archive.
  auto tgz = tmp_.path() / "site/bomb-0.1.0.tgz";
  auto archived = ch({"show", "values", tgz.string()});
  EXPECT_EQ(archived.code, 1);
  EXPECT_EQ(archived.err, kValuesError);
  EXPECT_EQ(archived.err, helm({"show", "values", tgz.string()}).err);
}

TEST_F(HostileInput, ShowChartOfAnAliasBomb) {
  auto dir = tmp_.path() / "cbomb";
  testing::write(dir / "Chart.yaml", kChartYamlBomb);
  for (const std::string what : {"chart", "all", "readme"}) {
    auto mine = ch({"show", what, dir.string()});
    EXPECT_EQ(mine.code, 1) << what;
    EXPECT_EQ(mine.out, "") << what;
    EXPECT_EQ(mine.err, kChartYamlError) << what;
    EXPECT_EQ(mine.err, helm({"show", what, dir.string()}).err) << what;
  }
}

TEST_F(HostileInput, RepoAddOfABombIndex) {
  std::string url = url_ + "/bombindex";
  auto mine = ch({"repo", "add", "bombs", url});
  EXPECT_EQ(mine.code, 1);
  EXPECT_EQ(mine.out, "");
  // Helm: `...cannot be reached: error converting YAML to JSON: yaml: document contains
  // excessive aliasing`; the index names its source instead.
  EXPECT_EQ(mine.err.rfind("Error: looks like \"" + url +
                               "\" is not a valid chart repository or cannot be reached: ",
                           0),
            0u)
      << mine.err;
  EXPECT_NE(mine.err.find("document contains excessive aliasing\n"), std::string::npos) << mine.err;
  EXPECT_EQ(helm({"repo", "add", "bombs", url}).code, 1);
  // Nothing recorded: no repository entry, no cached index.
  auto home = tmp_.path() / "ch";
  std::string repos;
  if (stdfs::exists(home / "config/repositories.yaml"))
    repos = testing::read(home / "config/repositories.yaml");
  EXPECT_EQ(repos.find("bombs"), std::string::npos) << repos;
  EXPECT_FALSE(stdfs::exists(home / "cache/repository/bombs-index.yaml"));
  EXPECT_FALSE(stdfs::exists(home / "cache/repository/bombs-charts.txt"));
  // The sound repository next to it still works.
  auto ok = ch({"repo", "add", "site", url_});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

TEST_F(HostileInput, PullUntarOfAChartYamlBomb) {
  auto dest = tmp_.path() / "out";
  stdfs::create_directories(dest);
  auto mine = ch({"pull", "cbomb", "--repo", url_, "--untar", "-d", dest.string()});
  EXPECT_EQ(mine.code, 1);
  EXPECT_EQ(mine.err, kChartYamlError);
  EXPECT_EQ(contents(dest), std::vector<std::string>{});
  auto hdest = tmp_.path() / "hout";
  stdfs::create_directories(hdest);
  auto theirs = helm({"pull", "cbomb", "--repo", url_, "--untar", "-d", hdest.string()});
  EXPECT_EQ(theirs.code, 1);
  EXPECT_EQ(mine.err, theirs.err);
}

TEST_F(HostileInput, PullUntarOfAValuesBomb) {
  // charthouse validates the whole chart before expanding it, values.yaml included (Helm
  // 3.17.3's chartutil.Expand reads only Chart.yaml and writes the bomb out unread).
  auto dest = tmp_.path() / "out";
  stdfs::create_directories(dest);
  auto mine = ch({"pull", "bomb", "--repo", url_, "--untar", "-d", dest.string()});
  EXPECT_EQ(mine.code, 1);
  EXPECT_EQ(mine.err, kValuesError);
  EXPECT_EQ(contents(dest), std::vector<std::string>{});
  // Without --untar nothing reads the chart: the archive is saved as it is.
  auto plain = ch({"pull", "bomb", "--repo", url_, "-d", dest.string()});
  EXPECT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(testing::read(dest / "bomb-0.1.0.tgz"),
            testing::read(tmp_.path() / "site/bomb-0.1.0.tgz"));
}

TEST_F(HostileInput, PullUntarOfManyEmptyEntries) {
  // 300,000 empty entries in 3 MB of gzip (the reported archive had 3 million in 6.5 MB).
  EXPECT_LT(stdfs::file_size(tmp_.path() / "site/entries-0.1.0.tgz"), 4u * 1024 * 1024);
  auto dest = tmp_.path() / "out";
  stdfs::create_directories(dest);
  auto mine = ch({"pull", "entries", "--repo", url_, "--untar", "-d", dest.string()});
  EXPECT_EQ(mine.code, 1);
  EXPECT_EQ(mine.err, "Error: chart archive has more than the maximum of 20000 entries\n");
  EXPECT_EQ(contents(dest), std::vector<std::string>{});
  auto show = ch({"show", "chart", (tmp_.path() / "site/entries-0.1.0.tgz").string()});
  EXPECT_EQ(show.code, 1);
  EXPECT_EQ(show.err, "Error: chart archive has more than the maximum of 20000 entries\n");
}

// `dependency update` output with the temporary directory's pid and the chart's path made
// comparable between two tools.
std::string normalized(const std::string& out, const std::string& dir) {
  std::string s = std::regex_replace(out, std::regex("tmpcharts-[0-9]+"), "tmpcharts-PID");
  size_t at;
  while ((at = s.find(dir)) != std::string::npos) s.replace(at, dir.size(), "DIR");
  return s;
}

TEST_F(HostileInput, DependencyUpdateOfAValuesBombArchive) {
  // Helm's safeMoveDeps: a download that does not load is reported and skipped, and the
  // update succeeds without it. charthouse must get there too, instead of dying in the load.
  auto write_parent = [&](const stdfs::path& dir) {
    testing::write(dir / "Chart.yaml",
                   "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n"
                   "- name: bomb\n  version: 0.1.0\n  repository: " +
                       url_ + "\n");
  };
  auto mine_dir = tmp_.path() / "mine";
  auto their_dir = tmp_.path() / "theirs";
  write_parent(mine_dir);
  write_parent(their_dir);
  auto mine = ch({"dependency", "update", mine_dir.string()});
  auto theirs = helm({"dependency", "update", their_dir.string()});
  EXPECT_EQ(mine.code, 0) << mine.err;
  EXPECT_EQ(theirs.code, 0) << theirs.err;
  EXPECT_NE(mine.out.find("for moving: cannot load values.yaml: error converting YAML to JSON: "
                          "yaml: document contains excessive aliasing (Skipping)"),
            std::string::npos)
      << mine.out;
  EXPECT_EQ(normalized(mine.out, mine_dir.string()), normalized(theirs.out, their_dir.string()));
  EXPECT_EQ(contents(mine_dir / "charts"), std::vector<std::string>{});
}

TEST_F(HostileInput, DependencyUpdateOfABombIndex) {
  auto dir = tmp_.path() / "parent";
  testing::write(dir / "Chart.yaml",
                 "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n"
                 "- name: bomb\n  version: 0.1.0\n  repository: " +
                     url_ + "/bombindex\n");
  auto mine = ch({"dependency", "update", dir.string()});
  EXPECT_EQ(mine.code, 1);
  EXPECT_NE(mine.out.find("...Unable to get an update from the \"" + url_ +
                          "/bombindex\" chart repository:\n\t"),
            std::string::npos)
      << mine.out;
  EXPECT_NE(mine.out.find("document contains excessive aliasing\n"), std::string::npos) << mine.out;
  EXPECT_EQ(mine.err.rfind("Error: no cached repository for helm-manager-", 0), 0u) << mine.err;
  EXPECT_EQ(helm({"dependency", "update", dir.string()}).code, 1);
  EXPECT_FALSE(stdfs::exists(dir / "charts"));
  EXPECT_FALSE(stdfs::exists(dir / "Chart.lock"));
}

}  // namespace
}  // namespace ch
