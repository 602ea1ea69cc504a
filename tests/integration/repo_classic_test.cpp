// Classic chart repositories against real peers: Debian's nginx serving index.yaml and
// archives (with and without Basic auth), and the real Helm 3.17.3 sharing
// repositories.yaml and the repository cache with charthouse.
#include <gtest/gtest.h>

#include "base/file.hpp"
#include "helm_tools.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using testing::run;
using testing::RunResult;

using testing::kHelm3;

// Drops the lines whose value is a time of indexing.
std::string without_times(const std::string& index) {
  std::string out;
  size_t pos = 0;
  while (pos < index.size()) {
    size_t end = index.find('\n', pos);
    if (end == std::string::npos) end = index.size();
    std::string line = index.substr(pos, end - pos);
    if (line.find("created:") == std::string::npos &&
        line.find("generated:") == std::string::npos &&
        line.find("\"created\"") == std::string::npos &&
        line.find("\"generated\"") == std::string::npos)
      out += line + "\n";
    pos = end + 1;
  }
  return out;
}

class ClassicRepos : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = tmp_.path();
    stdfs::create_directories(w / "site/sub");
    // Real charts from the fixtures, one in a subdirectory (`*/*.tgz` is indexed too).
    for (std::string c :
         {"prometheus-community/alertmanager", "prometheus-community/kube-state-metrics"})
      ASSERT_EQ(ch({"package", std::string(CH_FIXTURES_DIR) + "/charts/" + c, "-d",
                    (w / "site").string()})
                    .code,
                0);
    ASSERT_EQ(ch({"package", std::string(CH_FIXTURES_DIR) + "/charts/grafana-community/grafana",
                  "-d", (w / "site/sub").string()})
                  .code,
              0);
    for (std::string v : {"1.0.0", "1.1.0", "2.0.0-beta.1"}) {
      testing::write_chart(w / "src" / v, "demo", v, {{"values.yaml", "v: 1\n"}});
      ASSERT_EQ(ch({"package", (w / "src" / v).string(), "-d", (w / "site").string()}).code, 0);
    }
  }
  std::map<std::string, std::string> env() {
    auto w = tmp_.path();
    return {{"HELM_CONFIG_HOME", (w / "hc").string()},
            {"HELM_CACHE_HOME", (w / "hk").string()},
            {"HELM_DATA_HOME", (w / "hd").string()},
            {"HOME", w.string()}};
  }
  RunResult ch(std::vector<std::string> args) {
    args.insert(args.begin(), CH_BINARY);
    return run(args, tmp_.path(), env());
  }
  RunResult helm(std::vector<std::string> args) {
    args.insert(args.begin(), kHelm3);
    return run(args, tmp_.path(), env());
  }
  void serve(const std::string& htpasswd = {}) {
    int port = 0;
    stdfs::create_directories(tmp_.path() / "nginx");
    nginx_ = testing::start_nginx((tmp_.path() / "site").string(), (tmp_.path() / "nginx").string(),
                                  &port, htpasswd);
    url_ = "http://127.0.0.1:" + std::to_string(port);
  }
  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> nginx_;
  std::string url_;
};

TEST_F(ClassicRepos, IndexIsWhatHelmWrites) {
  auto w = tmp_.path();
  stdfs::copy(w / "site", w / "site2", stdfs::copy_options::recursive);
  for (bool json : {false, true}) {
    std::vector<std::string> extra = {"--url", "https://charts.example.com/x/"};
    if (json) extra.push_back("--json");
    std::vector<std::string> a = {"repo", "index", (w / "site").string()};
    std::vector<std::string> b = {"repo", "index", (w / "site2").string()};
    a.insert(a.end(), extra.begin(), extra.end());
    b.insert(b.end(), extra.begin(), extra.end());
    ASSERT_EQ(ch(a).code, 0);
    ASSERT_EQ(helm(b).code, 0);
    EXPECT_EQ(without_times(testing::read(w / "site/index.yaml")),
              without_times(testing::read(w / "site2/index.yaml")))
        << (json ? "json" : "yaml");
  }
  // --merge: entries of the merged index survive unless the directory has them.
  testing::write(w / "old.yaml",
                 "apiVersion: v1\nentries:\n  legacy:\n  - apiVersion: v1\n    name: legacy\n"
                 "    version: 0.0.1\n    urls: [https://old/legacy-0.0.1.tgz]\n    digest: ab\n"
                 "    created: \"2020-01-01T00:00:00Z\"\ngenerated: \"2020-01-01T00:00:00Z\"\n");
  ASSERT_EQ(ch({"repo", "index", (w / "site").string(), "--merge", (w / "old.yaml").string()}).code,
            0);
  ASSERT_EQ(
      helm({"repo", "index", (w / "site2").string(), "--merge", (w / "old.yaml").string()}).code,
      0);
  EXPECT_EQ(without_times(testing::read(w / "site/index.yaml")),
            without_times(testing::read(w / "site2/index.yaml")));
  EXPECT_NE(testing::read(w / "site/index.yaml").find("https://old/legacy-0.0.1.tgz"),
            std::string::npos);
}

TEST_F(ClassicRepos, AddUpdatePullSharedWithHelm) {
  ASSERT_EQ(ch({"repo", "index", (tmp_.path() / "site").string()}).code, 0);
  serve();
  auto add = ch({"repo", "add", "site", url_});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_EQ(add.out, "\"site\" has been added to your repositories\n");
  // The real Helm sees the repository charthouse added, and its cached index.
  auto search = helm({"search", "repo", "site/demo", "--versions"});
  EXPECT_EQ(search.code, 0) << search.err;
  EXPECT_NE(search.out.find("site/demo\t1.1.0"), std::string::npos) << search.out;
  EXPECT_EQ(ch({"repo", "list"}).out, helm({"repo", "list"}).out);
  auto up = ch({"repo", "update"});
  EXPECT_EQ(up.out,
            "Hang tight while we grab the latest from your chart repositories...\n"
            "...Successfully got an update from the \"site\" chart repository\n"
            "Update Complete. ⎈Happy Helming!⎈\n");

  auto dest = tmp_.path() / "out";
  stdfs::create_directories(dest);
  auto pull = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "pull");
    args.insert(args.end(), {"-d", dest.string()});
    return ch(args);
  };
  auto p = pull({"site/demo"});
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_EQ(p.out + p.err, "");  // Helm prints nothing for a classic pull
  EXPECT_EQ(testing::read(dest / "demo-1.1.0.tgz"),
            testing::read(tmp_.path() / "site/demo-1.1.0.tgz"));
  ASSERT_EQ(pull({"site/demo", "--devel"}).code, 0);
  EXPECT_TRUE(stdfs::exists(dest / "demo-2.0.0-beta.1.tgz"));
  ASSERT_EQ(pull({"site/demo", "--version", "~1.0"}).code, 0);
  EXPECT_TRUE(stdfs::exists(dest / "demo-1.0.0.tgz"));
  ASSERT_EQ(pull({"grafana", "--repo", url_, "--untar"}).code, 0);
  EXPECT_TRUE(stdfs::exists(dest / "grafana/Chart.yaml"));
  auto missing = pull({"site/demo", "--version", "9.9.9"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("Error: chart \"demo\" version \"9.9.9\" not found in " + url_),
            std::string::npos)
      << missing.err;

  // Helm adds, charthouse pulls.
  ASSERT_EQ(helm({"repo", "add", "bysite", url_}).code, 0);
  stdfs::remove(dest / "demo-1.1.0.tgz");
  EXPECT_EQ(pull({"bysite/demo"}).code, 0);
  EXPECT_TRUE(stdfs::exists(dest / "demo-1.1.0.tgz"));

  // An archive that no longer matches the index digest is refused and not written.
  testing::write(tmp_.path() / "site/demo-1.0.0.tgz",
                 testing::read(tmp_.path() / "site/demo-1.1.0.tgz"));
  stdfs::remove(dest / "demo-1.0.0.tgz");
  auto corrupt = pull({"site/demo", "--version", "1.0.0"});
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_NE(corrupt.err.find("digest"), std::string::npos) << corrupt.err;
  EXPECT_FALSE(stdfs::exists(dest / "demo-1.0.0.tgz"));

  auto rm = ch({"repo", "remove", "site"});
  EXPECT_EQ(rm.out, "\"site\" has been removed from your repositories\n");
  EXPECT_FALSE(stdfs::exists(tmp_.path() / "hk/repository/site-index.yaml"));
  std::string listed = helm({"repo", "list"}).out;
  EXPECT_EQ(listed.find("\nsite "), std::string::npos) << listed;
  EXPECT_NE(listed.find("\nbysite"), std::string::npos) << listed;
}

TEST_F(ClassicRepos, BasicAuthAndUnreachable) {
  ASSERT_EQ(ch({"repo", "index", (tmp_.path() / "site").string()}).code, 0);
  auto htpasswd = tmp_.path() / "htpasswd";
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bc", htpasswd.string(), "carol", "s3cret"}).code, 0);
  serve(htpasswd.string());
  auto denied = ch({"repo", "add", "private", url_});
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.err.find("looks like \"" + url_ +
                            "\" is not a valid chart repository or cannot be reached"),
            std::string::npos)
      << denied.err;
  EXPECT_NE(denied.err.find("401"), std::string::npos) << denied.err;
  EXPECT_FALSE(stdfs::exists(tmp_.path() / "hc/repositories.yaml"));
  auto ok = ch({"repo", "add", "private", url_, "--username", "carol", "--password", "s3cret"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  auto dest = tmp_.path() / "out";
  stdfs::create_directories(dest);
  auto p = ch({"pull", "private/demo", "--version", "1.0.0", "-d", dest.string()});
  EXPECT_EQ(p.code, 0) << p.err;
  auto h = helm({"pull", "private/demo", "--version", "1.1.0", "-d", dest.string()});
  EXPECT_EQ(h.code, 0) << h.err;  // Helm uses the credentials charthouse stored
  nginx_.reset();
  auto gone = ch({"repo", "update"});
  EXPECT_NE(gone.out.find("...Unable to get an update from the \"private\" chart repository (" +
                          url_ + "):"),
            std::string::npos)
      << gone.out;
  EXPECT_EQ(ch({"repo", "update", "--fail-on-repo-update-fail"}).code, 1);
}

}  // namespace
}  // namespace ch
