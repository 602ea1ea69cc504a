// Tests of actions/repo.cpp: `helm repo` add checks, remove, list and index on local files.
// (Fetching indexes and charts over HTTP is run by the integration tests.)
#include "actions/repo.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/archive.hpp"
#include "helm/loader.hpp"
#include "testing.hpp"
#include "unit_helpers.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;

helm::RepoEntry entry(const std::string& name, const std::string& url) {
  helm::RepoEntry e;
  e.name = name;
  e.url = url;
  return e;
}

class Repo : public ::testing::Test {
 protected:
  void SetUp() override {
    paths_.config = tmp_.path() / "config/repositories.yaml";
    paths_.cache = tmp_.path() / "cache";
    helm::RepoFile f;
    f.update(entry("stable", "https://charts.example.com"));
    f.update(entry("other", "https://other.example.com/charts"));
    f.save(paths_.config);
    testing::write(helm::index_cache_file(paths_.cache, "stable"), "apiVersion: v1\n");
    testing::write(helm::charts_cache_file(paths_.cache, "stable"), "a\n");
    testing::write(helm::index_cache_file(paths_.cache, "other"), "apiVersion: v1\n");
  }
  std::string error_of(const std::function<void()>& fn, ErrorCode* code = nullptr) {
    try {
      fn();
    } catch (const Error& e) {
      if (code != nullptr) *code = e.code();
      return e.what();
    }
    return "";
  }
  fs::TempDir tmp_;
  actions::RepoPaths paths_;
};

TEST_F(Repo, RemoveDropsTheEntryAndItsCacheFiles) {
  EXPECT_EQ(actions::repo_remove(paths_, {"stable"}),
            "\"stable\" has been removed from your repositories\n");
  helm::RepoFile f = helm::RepoFile::load(paths_.config);
  ASSERT_EQ(f.repositories.size(), 1u);
  EXPECT_EQ(f.repositories[0].name, "other");
  EXPECT_FALSE(stdfs::exists(helm::index_cache_file(paths_.cache, "stable")));
  EXPECT_FALSE(stdfs::exists(helm::charts_cache_file(paths_.cache, "stable")));
  EXPECT_TRUE(stdfs::exists(helm::index_cache_file(paths_.cache, "other")));
  // An unknown name is an error; names before it stay removed, as in Helm.
  ErrorCode code{};
  EXPECT_EQ(error_of(
                [&] {
                  actions::repo_remove(paths_, {"other", "nope"});
                },
                &code),
            "no repo named \"nope\" found");
  EXPECT_EQ(code, ErrorCode::kNotFound);
  EXPECT_TRUE(helm::RepoFile::load(paths_.config).repositories.empty());
  EXPECT_EQ(error_of([&] { actions::repo_remove(paths_, {"other"}); }),
            "no repositories configured");
}

TEST_F(Repo, ListAsTableJsonAndYaml) {
  EXPECT_EQ(actions::repo_list(paths_, "table"),
            "NAME  \tURL                             \n"
            "stable\thttps://charts.example.com      \n"
            "other \thttps://other.example.com/charts\n");
  EXPECT_EQ(actions::repo_list(paths_, "json"),
            "[{\"name\":\"stable\",\"url\":\"https://charts.example.com\"},"
            "{\"name\":\"other\",\"url\":\"https://other.example.com/charts\"}]\n");
  EXPECT_EQ(actions::repo_list(paths_, "yaml"),
            "- name: stable\n  url: https://charts.example.com\n"
            "- name: other\n  url: https://other.example.com/charts\n");
  EXPECT_EQ(error_of([&] { actions::repo_list(paths_, "xml"); }),
            "invalid format type \"xml\": must be one of table, json, yaml");
  actions::RepoPaths none{tmp_.path() / "missing.yaml", paths_.cache};
  EXPECT_EQ(error_of([&] { actions::repo_list(none, "table"); }), "no repositories to show");
  EXPECT_EQ(actions::repo_list(none, "json"), "[]\n");
  EXPECT_EQ(actions::repo_list(none, "yaml"), "[]\n");
}

TEST_F(Repo, AddRefusesBadNamesAndConflictsBeforeAnyDownload) {
  ErrorCode code{};
  EXPECT_EQ(error_of([&] { actions::repo_add(paths_, entry("a/b", "https://x"), false); }, &code),
            "repository name (a/b) contains '/', please specify a different name without '/'");
  EXPECT_EQ(code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      error_of([&] { actions::repo_add(paths_, entry("stable", "https://elsewhere"), false); },
               &code),
      "repository name (stable) already exists, please specify a different name");
  EXPECT_EQ(code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(actions::repo_add(paths_, entry("stable", "https://charts.example.com"), false),
            "\"stable\" already exists with the same configuration, skipping\n");
}

TEST_F(Repo, PathsFromTheEnvironment) {
  testing::ScopedEnv config("HELM_REPOSITORY_CONFIG", "/etc/helm/repos.yaml");
  testing::ScopedEnv cache("HELM_REPOSITORY_CACHE", "/var/cache/helm");
  actions::RepoPaths p = actions::RepoPaths::from_environment();
  EXPECT_EQ(p.config, "/etc/helm/repos.yaml");
  EXPECT_EQ(p.cache, "/var/cache/helm");
}

TEST_F(Repo, IndexWritesTheDirectorysIndexAndMergesLocalFirst) {
  stdfs::path dir = tmp_.path() / "charts";
  for (const char* v : {"1.0.0", "1.1.0"}) {
    testing::write_chart(tmp_.path() / "src" / v, "demo", v);
    stdfs::create_directories(dir);
    helm::save_archive(helm::load_dir(tmp_.path() / "src" / v), dir, {});
  }
  // An existing index to merge: its 1.0.0 loses to the local archive, its 0.9.0 is kept.
  helm::IndexFile old;
  helm::Metadata m;
  m.api_version = "v2";
  m.name = "demo";
  for (const char* v : {"1.0.0", "0.9.0"}) {
    m.version = v;
    old.add(m, std::string("demo-") + v + ".tgz", "https://old.example", "old", "");
  }
  testing::write(tmp_.path() / "old.yaml", old.to_yaml());
  actions::repo_index(dir, "https://r.example", tmp_.path() / "old.yaml", false);
  helm::IndexFile index = helm::IndexFile::load(dir / "index.yaml");
  const auto& list = index.entries.at("demo");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].metadata.version, "1.1.0");
  EXPECT_EQ(list[1].metadata.version, "1.0.0");
  EXPECT_EQ(list[1].urls, std::vector<std::string>{"https://r.example/demo-1.0.0.tgz"});
  EXPECT_NE(list[1].digest, "old");
  EXPECT_EQ(list[2].metadata.version, "0.9.0");
  EXPECT_EQ(list[2].digest, "old");
  // --json writes the JSON form to index.yaml; a missing merge file merges nothing.
  actions::repo_index(dir, "", tmp_.path() / "none.yaml", true);
  std::string json = testing::read(dir / "index.yaml");
  EXPECT_EQ(json.rfind("{\n  \"apiVersion\": \"v1\",\n", 0), 0u) << json;
  EXPECT_EQ(helm::IndexFile::parse(json, "index.yaml").entries.at("demo").size(), 2u);
  EXPECT_EQ(error_of([&] { actions::repo_index(tmp_.path() / "nope", "", "", false); }),
            "stat " + (tmp_.path() / "nope").string() + ": no such file or directory");
}

}  // namespace
}  // namespace ch
