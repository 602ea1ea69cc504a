// Sigstore bundles v0.3 as cosign 3 stores them for a key pair (no certificate, no
// transparency log): an OCI 1.1 referrer of the signed manifest (artifactType
// application/vnd.dev.sigstore.bundle.v0.3+json, the empty config, one layer = the bundle,
// subject = the signed manifest). Layouts from cosign 3.x `cosign sign --key` (sign.go
// signDigestBundle, sigstore-go sign.Bundle, ociremote.WriteAttestationNewBundleFormat).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cosign/key.hpp"

namespace ch::cosign {

inline constexpr std::string_view kBundleMediaType =
    "application/vnd.dev.sigstore.bundle.v0.3+json";

inline constexpr std::string_view kCosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";

// The bundle JSON cosign 3 writes when signing the manifest `manifest_digest`
// ("sha256:<hex>") with `key` (protojson field order, without protojson's random spaces):
// {"mediaType":...,"verificationMaterial":{"publicKey":{"hint":key.public_key().hint()}},
//  "dsseEnvelope":{"payload":base64(statement),"payloadType":"application/vnd.in-toto+json",
//  "signatures":[{"sig":base64(DER ECDSA over the DSSE PAE)}]}} where statement =
// {"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":HEX},
//  "annotations":{}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}.
std::string make_bundle(const PrivateKey& key, std::string_view manifest_digest);

// Verifies a bundle with `key` and returns the manifest digest ("sha256:<hex>") it signs.
// Throws Error(kInvalidArgument, reason) when the bundle is malformed (at most 1 MiB, depth
// bounded), not a DSSE envelope around an in-toto v1 statement of predicate type
// kCosignSignPredicateType, not signed by `key`, or signs no single sha256 digest.
// Transparency-log entries and timestamps are ignored: the key is the trust.
std::string verify_bundle(const PublicKey& key, std::string_view bundle_json);

struct Subject {
  std::string media_type;
  std::string digest;
  std::uint64_t size = 0;
};
// The referrer manifest that stores a bundle blob (digest, size) for `subject`, byte for byte
// as cosign 3 writes it (Go encoding of go-containerregistry's v1.Manifest: descriptors
// mediaType, size, digest; the config is the empty descriptor "{}" and, like cosign's, carries
// artifactType too; annotations dev.sigstore.bundle.content "dsse-envelope",
// dev.sigstore.bundle.predicateType kCosignSignPredicateType and
// org.opencontainers.image.created = `created`, RFC 3339 in seconds, now when empty).
std::string bundle_manifest(const Subject& subject, std::string_view bundle_digest,
                            std::uint64_t bundle_size, std::string_view created = {});

}  // namespace ch::cosign
