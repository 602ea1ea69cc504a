// Percent-encoding for URL query values and form bodies (RFC 3986 §2.1).
#pragma once

#include <string>
#include <string_view>

namespace ch {

// Every byte outside the unreserved set (A-Z a-z 0-9 - _ . ~) and `keep` becomes %XX,
// upper-case hex.
std::string percent_encode(std::string_view s, std::string_view keep = {});

}  // namespace ch
