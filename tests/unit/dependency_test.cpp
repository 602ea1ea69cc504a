// Tests of actions/dependency.cpp: `helm dependency list` statuses and the Chart.lock digest.
// (update and build fetch from repositories and registries: the integration tests run them.)
#include "actions/dependency.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm/archive.hpp"
#include "helm/loader.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;

// Packages the chart `name`-`version` into `dir` as `file` (default <name>-<version>.tgz).
void package_into(const stdfs::path& dir, const std::string& name, const std::string& version,
                  const std::string& file = "") {
  fs::TempDir src;
  testing::write_chart(src.path() / name, name, version);
  stdfs::path tgz = helm::save_archive(helm::load_dir(src.path() / name), src.path(), {});
  stdfs::create_directories(dir);
  stdfs::copy_file(tgz, dir / (file.empty() ? tgz.filename().string() : file));
}

TEST(DependencyList, StatusOfEachDependencyAsHelmReportsIt) {
  fs::TempDir tmp;
  stdfs::path chart = tmp.path() / "parent";
  testing::write_chart(chart, "parent", "1.0.0",
                       {{"Chart.yaml",
                         "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n"
                         "- {name: a, version: 1.0.0, repository: https://charts.example.com}\n"
                         "- {name: b, version: ^2.0.0, repository: file://../b}\n"
                         "- {name: c, version: 1.0.0, repository: oci://r.example/charts}\n"
                         "- {name: d, version: 1.x, repository: \"\"}\n"
                         "- {name: e, version: 1.0.0, repository: \"\"}\n"
                         "- {name: f, version: 1.0.0, repository: \"\"}\n"
                         "- {name: h, version: ~1.0, repository: \"\"}\n"}});
  package_into(chart / "charts", "a", "1.0.0");            // ok
  testing::write_chart(chart / "charts/b", "b", "1.0.0");  // wrong version (unpacked)
  testing::write_chart(chart / "charts/d", "d", "1.2.0");  // unpacked
  package_into(chart / "charts", "e", "1.0.0");            // two archives: too many
  package_into(chart / "charts", "e", "1.1.0");
  package_into(chart / "charts", "g", "1.0.0", "f-1.0.0.tgz");     // misnamed
  package_into(chart / "charts", "h", "2.0.0");                    // wrong version (archive)
  testing::write_chart(chart / "charts/extra", "extra", "0.1.0");  // not in Chart.yaml
  EXPECT_EQ(actions::dependency_list(chart),
            "NAME\tVERSION\tREPOSITORY                \tSTATUS          \n"
            "a   \t1.0.0  \thttps://charts.example.com\tok              \n"
            "b   \t^2.0.0 \tfile://../b               \twrong version   \n"
            "c   \t1.0.0  \toci://r.example/charts    \tmissing         \n"
            "d   \t1.x    \t                          \tunpacked        \n"
            "e   \t1.0.0  \t                          \ttoo many matches\n"
            "f   \t1.0.0  \t                          \tmisnamed        \n"
            "h   \t~1.0   \t                          \twrong version   \n"
            "\n"
            "WARNING: \"" +
                (chart / "charts/extra").string() +
                "\" is not in Chart.yaml.\n"
                "WARNING: \"" +
                (chart / "charts/f-1.0.0.tgz").string() + "\" is not in Chart.yaml.\n");
}

TEST(DependencyList, NoDependenciesAndNarrowColumns) {
  fs::TempDir tmp;
  testing::write_chart(tmp.path() / "c", "c", "1.0.0");
  EXPECT_EQ(actions::dependency_list(tmp.path() / "c"),
            "WARNING: no dependencies at " + (tmp.path() / "c/charts").string() + "\n");
  testing::write(tmp.path() / "c/Chart.yaml",
                 "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n"
                 "- {name: dep, version: 1.0.0, repository: https://charts.example.com/stable}\n");
  EXPECT_EQ(actions::dependency_list(tmp.path() / "c", 10),
            "NAME\tVERSION\tREPOSITORY\tSTATUS \n"
            "dep \t1.0.0  \thttps:/...\tmissing\n\n");
}

TEST(DependencyLock, DigestIsSha256OfGoJsonOfRequestedAndLocked) {
  helm::Dependency req;
  req.name = "common";
  req.version = "^2.0.0";
  req.repository = "oci://registry-1.docker.io/bitnamicharts";
  req.alias = "base";
  helm::Dependency locked;
  locked.name = "common";
  locked.version = "2.13.3";
  locked.repository = "oci://registry-1.docker.io/bitnamicharts";
  helm::Dependency bare;
  bare.name = "bare";
  // Go's json.Marshal of [2][]*chart.Dependency: field order name, version, repository, ...,
  // alias; empty fields left out except repository.
  std::string json =
      R"([[{"name":"common","version":"^2.0.0","repository":"oci://registry-1.docker.io/bitnamicharts","alias":"base"},)"
      R"({"name":"bare","repository":""}],)"
      R"([{"name":"common","version":"2.13.3","repository":"oci://registry-1.docker.io/bitnamicharts"}]])";
  EXPECT_EQ(actions::lock_digest({req, bare}, {locked}), digest_of(json).str());
  // Any change of a requested or locked field changes the digest.
  helm::Dependency other = locked;
  other.version = "2.13.4";
  EXPECT_NE(actions::lock_digest({req, bare}, {other}),
            actions::lock_digest({req, bare}, {locked}));
  EXPECT_NE(actions::lock_digest({bare, req}, {locked}),
            actions::lock_digest({req, bare}, {locked}));
}

}  // namespace
}  // namespace ch
