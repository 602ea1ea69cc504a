// WWW-Authenticate challenges from any registry the client talks to
// (ch::client::parse_challenge), parsed before anything is authenticated.
#include <cctype>

#include "client/challenge.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  ch::client::Challenge c;
  if (ch::fuzz::refuses([&] { c = ch::client::parse_challenge(in); })) return 0;
  if (in.size() > ch::client::kMaxChallengeLength) CH_FUZZ_CHECK(c.scheme.empty());
  CH_FUZZ_CHECK(c.params.size() <= ch::client::kMaxChallengeParams);
  if (c.scheme.empty()) CH_FUZZ_CHECK(c.params.empty());
  for (char ch : c.scheme) CH_FUZZ_CHECK(std::tolower(static_cast<unsigned char>(ch)) == ch);
  std::size_t total = 0;
  for (const auto& [k, v] : c.params) {
    CH_FUZZ_CHECK(!k.empty());
    for (char ch : k) CH_FUZZ_CHECK(std::tolower(static_cast<unsigned char>(ch)) == ch);
    total += k.size() + v.size();
  }
  CH_FUZZ_CHECK(c.scheme.size() + total <= in.size());
  return 0;
}
