#include "cosign/tags.hpp"

#include <array>

#include "base/error.hpp"

namespace ch::cosign {

namespace {

constexpr std::string_view kPrefix = "sha256:";
constexpr std::size_t kHex = 64;

bool lower_hex(std::string_view s) {
  if (s.size() != kHex) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string_view hex_of(std::string_view digest) {
  if (digest.substr(0, kPrefix.size()) != kPrefix || !lower_hex(digest.substr(kPrefix.size())))
    throw Error(ErrorCode::kInvalidArgument,
                "not a sha256 digest: \"" + std::string(digest.substr(0, 80)) + "\"");
  return digest.substr(kPrefix.size());
}

}  // namespace

std::string signature_tag(std::string_view manifest_digest) {
  return referrers_tag(manifest_digest) + ".sig";
}

std::string referrers_tag(std::string_view manifest_digest) {
  return "sha256-" + std::string(hex_of(manifest_digest));
}

std::string attachment_subject(std::string_view tag) {
  constexpr std::string_view kTagPrefix = "sha256-";
  if (tag.size() < kTagPrefix.size() + kHex || tag.substr(0, kTagPrefix.size()) != kTagPrefix)
    return {};
  std::string_view hex = tag.substr(kTagPrefix.size(), kHex);
  std::string_view suffix = tag.substr(kTagPrefix.size() + kHex);
  static constexpr std::array<std::string_view, 4> kSuffixes = {"", ".sig", ".att", ".sbom"};
  bool known = false;
  for (auto s : kSuffixes) known = known || suffix == s;
  if (!known || !lower_hex(hex)) return {};
  return std::string(kPrefix) + std::string(hex);
}

}  // namespace ch::cosign
