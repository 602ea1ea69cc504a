// Base64: standard alphabet (HTTP Basic credentials, Docker config "auth") and the unpadded
// URL-safe alphabet of JWS (RFC 7515 §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ch {

std::string base64_encode(std::string_view data);     // standard alphabet, padded
std::string base64url_encode(std::string_view data);  // URL-safe alphabet, no padding

// Standard alphabet; padding optional. nullopt on any character outside the alphabet, on
// misplaced padding or on an impossible length.
std::optional<std::string> base64_decode(std::string_view text);
// URL-safe alphabet, no padding allowed (JWS). nullopt when malformed.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace ch
