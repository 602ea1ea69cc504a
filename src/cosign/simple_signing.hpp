// cosign's "simple signing" signatures (cosign 2's default, what skopeo writes with
// use-sigstore-attachments and what Flux verifies): a JSON payload naming the signed
// manifest's digest, stored as a layer of a manifest tagged `sha256-<hex>.sig` in the
// signed manifest's repository, with the base64 DER signature in a layer annotation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cosign/tags.hpp"  // signature_tag, referrers_tag

namespace ch::cosign {

inline constexpr std::string_view kSimpleSigningMediaType =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";

// The payload bytes cosign writes:
// {"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":DIGEST},
//  "type":"cosign container image signature"},"optional":OPTIONAL}
// `optional` is a JSON object text or "null".
std::string simple_signing_payload(std::string_view docker_reference,
                                   std::string_view manifest_digest,
                                   std::string_view optional_json = "null");

struct SimpleSigning {
  std::string docker_reference;
  std::string manifest_digest;
};
// Parses a payload (at most 64 KiB, JSON depth limited). Throws Error(kInvalidArgument,
// "invalid signature payload: ...") when malformed or of another type.
SimpleSigning parse_simple_signing(std::string_view payload);

// One signature of a `.sig` manifest: its payload layer and the annotation.
struct SignatureLayer {
  std::string digest;  // "sha256:<hex>" of the payload
  std::uint64_t size = 0;
  std::string signature;  // base64 DER, as in the annotation
};

struct SignatureManifest {
  std::string config;    // config blob bytes
  std::string manifest;  // manifest bytes (OCI image manifest)
};
// The `.sig` manifest holding `layers` in order, with the config cosign writes
// ({"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":[...]}}).
SignatureManifest signature_manifest(const std::vector<SignatureLayer>& layers);
// The simple-signing layers of a `.sig` manifest (other layers are skipped). Throws
// Error(kInvalidArgument) for a malformed manifest.
std::vector<SignatureLayer> parse_signature_manifest(std::string_view manifest_json);

}  // namespace ch::cosign
