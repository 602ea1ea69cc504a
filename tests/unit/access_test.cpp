// Tests of server/auth/access.cpp: the access file's rules, signature policy and repo globs.
#include "server/auth/access.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "auth_test_helpers.hpp"
#include "base/error.hpp"

namespace ch::server::auth {
namespace {

using namespace test_support;

TEST(RepoGlob, StarCrossesSlashes) {
  EXPECT_TRUE(repo_glob_match("*", "a/b/c"));
  EXPECT_TRUE(repo_glob_match("team/*", "team/app"));
  EXPECT_TRUE(repo_glob_match("team/*", "team/sub/app"));
  EXPECT_FALSE(repo_glob_match("team/*", "teamx/app"));
  EXPECT_FALSE(repo_glob_match("team/*", "other/team/app"));
  EXPECT_TRUE(repo_glob_match("*/charts/*", "org/charts/nginx"));
  EXPECT_TRUE(repo_glob_match("app?", "app1"));
  EXPECT_FALSE(repo_glob_match("app?", "app"));
  EXPECT_TRUE(repo_glob_match("v[0-9]", "v7"));
  EXPECT_FALSE(repo_glob_match("v[^0-9]", "v7"));
  EXPECT_TRUE(repo_glob_match("a\\*", "a*"));
  EXPECT_FALSE(repo_glob_match("a\\*", "ab"));
  EXPECT_TRUE(repo_glob_match("exact/name", "exact/name"));
  EXPECT_FALSE(repo_glob_match("exact/name", "exact/name2"));
  EXPECT_FALSE(repo_glob_valid("a[b"));
  EXPECT_FALSE(repo_glob_valid("a\\"));
  EXPECT_THROW(repo_glob_match("[]", "x"), Error);
}

TEST(AccessRules, FileDecidesPerUserAndAction) {
  auto r = AccessRules::parse(kAccessYaml);
  std::optional<std::string> alice = "alice", bob = "bob", carol = "carol", dave = "dave";
  EXPECT_EQ(r.allowed(alice, "repository", "team/app"),
            (std::vector<std::string>{"pull", "push", "delete"}));
  EXPECT_EQ(r.allowed(alice, "repository", "other/app"), std::vector<std::string>{"pull"});
  EXPECT_EQ(r.allowed(bob, "repository", "team/app"), std::vector<std::string>{"pull"});
  // carol has her own (empty) entry: only anonymous rights, not `default`.
  EXPECT_TRUE(r.allowed(carol, "repository", "shared/x").empty());
  EXPECT_EQ(r.allowed(carol, "repository", "public/x"), std::vector<std::string>{"pull"});
  // dave has no entry: `default` plus anonymous.
  EXPECT_EQ(r.allowed(dave, "repository", "shared/x"), std::vector<std::string>{"pull"});
  EXPECT_TRUE(r.allowed(dave, "repository", "team/app").empty());
  EXPECT_EQ(r.allowed(alice, "registry", "catalog"), std::vector<std::string>{"*"});
  EXPECT_TRUE(r.allowed(bob, "registry", "catalog").empty());
}

TEST(AccessRules, AnonymousPullOnPatternsOnly) {
  auto r = AccessRules::parse(kAccessYaml);
  EXPECT_TRUE(r.allows(std::nullopt, scope("repository:public/charts/nginx:pull")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("repository:public/nginx:pull,push")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("repository:team/app:pull")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("registry:catalog:*")));
}

TEST(AccessRules, NoFileMeansUsersMayDoEverythingAnonymousNothing) {
  AccessRules r;
  EXPECT_TRUE(r.allows(std::string("anyone"), scope("repository:a/b:pull,push,delete")));
  EXPECT_TRUE(r.allows(std::string("anyone"), scope("repository:a/b:*")));
  EXPECT_TRUE(r.allows(std::string("anyone"), scope("registry:catalog:*")));
  EXPECT_FALSE(r.allows(std::nullopt, scope("repository:a/b:pull")));
}

TEST(AccessRules, GrantIntersectsAndNeverExceedsRequest) {
  auto r = AccessRules::parse(kAccessYaml);
  EXPECT_EQ(r.grant(std::string("bob"), scope("repository:team/app:pull,push")).str(),
            "repository:team/app:pull");
  EXPECT_EQ(r.grant(std::string("alice"), scope("repository:team/app:push")).str(),
            "repository:team/app:push");
  EXPECT_EQ(r.grant(std::string("alice"), scope("repository:team/app:*")).str(),
            "repository:team/app:*");
  EXPECT_EQ(r.grant(std::string("alice"), scope("repository:x:*")).str(), "repository:x:pull");
  EXPECT_TRUE(r.grant(std::string("bob"), scope("repository:team/app:push")).actions.empty());
  EXPECT_TRUE(r.grant(std::string("alice"), scope("repository:team/app:mount")).actions.empty());
  EXPECT_TRUE(r.grant(std::string("alice"), scope("registry:other:*")).actions.empty());
}

TEST(AccessRules, SignaturePolicyTakesTheFirstMatchingRule) {
  const std::filesystem::path fixture =
      std::filesystem::path(CH_FIXTURES_DIR) / "signatures/cosign-skopeo";
  AccessRules r = AccessRules::parse(
      "signatures:\n"
      "  - repositories: [\"prod/*\", \"release\"]\n"
      "    keys: [pub.pem]\n"
      "  - repositories: \"*\"\n"
      "    keys: [pub.pem, pub.pem]\n",
      "access.yaml", fixture);
  ASSERT_NE(r.signature_keys("prod/app"), nullptr);
  EXPECT_EQ(r.signature_keys("prod/app")->size(), 1u);
  EXPECT_EQ(r.signature_keys("release")->size(), 1u);
  EXPECT_EQ(r.signature_keys("dev/app")->size(), 2u);
  EXPECT_EQ(AccessRules::parse("signatures:\n  - {repositories: [a], keys: [pub.pem]}\n",
                               "access.yaml", fixture)
                .signature_keys("b"),
            nullptr);
  EXPECT_EQ(AccessRules().signature_keys("a"), nullptr);

  auto message = [&](const std::string& yaml) {
    try {
      AccessRules::parse(yaml, "access.yaml", fixture);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("signatures: {a: b}\n"),
            "access.yaml: signatures: want a list of {repositories, keys}");
  EXPECT_EQ(message("signatures:\n  - {keys: [pub.pem]}\n"),
            "access.yaml: signatures[0].repositories: want at least one pattern");
  EXPECT_EQ(message("signatures:\n  - {repositories: [a]}\n"),
            "access.yaml: signatures[0].keys: want at least one public key file");
  EXPECT_EQ(message("signatures:\n  - {repositories: [a], keys: [pub.pem], key: x}\n"),
            "access.yaml: signatures[0].key: unknown key (want repositories or keys)");
  EXPECT_NE(message("signatures:\n  - {repositories: [a], keys: [key.pem]}\n")
                .find("access.yaml: signatures[0].keys: public key " +
                      (fixture / "key.pem").string() + ": "),
            std::string::npos);
  EXPECT_NE(message("signatures:\n  - {repositories: [a], keys: [missing.pub]}\n")
                .find("signatures[0].keys: public key"),
            std::string::npos);
}

TEST(AccessRules, BadFilesGetClearErrors) {
  auto message = [](const std::string& yaml) {
    try {
      AccessRules::parse(yaml, "access.yaml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("users:\n  alice: {pull: [\"a\"], pul: [\"b\"]}\n"),
            "access.yaml: users.alice.pul: unknown key (want pull, push, delete or catalog)");
  EXPECT_EQ(message("admins: {}\n"),
            "access.yaml: admins: unknown key (want anonymous, users, default or signatures)");
  EXPECT_NE(message("anonymous: {pull: [\"a[b\"]}\n")
                .find("anonymous.pull: invalid repository "
                      "pattern \"a[b\""),
            std::string::npos);
  EXPECT_EQ(message("default: {catalog: maybe}\n"),
            "access.yaml: default.catalog: want true or false");
  EXPECT_NE(message("users: [\n").find("access.yaml: malformed YAML"), std::string::npos);
  EXPECT_EQ(message("- a\n"), "access.yaml: want a mapping with keys anonymous, users, default");
  // An empty file grants nothing at all.
  auto empty = AccessRules::parse("");
  EXPECT_FALSE(empty.allows(std::string("alice"), scope("repository:a:pull")));
}

}  // namespace
}  // namespace ch::server::auth
