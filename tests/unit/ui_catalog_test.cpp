#include "server/ui/catalog.hpp"

#include <gtest/gtest.h>

namespace ch::server::ui {
namespace {

store::ChartTag tag(const std::string& repo, const std::string& tag, const std::string& version,
                    const std::string& created, const std::string& extra = "") {
  auto m = std::make_shared<store::Manifest>();
  m->repository = repo;
  m->digest = digest_of(repo + version);
  m->chart = R"({"entry":{"name":")" + repo.substr(repo.rfind('/') + 1) + R"(","version":")" +
             version + R"(","created":")" + created + R"(","description":"d )" + version + "\"" +
             extra + R"(},"layer":"sha256:)" + std::string(64, 'a') + R"(","prov":""})";
  return {repo, tag, m};
}

TEST(UiCatalog, VersionsNewestFirstOncePerVersion) {
  auto c = build_catalog({tag("charts/app", "1.2.0", "1.2.0", "2026-01-02T00:00:00Z"),
                          tag("charts/app", "latest", "1.10.0", "2026-01-03T00:00:00Z"),
                          tag("charts/app", "1.10.0", "1.10.0", "2026-01-03T00:00:00Z"),
                          tag("charts/app", "1.9.0-rc.1", "1.9.0-rc.1", "2026-01-01T00:00:00Z"),
                          tag("a/z", "0.1.0", "0.1.0", "2025-01-01T00:00:00Z")},
                         7);
  ASSERT_EQ(c->charts.size(), 2u);
  EXPECT_EQ(c->charts[0].repository, "a/z");
  const ChartRepo* app = c->find("charts/app");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->ns, "charts");
  EXPECT_EQ(app->name, "app");
  ASSERT_EQ(app->versions.size(), 3u);
  EXPECT_EQ(app->versions[0].version, "1.10.0");
  EXPECT_EQ(app->versions[0].tag, "1.10.0");  // its own tag, not "latest"
  EXPECT_EQ(app->versions[1].version, "1.9.0-rc.1");
  EXPECT_EQ(app->versions[2].version, "1.2.0");
  EXPECT_EQ(app->last_push, "2026-01-03T00:00:00Z");
  EXPECT_EQ(app->find("latest"), nullptr);  // "latest" names 1.10.0, found by its version
  EXPECT_NE(app->find("1.2.0"), nullptr);
  EXPECT_EQ(c->generation, 7u);
}

TEST(UiCatalog, SearchNeedsEveryWordAndIgnoresCase) {
  auto c = build_catalog({tag("team/grafana", "1.0.0", "1.0.0", "x",
                              R"(,"keywords":["Dashboards"],"maintainers":[{"name":"Zoe"}])")},
                         1);
  const ChartRepo& g = c->charts[0];
  EXPECT_TRUE(matches(g, ""));
  EXPECT_TRUE(matches(g, "GRAF"));
  EXPECT_TRUE(matches(g, "dashboards zoe"));
  EXPECT_FALSE(matches(g, "dashboards nobody"));
  EXPECT_TRUE(matches(g, "   team  "));
}

TEST(UiCatalog, ManifestsWithoutAReadableEntryAreSkipped) {
  auto bad = tag("x/y", "1", "1", "t");
  std::const_pointer_cast<store::Manifest>(bad.manifest)->chart = "{not json";
  auto c = build_catalog({bad, tag("x/ok", "1.0.0", "1.0.0", "t")}, 1);
  ASSERT_EQ(c->charts.size(), 1u);
  EXPECT_EQ(c->charts[0].repository, "x/ok");
}

}  // namespace
}  // namespace ch::server::ui
