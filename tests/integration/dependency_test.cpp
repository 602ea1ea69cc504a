// `charthouse dependency update|build|list` against the real Helm 3.17.3 and 4.1.4 on the
// same chart: one oci:// dependency (charthouse serve), one classic dependency (a static
// index.yaml and archives served by Debian's nginx), one file:// dependency. The charts/
// contents and Chart.lock (but `generated`) must be the same.
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
using testing::kHelm4;

std::string without_generated(const std::string& lock) {
  std::string out;
  size_t pos = 0;
  while (pos < lock.size()) {
    size_t end = lock.find('\n', pos);
    if (end == std::string::npos) end = lock.size();
    std::string line = lock.substr(pos, end - pos);
    if (line.rfind("generated:", 0) != 0) out += line + "\n";
    pos = end + 1;
  }
  return out;
}

class Dependencies : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = tmp_.path();
    int port = 0;
    registry_ = testing::start_server(CH_BINARY, (w / "store").string(), {}, &port);
    registry_host_ = "127.0.0.1:" + std::to_string(port);
    // oci:// charts pushed with charthouse.
    for (std::string v : {"1.2.0", "1.3.0", "2.0.0"}) {
      auto tgz = package("ocidep", v);
      auto p = ch({"push", tgz.string(), "oci://" + registry_host_ + "/charts", "--plain-http"});
      ASSERT_EQ(p.code, 0) << p.err;
    }
    // A classic repository: archives + an index.yaml made by the real `helm repo index`.
    stdfs::create_directories(w / "classic");
    for (std::string v : {"0.5.0", "0.5.3", "0.6.0"})
      stdfs::copy_file(package("classicdep", v), w / "classic" / ("classicdep-" + v + ".tgz"));
    ASSERT_EQ(run({kHelm3, "repo", "index", (w / "classic").string()}, w, env()).code, 0);
    stdfs::create_directories(w / "nginx");
    nginx_ = testing::start_nginx((w / "classic").string(), (w / "nginx").string(), &port);
    classic_url_ = "http://127.0.0.1:" + std::to_string(port);
    // A local chart next to the parent.
    testing::write_chart(w / "localdep", "localdep", "0.1.0", {{"values.yaml", "l: 1\n"}});
  }

  stdfs::path package(const std::string& name, const std::string& version) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version, {{"values.yaml", "v: \"" + version + "\"\n"}});
    auto r = run({CH_BINARY, "package", dir.string(), "-d", (tmp_.path() / "pkg").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return tmp_.path() / "pkg" / (name + "-" + version + ".tgz");
  }

  std::map<std::string, std::string> env() {
    auto w = tmp_.path();
    return {{"HELM_CONFIG_HOME", (w / "hc").string()},
            {"HELM_CACHE_HOME", (w / "hk").string()},
            {"HELM_DATA_HOME", (w / "hd").string()},
            {"HELM_REPOSITORY_CONFIG", (w / "hc/repositories.yaml").string()},
            {"HELM_REPOSITORY_CACHE", (w / "hk/repository").string()},
            {"DOCKER_CONFIG", (w / "docker").string()},
            {"HOME", w.string()}};
  }
  RunResult ch(std::vector<std::string> args) {
    args.insert(args.begin(), CH_BINARY);
    return run(args, tmp_.path(), env());
  }

  // The parent chart, as `dir`, with the three dependencies.
  void write_parent(const stdfs::path& dir, const std::string& classic_repository) {
    testing::write_chart(dir, "app", "1.0.0", {{"values.yaml", "a: 1\n"}});
    testing::write(
        dir / "Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n"
        "- name: ocidep\n  version: \"^1.0\"\n  repository: oci://" +
            registry_host_ +
            "/charts\n"
            "- name: classicdep\n  version: ~0.5\n  repository: " +
            classic_repository +
            "\n  condition: classicdep.enabled\n"
            "- name: localdep\n  version: \">=0.1.0\"\n  repository: file://../localdep\n"
            "  alias: local\n");
  }

  // Copies `src` to <name> and runs `dependency <verb>` on it with a tool.
  RunResult dep(const std::string& tool, const std::string& verb, const stdfs::path& dir) {
    std::vector<std::string> args = {tool, "dependency", verb, dir.string(), "--plain-http"};
    if (tool == CH_BINARY) args.erase(args.begin());
    return tool == CH_BINARY ? ch(args) : run(args, tmp_.path(), env());
  }

  // charts/ of two charts hold the same archives: same names, same bytes, except archives
  // packaged from file:// dependencies, whose entries must match but whose times may not.
  void expect_same_charts(const stdfs::path& a, const stdfs::path& b) {
    auto la = testing::list_files(a / "charts");
    auto lb = testing::list_files(b / "charts");
    ASSERT_EQ(la, lb);
    for (const std::string& f : la) {
      if (f.rfind("localdep-", 0) == 0) {
        auto xa = tmp_.path() / "xa", xb = tmp_.path() / "xb";
        stdfs::remove_all(xa);
        stdfs::remove_all(xb);
        stdfs::create_directories(xa);
        stdfs::create_directories(xb);
        ASSERT_EQ(run({"/bin/tar", "-xzf", (a / "charts" / f).string(), "-C", xa.string()}).code,
                  0);
        ASSERT_EQ(run({"/bin/tar", "-xzf", (b / "charts" / f).string(), "-C", xb.string()}).code,
                  0);
        ASSERT_EQ(testing::list_files(xa), testing::list_files(xb));
        for (const std::string& g : testing::list_files(xa))
          EXPECT_EQ(testing::read(xa / g), testing::read(xb / g)) << f << ": " << g;
      } else {
        EXPECT_EQ(testing::read(a / "charts" / f), testing::read(b / "charts" / f)) << f;
      }
    }
  }

  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> registry_;
  std::unique_ptr<testing::Process> nginx_;
  std::string registry_host_;
  std::string classic_url_;
};

TEST_F(Dependencies, UpdateMatchesBothHelms) {
  auto w = tmp_.path();
  for (std::string who : {"ch", "h3", "h4"}) write_parent(w / who, classic_url_);
  auto mine = dep(CH_BINARY, "update", w / "ch");
  ASSERT_EQ(mine.code, 0) << mine.out << mine.err;
  for (std::string who : {"h3", "h4"}) {
    SCOPED_TRACE(who);
    auto theirs = dep(who == "h3" ? kHelm3 : kHelm4, "update", w / who);
    ASSERT_EQ(theirs.code, 0) << theirs.out << theirs.err;
    expect_same_charts(w / "ch", w / who);
    EXPECT_EQ(without_generated(testing::read(w / "ch/Chart.lock")),
              without_generated(testing::read(w / who / "Chart.lock")));
  }
  EXPECT_EQ(
      testing::list_files(w / "ch/charts"),
      (std::vector<std::string>{"classicdep-0.5.3.tgz", "localdep-0.1.0.tgz", "ocidep-1.3.0.tgz"}));
  // Helm's lines, in Helm's order.
  EXPECT_NE(mine.out.find("Getting updates for unmanaged Helm repositories...\n"
                          "...Successfully got an update from the \"" +
                          classic_url_ + "\" chart repository\n"),
            std::string::npos)
      << mine.out;
  EXPECT_NE(mine.out.find("Saving 3 charts\n"), std::string::npos) << mine.out;
  EXPECT_NE(mine.out.find("Downloading ocidep from repo oci://" + registry_host_ + "/charts\n"),
            std::string::npos);
  EXPECT_NE(mine.out.find("Deleting outdated charts\n"), std::string::npos);
  EXPECT_NE(mine.err.find("Pulled: " + registry_host_ + "/charts/ocidep:1.3.0"), std::string::npos)
      << mine.err;

  // The lock is rewritten only when the resolution changes (`generated` stays).
  std::string lock = testing::read(w / "ch/Chart.lock");
  auto again = dep(CH_BINARY, "update", w / "ch");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(testing::read(w / "ch/Chart.lock"), lock);

  // `dependency list` prints Helm's table.
  auto other = package("other", "1.0.0");
  for (std::string who : {"ch", "h3"}) {
    stdfs::copy_file(other, w / who / "charts/other-1.0.0.tgz");
  }
  auto list = ch({"dependency", "list", (w / "ch").string()});
  auto helm_list = run({kHelm3, "dependency", "list", (w / "h3").string()}, w, env());
  ASSERT_EQ(helm_list.code, 0) << helm_list.err;
  ASSERT_EQ(list.code, 0) << list.err;
  std::string expected = helm_list.out;
  // Paths differ only by the chart directory's name.
  for (size_t at; (at = expected.find(w.string() + "/h3")) != std::string::npos;)
    expected.replace(at, (w / "h3").string().size(), (w / "ch").string());
  EXPECT_EQ(list.out, expected);

  // build: the lock's versions, after a new ocidep 1.4.0 appeared (update would take it).
  auto tgz = package("ocidep", "1.4.0");
  ASSERT_EQ(ch({"push", tgz.string(), "oci://" + registry_host_ + "/charts", "--plain-http"}).code,
            0);
  stdfs::remove_all(w / "ch/charts");
  // Like Helm, build needs classic repositories configured (update fetched it unmanaged).
  auto unconfigured = dep(CH_BINARY, "build", w / "ch");
  EXPECT_EQ(unconfigured.code, 1);
  EXPECT_NE(unconfigured.err.find("Error: no repository definition for " + classic_url_ +
                                  ". Please add the missing repos via 'helm repo add'"),
            std::string::npos)
      << unconfigured.err;
  ASSERT_EQ(run({kHelm3, "repo", "add", "classic", classic_url_}, w, env()).code, 0);
  auto built = dep(CH_BINARY, "build", w / "ch");
  ASSERT_EQ(built.code, 0) << built.out << built.err;
  EXPECT_EQ(
      testing::list_files(w / "ch/charts"),
      (std::vector<std::string>{"classicdep-0.5.3.tgz", "localdep-0.1.0.tgz", "ocidep-1.3.0.tgz"}));
  // A Chart.yaml edited after the lock: build refuses, as Helm does.
  std::string chart_yaml = testing::read(w / "ch/Chart.yaml");
  testing::write(w / "ch/Chart.yaml", chart_yaml.replace(chart_yaml.find("~0.5"), 4, "~0.6"));
  auto stale = dep(CH_BINARY, "build", w / "ch");
  EXPECT_EQ(stale.code, 1);
  EXPECT_NE(stale.err.find("Error: the lock file (Chart.lock) is out of sync with the "
                           "dependencies file (Chart.yaml). Please update the dependencies"),
            std::string::npos)
      << stale.err;
  // update follows the new constraint and removes outdated archives (other-1.0.0.tgz too:
  // a chart no dependency names).
  auto updated = dep(CH_BINARY, "update", w / "ch");
  ASSERT_EQ(updated.code, 0) << updated.err;
  EXPECT_EQ(
      testing::list_files(w / "ch/charts"),
      (std::vector<std::string>{"classicdep-0.6.0.tgz", "localdep-0.1.0.tgz", "ocidep-1.4.0.tgz"}));
}

TEST_F(Dependencies, ConfiguredRepositoryAliasAndRequirementsYaml) {
  auto w = tmp_.path();
  // The repository configured with the real Helm; charthouse reads the same files.
  ASSERT_EQ(run({kHelm3, "repo", "add", "classic", classic_url_}, w, env()).code, 0);
  for (std::string who : {"ch", "h3"}) {
    // A v2 chart whose dependencies are in requirements.yaml, as older guides show.
    testing::write_chart(w / who, "app", "1.0.0");
    testing::write(w / who / "requirements.yaml",
                   "dependencies:\n- name: classicdep\n  version: \">=0.5.0 <0.6.0\"\n"
                   "  repository: \"@classic\"\n- name: ocidep\n  version: 1.2.0\n"
                   "  repository: oci://" +
                       registry_host_ + "/charts\n");
  }
  auto mine = dep(CH_BINARY, "update", w / "ch");
  auto theirs = dep(kHelm3, "update", w / "h3");
  ASSERT_EQ(mine.code, 0) << mine.out << mine.err;
  ASSERT_EQ(theirs.code, 0) << theirs.out << theirs.err;
  EXPECT_NE(mine.err.find("Warning: Dependencies are handled in Chart.yaml since apiVersion "
                          "\"v2\". We recommend migrating dependencies to Chart.yaml."),
            std::string::npos)
      << mine.err;
  EXPECT_NE(mine.out.find("Hang tight while we grab the latest from your chart repositories...\n"
                          "...Successfully got an update from the \"classic\" chart repository\n"
                          "Update Complete. ⎈Happy Helming!⎈\n"),
            std::string::npos)
      << mine.out;
  expect_same_charts(w / "ch", w / "h3");
  EXPECT_EQ(without_generated(testing::read(w / "ch/Chart.lock")),
            without_generated(testing::read(w / "h3/Chart.lock")));

  // An apiVersion v1 chart: requirements.yaml with alias:name, requirements.lock written.
  for (std::string who : {"v1ch", "v1h3"}) {
    testing::write(w / who / "Chart.yaml", "apiVersion: v1\nname: old\nversion: 0.1.0\n");
    testing::write(w / who / "requirements.yaml",
                   "dependencies:\n- name: classicdep\n  version: 0.5.0\n"
                   "  repository: alias:classic\n");
  }
  ASSERT_EQ(dep(CH_BINARY, "update", w / "v1ch").code, 0);
  ASSERT_EQ(dep(kHelm3, "update", w / "v1h3").code, 0);
  expect_same_charts(w / "v1ch", w / "v1h3");
  EXPECT_FALSE(stdfs::exists(w / "v1ch/Chart.lock"));
  EXPECT_EQ(without_generated(testing::read(w / "v1ch/requirements.lock")),
            without_generated(testing::read(w / "v1h3/requirements.lock")));

  // package -u updates the dependencies first; the archive carries them.
  testing::write_chart(w / "pkg-u", "withdeps", "1.0.0");
  testing::write(w / "pkg-u/Chart.yaml",
                 "apiVersion: v2\nname: withdeps\nversion: 1.0.0\ndependencies:\n"
                 "- name: ocidep\n  version: ~1.2\n  repository: oci://" +
                     registry_host_ + "/charts\n");
  auto packaged =
      ch({"package", "-u", (w / "pkg-u").string(), "-d", (w / "out").string(), "--plain-http"});
  ASSERT_EQ(packaged.code, 0) << packaged.err;
  EXPECT_EQ(packaged.out.find("Saving"), std::string::npos) << "Helm discards the manager's output";
  auto listing = run({"/bin/tar", "-tzf", (w / "out/withdeps-1.0.0.tgz").string()});
  EXPECT_NE(listing.out.find("withdeps/charts/ocidep/Chart.yaml"), std::string::npos)
      << listing.out;

  // Errors: an unknown @name, a version nobody has, a missing file:// path.
  testing::write_chart(w / "bad", "bad", "1.0.0");
  struct Case {
    std::string deps;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"- name: x\n  version: 1.0.0\n  repository: \"@nowhere\"\n",
            "no repository definition for @nowhere. Please add them via 'helm repo add'"},
           {"- name: ocidep\n  version: ^9\n  repository: oci://" + registry_host_ + "/charts\n",
            "can't get a valid version for 1 subchart(s): \"ocidep\" (repository \"oci://" +
                registry_host_ + "/charts\", version \"^9\")"},
           {"- name: gone\n  version: 1.0.0\n  repository: file://../gone\n", "not found"}}) {
    testing::write(w / "bad/Chart.yaml",
                   "apiVersion: v2\nname: bad\nversion: 1.0.0\ndependencies:\n" + c.deps);
    auto r = dep(CH_BINARY, "update", w / "bad");
    EXPECT_EQ(r.code, 1) << c.deps;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(stdfs::exists(w / "bad/Chart.lock"));
    EXPECT_FALSE(stdfs::exists(w / "bad/charts") && !testing::list_files(w / "bad/charts").empty());
  }
}

}  // namespace
}  // namespace ch
