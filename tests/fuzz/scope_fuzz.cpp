// Token scopes from clients ("repository:team/app:pull,push"): ch::server::auth::Scope::parse
// and parse_scope_list, merge_scopes, join_scopes, covers. Oracle: a parsed scope prints and
// parses back to itself, and covers itself.
#include <string>
#include <vector>

#include "fuzz.hpp"
#include "server/auth/scope.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace auth = ch::server::auth;
  std::string_view in = ch::fuzz::text(data, size);

  std::optional<auth::Scope> one;
  if (!ch::fuzz::refuses([&] { one = auth::Scope::parse(in); }) && one) {
    CH_FUZZ_CHECK(!one->actions.empty());
    auto again = auth::Scope::parse(one->str());
    CH_FUZZ_CHECK(again && *again == *one);
    CH_FUZZ_CHECK(auth::covers({*one}, *one));
  }

  std::vector<std::string> bad;
  std::vector<auth::Scope> list;
  if (ch::fuzz::refuses([&] { list = auth::parse_scope_list(in, &bad); })) return 0;
  std::vector<auth::Scope> merged = auth::merge_scopes(list);
  CH_FUZZ_CHECK(merged.size() <= list.size());
  for (const auto& s : list) CH_FUZZ_CHECK(auth::covers(merged, s));
  std::string joined = auth::join_scopes(merged);
  std::vector<std::string> bad_again;
  std::vector<auth::Scope> reparsed = auth::parse_scope_list(joined, &bad_again);
  CH_FUZZ_CHECK(bad_again.empty() && reparsed == merged);
  return 0;
}
