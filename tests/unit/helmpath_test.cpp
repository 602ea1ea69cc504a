// Tests of helm/helmpath.cpp: Helm's config, cache and data homes from the same variables.
#include "helm/helmpath.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "unit_helpers.hpp"

namespace ch {
namespace {

using testing::ScopedEnv;

TEST(HelmPath, EnvironmentOverridesAndDefaults) {
  ScopedEnv home("HOME", "/home/u");  // restored afterwards: later tests see the real HOME
  unsetenv("HELM_CONFIG_HOME");
  unsetenv("XDG_CONFIG_HOME");
  unsetenv("HELM_REGISTRY_CONFIG");
  unsetenv("HELM_CACHE_HOME");
  unsetenv("XDG_CACHE_HOME");
  unsetenv("HELM_REPOSITORY_CACHE");
  EXPECT_EQ(helmpath::registry_config(), "/home/u/.config/helm/registry/config.json");
  EXPECT_EQ(helmpath::repository_cache(), "/home/u/.cache/helm/repository");
  setenv("XDG_CONFIG_HOME", "/xdg", 1);
  EXPECT_EQ(helmpath::repository_config(), "/xdg/helm/repositories.yaml");
  setenv("HELM_CONFIG_HOME", "/hc", 1);
  EXPECT_EQ(helmpath::registry_config(), "/hc/registry/config.json");
  setenv("HELM_REGISTRY_CONFIG", "/r.json", 1);
  EXPECT_EQ(helmpath::registry_config(), "/r.json");
  unsetenv("HELM_CONFIG_HOME");
  unsetenv("XDG_CONFIG_HOME");
  unsetenv("HELM_REGISTRY_CONFIG");
}

// Every variable helmpath reads, unset (and HOME set) for the length of a test.
struct CleanEnvironment {
  std::vector<std::unique_ptr<ScopedEnv>> vars;
  CleanEnvironment() {
    for (const char* name :
         {"HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME", "XDG_CONFIG_HOME",
          "XDG_CACHE_HOME", "XDG_DATA_HOME", "HELM_REGISTRY_CONFIG", "HELM_REPOSITORY_CONFIG",
          "HELM_REPOSITORY_CACHE", "HELM_CONTENT_CACHE"})
      vars.push_back(std::make_unique<ScopedEnv>(name, std::nullopt));
    vars.push_back(std::make_unique<ScopedEnv>("HOME", "/home/h"));
  }
};

TEST(HelmPath, DefaultsUnderHomeAsHelmOnLinux) {
  CleanEnvironment env;
  EXPECT_EQ(helmpath::config_home(), "/home/h/.config/helm");
  EXPECT_EQ(helmpath::cache_home(), "/home/h/.cache/helm");
  EXPECT_EQ(helmpath::data_home(), "/home/h/.local/share/helm");
  EXPECT_EQ(helmpath::registry_config(), "/home/h/.config/helm/registry/config.json");
  EXPECT_EQ(helmpath::repository_config(), "/home/h/.config/helm/repositories.yaml");
  EXPECT_EQ(helmpath::repository_cache(), "/home/h/.cache/helm/repository");
  EXPECT_EQ(helmpath::content_cache(), "/home/h/.cache/helm/content");
}

TEST(HelmPath, HelmVariablesWinOverXdgAndXdgGetsAHelmDirectory) {
  CleanEnvironment env;
  ScopedEnv xdg_cache("XDG_CACHE_HOME", "/xc");
  ScopedEnv xdg_data("XDG_DATA_HOME", "/xd");
  EXPECT_EQ(helmpath::cache_home(), "/xc/helm");
  EXPECT_EQ(helmpath::data_home(), "/xd/helm");
  EXPECT_EQ(helmpath::content_cache(), "/xc/helm/content");
  ScopedEnv helm_cache("HELM_CACHE_HOME", "/hc");
  ScopedEnv helm_data("HELM_DATA_HOME", "/hd");
  EXPECT_EQ(helmpath::cache_home(), "/hc");  // no "helm" appended to Helm's own variable
  EXPECT_EQ(helmpath::data_home(), "/hd");
  EXPECT_EQ(helmpath::repository_cache(), "/hc/repository");
  EXPECT_EQ(helmpath::content_cache(), "/hc/content");
}

TEST(HelmPath, FileVariablesWinOverTheHomes) {
  CleanEnvironment env;
  ScopedEnv config("HELM_CONFIG_HOME", "/hc");
  ScopedEnv cache("HELM_CACHE_HOME", "/cc");
  ScopedEnv repositories("HELM_REPOSITORY_CONFIG", "/etc/repos.yaml");
  ScopedEnv repository_cache("HELM_REPOSITORY_CACHE", "/var/repo-cache");
  ScopedEnv content("HELM_CONTENT_CACHE", "/var/content");
  EXPECT_EQ(helmpath::repository_config(), "/etc/repos.yaml");
  EXPECT_EQ(helmpath::repository_cache(), "/var/repo-cache");
  EXPECT_EQ(helmpath::content_cache(), "/var/content");
  EXPECT_EQ(helmpath::registry_config(), "/hc/registry/config.json");
}

TEST(HelmPath, EmptyVariablesCountAsUnset) {
  // Go's os.Getenv cannot tell an empty variable from a missing one; Helm falls through.
  CleanEnvironment env;
  ScopedEnv config("HELM_CONFIG_HOME", "");
  ScopedEnv xdg("XDG_CONFIG_HOME", "");
  ScopedEnv registry("HELM_REGISTRY_CONFIG", "");
  EXPECT_EQ(helmpath::config_home(), "/home/h/.config/helm");
  EXPECT_EQ(helmpath::registry_config(), "/home/h/.config/helm/registry/config.json");
}

}  // namespace
}  // namespace ch
