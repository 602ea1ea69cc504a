// The access file of `charthouse serve` (ch::server::auth::AccessRules::parse) and the
// decisions made with it. Oracles: a grant never exceeds the request, and what was granted
// is allowed.
#include <algorithm>
#include <optional>
#include <string>

#include "fuzz.hpp"
#include "server/auth/access.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace auth = ch::server::auth;
  std::string_view in = ch::fuzz::text(data, size);

  auth::AccessRules rules;
  if (ch::fuzz::refuses([&] { rules = auth::AccessRules::parse(in, "access.yaml"); })) return 0;

  static const std::optional<std::string> users[] = {std::nullopt, "alice", "bob", "carol", "x"};
  static const char* names[] = {"team/app", "public/chart", "a", "team/sub/app", "library/x"};
  for (const auto& user : users) {
    for (const char* name : names) {
      std::vector<std::string> allowed = rules.allowed(user, "repository", name);
      for (const auto& a : allowed) CH_FUZZ_CHECK(a == "pull" || a == "push" || a == "delete");
      auth::Scope requested{"repository", name, {"pull", "push", "*"}};
      auth::Scope granted = rules.grant(user, requested);
      for (const auto& a : granted.actions)
        CH_FUZZ_CHECK(a == "pull" || a == "push" || a == "delete" || a == "*");
      if (!granted.actions.empty()) CH_FUZZ_CHECK(rules.allows(user, granted));
      auth::Scope pull{"repository", name, {"pull"}};
      CH_FUZZ_CHECK(rules.allows(user, pull) ==
                    (std::find(allowed.begin(), allowed.end(), "pull") != allowed.end()));
    }
    rules.allowed(user, "registry", "catalog");
    rules.may_act_under(user, "push", "team");
    rules.may_act_under(user, "pull", "");
  }
  return 0;
}
