// Tests of actions/show.cpp: what `helm show chart|values|readme|crds|all` prints.
#include "actions/show.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/archive.hpp"
#include "helm/loader.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using actions::ShowFormat;

const char* kChartYaml = "apiVersion: v2\nname: demo\nversion: 1.0.0\n";

// A chart with values, a README, two CRDs (one in a subchart) and files that are not CRDs.
stdfs::path write_demo(const stdfs::path& dir) {
  testing::write_chart(dir, "demo", "1.0.0",
                       {{"values.yaml", "replicas: 1\n"},
                        {"README.md", "# Demo\n"},
                        {"crds/a.yaml", "kind: A\n"},
                        {"crds/notes.txt", "not a manifest\n"},
                        {"templates/crds/x.yaml", "not under crds/\n"},
                        {"charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"},
                        {"charts/sub/crds/b.JSON", "{\"kind\":\"B\"}"}});
  return dir;
}

TEST(Show, EachPartAsHelmPrintsIt) {
  fs::TempDir tmp;
  helm::Chart c = helm::load_dir(write_demo(tmp.path() / "demo"));
  EXPECT_EQ(actions::render_show(c, ShowFormat::kChart), std::string(kChartYaml) + "\n");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kValues), "replicas: 1\n\n");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kReadme), "# Demo\n\n");
  // CRDs of the chart, then of its subcharts; only .yaml/.yml/.json files directly in crds/.
  EXPECT_EQ(actions::render_show(c, ShowFormat::kCrds), "kind: A\n\n{\"kind\":\"B\"}\n");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kAll),
            std::string(kChartYaml) +
                "\n---\nreplicas: 1\n\n---\n# Demo\n\n---\nkind: A\n\n{\"kind\":\"B\"}\n");
}

TEST(Show, MissingPartsPrintNothing) {
  fs::TempDir tmp;
  testing::write_chart(tmp.path() / "bare", "demo", "1.0.0");
  helm::Chart c = helm::load_dir(tmp.path() / "bare");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kValues), "");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kReadme), "");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kCrds), "");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kAll), std::string(kChartYaml) + "\n");
}

TEST(Show, ReadmeNamesAreCaseInsensitiveAndCrdSeparatorsAreNotDoubled) {
  fs::TempDir tmp;
  testing::write_chart(tmp.path() / "c", "demo", "1.0.0",
                       {{"ReadMe.TXT", "text readme"}, {"crds/a.yml", "---\nkind: A"}});
  helm::Chart c = helm::load_dir(tmp.path() / "c");
  EXPECT_EQ(actions::render_show(c, ShowFormat::kReadme), "text readme\n");
  // A CRD file that starts with "---" gets no separator of its own in `show all`.
  EXPECT_EQ(actions::render_show(c, ShowFormat::kAll),
            std::string(kChartYaml) + "\n---\ntext readme\n---\nkind: A\n");
}

TEST(Show, LocalChartsFromDirectoriesAndArchives) {
  fs::TempDir tmp;
  stdfs::path dir = write_demo(tmp.path() / "demo");
  std::string from_dir = actions::show_local(dir.string(), ShowFormat::kAll);
  stdfs::path tgz = helm::save_archive(helm::load_dir(dir), tmp.path(), {});
  EXPECT_EQ(actions::show_local(tgz.string(), ShowFormat::kAll), from_dir);
  EXPECT_THROW(actions::show_local((tmp.path() / "missing").string(), ShowFormat::kChart), Error);
}

}  // namespace
}  // namespace ch
