// Tests of actions/login.cpp: the host a login argument names, and logout from Helm's file.
#include "actions/login.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "base/file.hpp"
#include "client/credentials.hpp"
#include "testing.hpp"
#include "unit_helpers.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;

TEST(Login, HostArgumentLosesSchemeAndPath) {
  EXPECT_EQ(actions::login_host("r.example:5000"), "r.example:5000");
  EXPECT_EQ(actions::login_host("oci://r.example:5000/charts/app"), "r.example:5000");
  EXPECT_EQ(actions::login_host("https://r.example/"), "r.example");
  EXPECT_EQ(actions::login_host("http://localhost:5000"), "localhost:5000");
  EXPECT_EQ(actions::login_host("ghcr.io/org"), "ghcr.io");
  // A scheme counts only at the start.
  EXPECT_EQ(actions::login_host("r.example/oci://x"), "r.example");
  EXPECT_EQ(actions::login_host(""), "");
}

TEST(Login, LogoutRemovesOnlyThatHostsEntries) {
  fs::TempDir tmp;
  // No credential helper may be found on PATH: the file itself holds the credentials.
  testing::ScopedEnv path("PATH", (tmp.path() / "bin").string());
  testing::ScopedEnv docker("DOCKER_CONFIG", (tmp.path() / "docker").string());
  stdfs::path config = tmp.path() / "registry/config.json";
  client::CredentialStore store(config, tmp.path() / "docker/config.json");
  store.store("r.example:5000", {"u", "p", "", ""});
  store.store("other.example", {"o", "q", "", ""});
  store.store("docker.io", {"d", "h", "", ""});

  actions::logout("r.example:5000", config.string());
  EXPECT_TRUE(store.get("r.example:5000").empty());
  EXPECT_EQ(store.get("other.example").username, "o");
  // Docker Hub's aliases name one entry.
  actions::logout("registry-1.docker.io", config.string());
  EXPECT_TRUE(store.get("docker.io").empty());
  EXPECT_EQ(store.get("other.example").password, "q");
  // Logging out of a host without credentials changes nothing.
  std::string before = testing::read(config);
  actions::logout("never.example", config.string());
  EXPECT_EQ(testing::read(config), before);
}

}  // namespace
}  // namespace ch
