// Glob patterns from untrusted files: the access file's repository globs
// (ch::server::auth::repo_glob_match), Go's filepath.Match (ch::go_match) and .helmignore
// rules of a downloaded chart (ch::helm::IgnoreRules). Input: pattern '\n' name. Matching
// must stay linear-ish (no exponential backtracking: libFuzzer's -timeout catches it).
// Oracle: a pattern without metacharacters matches exactly itself.
#include "fuzz.hpp"
#include "gocompat/gomatch.hpp"
#include "helm/helmignore.hpp"
#include "server/auth/access.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);
  std::string_view pattern, name;
  std::tie(pattern, name) = ch::fuzz::split_once(in, '\n');
  bool literal = pattern.find_first_of("*?[\\") == std::string_view::npos;

  bool repo_valid = ch::server::auth::repo_glob_valid(pattern);
  bool repo_match = false;
  bool refused =
      ch::fuzz::refuses([&] { repo_match = ch::server::auth::repo_glob_match(pattern, name); });
  if (literal) {
    CH_FUZZ_CHECK(repo_valid && !refused);
    CH_FUZZ_CHECK(repo_match == (pattern == name));
  }
  if (repo_valid) CH_FUZZ_CHECK(!refused);

  bool go_valid = ch::go_pattern_valid(pattern);
  bool go = false;
  refused = ch::fuzz::refuses([&] { go = ch::go_match(pattern, name); });
  if (literal) {
    CH_FUZZ_CHECK(go_valid && !refused);
    CH_FUZZ_CHECK(go == (pattern == name));
  }
  if (go_valid) CH_FUZZ_CHECK(!refused);

  // The whole input as a .helmignore, the name checked as a file and as a directory.
  ch::helm::IgnoreRules rules;
  if (ch::fuzz::refuses([&] { rules = ch::helm::IgnoreRules::parse(in); })) return 0;
  rules.add_defaults();
  ch::fuzz::refuses([&] { rules.ignored(name, false); });
  ch::fuzz::refuses([&] { rules.ignored(name, true); });
  ch::fuzz::refuses([&] { rules.ignored("templates/deployment.yaml", false); });
  return 0;
}
