// Tests of server/auth/scope.cpp: Docker token auth scopes, parsed, merged and compared.
#include "server/auth/scope.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth_test_helpers.hpp"

namespace ch::server::auth {
namespace {

using namespace test_support;

TEST(Scope, ParsesAndPrints) {
  auto s = scope("repository:team/app:pull,push");
  EXPECT_EQ(s.type, "repository");
  EXPECT_EQ(s.name, "team/app");
  EXPECT_EQ(s.actions, (std::vector<std::string>{"pull", "push"}));
  EXPECT_EQ(s.str(), "repository:team/app:pull,push");
  auto port = scope("repository:localhost:5000/app:pull");
  EXPECT_EQ(port.name, "localhost:5000/app");
  EXPECT_EQ(scope("registry:catalog:*").actions, std::vector<std::string>{"*"});
  EXPECT_EQ(scope("repository(plugin):a:pull,pull").str(), "repository:a:pull");
}

TEST(Scope, RejectsMalformed) {
  for (const char* bad : {"", "repository", "repository:app", "repository::pull", "Repo:app:pull",
                          "repository:app:", "repository:app:PULL", "repository:a b:pull",
                          "repository:app\":pull", "repository:/app:pull"})
    EXPECT_FALSE(Scope::parse(bad).has_value()) << bad;
  std::vector<std::string> bad;
  auto list = parse_scope_list("repository:a:pull  nonsense registry:catalog:*", &bad);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(bad, std::vector<std::string>{"nonsense"});
}

TEST(Scope, NamesMayHoldOnePortAndActionsAreDeduplicatedInOrder) {
  auto s = scope("repository:r.example:5000/team/app:push,pull,push,*");
  EXPECT_EQ(s.name, "r.example:5000/team/app");
  EXPECT_EQ(s.actions, (std::vector<std::string>{"push", "pull", "*"}));
  EXPECT_EQ(s.str(), "repository:r.example:5000/team/app:push,pull,*");
  EXPECT_EQ(scope("repository:A-b_c.d/e:pull").name, "A-b_c.d/e");
  std::vector<std::string> bad;
  EXPECT_TRUE(parse_scope_list("", &bad).empty());
  EXPECT_TRUE(bad.empty());
  auto list = parse_scope_list("  repository:a:pull   repository:b:push  ");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].str(), "repository:b:push");
}

TEST(Scope, MergeJoinsActionsOfTheSameResourceInFirstSeenOrder) {
  auto merged = merge_scopes({scope("repository:a:pull"), scope("registry:catalog:*"),
                              scope("repository:a:push,pull"), scope("repository:b:pull"),
                              scope("repository:a:delete")});
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(join_scopes(merged),
            "repository:a:pull,push,delete registry:catalog:* repository:b:pull");
  // Same name, another type: another resource.
  EXPECT_EQ(merge_scopes({scope("repository:catalog:pull"), scope("registry:catalog:*")}).size(),
            2u);
  EXPECT_TRUE(merge_scopes({}).empty());
  EXPECT_EQ(join_scopes({}), "");
}

TEST(Scope, CoversNeedsEveryActionOnTheSameTypeAndName) {
  std::vector<Scope> granted = {scope("repository:team/app:pull,push"),
                                scope("repository:team/lib:*"), scope("repository:x:pull"),
                                scope("repository:x:delete")};
  EXPECT_TRUE(covers(granted, scope("repository:team/app:pull")));
  EXPECT_TRUE(covers(granted, scope("repository:team/app:push,pull")));
  EXPECT_FALSE(covers(granted, scope("repository:team/app:pull,delete")));
  EXPECT_TRUE(covers(granted, scope("repository:team/lib:pull,push,delete")));
  EXPECT_FALSE(covers(granted, scope("repository:team:pull")));     // no prefix matching
  EXPECT_FALSE(covers(granted, scope("registry:team/app:pull")));   // another type
  EXPECT_TRUE(covers(granted, scope("repository:x:pull,delete")));  // split over two entries
  EXPECT_FALSE(covers({}, scope("repository:x:pull")));
  // A needed "*" is covered only by a granted "*".
  EXPECT_FALSE(covers(granted, scope("repository:team/app:*")));
  EXPECT_TRUE(covers(granted, scope("repository:team/lib:*")));
}

}  // namespace
}  // namespace ch::server::auth
