// The tags signatures and other attachments live under, next to what they sign: cosign's
// `sha256-<hex>.sig` (also `.att`, `.sbom`) and the OCI referrers tag schema `sha256-<hex>`.
#pragma once

#include <string>
#include <string_view>

namespace ch::cosign {

// "sha256:<hex>" -> "sha256-<hex>.sig" and "sha256-<hex>". Throws Error(kInvalidArgument)
// for anything but a sha256 digest.
std::string signature_tag(std::string_view manifest_digest);
std::string referrers_tag(std::string_view manifest_digest);

// For "sha256-<64 lowercase hex>" optionally followed by ".sig", ".att" or ".sbom": the
// digest it names ("sha256:<hex>"); "" for any other tag.
std::string attachment_subject(std::string_view tag);

}  // namespace ch::cosign
