// WWW-Authenticate challenges (RFC 7235 §2.1) as oras-go reads them: the auth-scheme and
// its auth-params. One left-to-right pass over a header of bounded length, no regex, no
// recursion; anything malformed ends the parse with what was read so far.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace ch::client {

// Longer headers are not parsed at all (the challenge then has no scheme and is not
// answered). Real challenges are a few hundred bytes.
inline constexpr std::size_t kMaxChallengeLength = 16 * 1024;
// Parameters after this many are ignored.
inline constexpr std::size_t kMaxChallengeParams = 32;

struct Challenge {
  std::string scheme;                         // lower-case: "basic", "bearer", ...
  std::map<std::string, std::string> params;  // lower-case names; the last of a name wins
};

// `<scheme> k="v", k2=v2`: quoted-string values lose their quotes and backslash escapes.
Challenge parse_challenge(std::string_view header);

}  // namespace ch::client
