// `charthouse sign` and the cosign side of `charthouse verify oci://…` and `pull
// --verify-signature`: cosign-compatible signatures of a chart manifest in its registry.
// Signing writes what cosign 2 writes (a simple-signing payload in the manifest tagged
// sha256-<hex>.sig, added to the signatures already there) or, with --bundle, what cosign 3
// writes (a Sigstore bundle as an OCI 1.1 referrer, and the referrers tag schema index when
// the registry has no referrers API). Verifying looks at the referrers API, then the tag
// schema, then the .sig tag, and accepts the first signature that verifies with the key and
// names exactly the manifest digest.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "client/registry_client.hpp"
#include "cosign/key.hpp"
#include "oci/reference.hpp"

namespace ch::actions {

struct SignOptions {
  std::string url;      // oci://host/repo:tag or oci://host/repo@digest
  std::string version;  // --version: the tag, when the URL has none
  std::filesystem::path key;
  std::string password;  // for an encrypted key (COSIGN_PASSWORD)
  bool bundle = false;
  client::ClientOptions client;
};

struct SignResult {
  std::string reference;    // host/repo@digest that was signed
  std::string stored;       // where the signature went: "host/repo:sha256-<hex>.sig" or
                            // "host/repo@<referrer digest>"
  bool tag_schema = false;  // the referrers tag schema index was updated too
};

// Throws Error(kInvalidArgument) for a bad key or password before anything is written.
SignResult sign_chart(const SignOptions& options);

struct SignatureCheck {
  std::string reference;  // host/repo@digest that was verified
  std::string how;        // "cosign signature host/repo:sha256-<hex>.sig (layer 1 of 2)" or
                          // "Sigstore bundle host/repo@sha256:… (referrers API)"
};

// The manifest `digest` of host/repository must carry a signature that verifies with one of
// `keys`. Throws Error(kUnauthorized) listing what was found and why each was refused.
SignatureCheck verify_signature(client::RegistryClient& client, const std::string& host,
                                const std::string& repository, const std::string& digest,
                                const std::vector<cosign::PublicKey>& keys);

// Reads public keys (SPKI PEM files); Error(kInvalidArgument) names the file.
std::vector<cosign::PublicKey> load_public_keys(const std::vector<std::filesystem::path>& files);

struct VerifySignatureOptions {
  std::string url;
  std::string version;
  std::vector<std::filesystem::path> keys;
  client::ClientOptions client;
};
SignatureCheck verify_chart_signature(const VerifySignatureOptions& options);

}  // namespace ch::actions
