// Signatures stored next to charts (cosign's `.sig` simple signing, Sigstore bundle
// referrers, the referrers tag schema), as the server sees them: which manifests are signed
// (for the classic index) and the signature policy of the access file (pulls of charts from
// a covered repository need a signature that verifies with one of its keys).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cosign/key.hpp"
#include "server/handlers/context.hpp"

namespace ch::server::handlers {

// Whether some cosign signature or Sigstore bundle is stored for `digest` in `repository`
// (not verified: for display).
bool has_cosign_signature(Context& ctx, const std::string& repository, const Digest& digest);

// The first stored signature of `digest` in `repository` that verifies with one of `keys`
// and names exactly `digest`, described for logs ("cosign signature sha256-….sig", "Sigstore
// bundle sha256:…"); nullopt when none does. Results are cached per store generation.
std::optional<std::string> verified_signature(Context& ctx, const std::string& repository,
                                              const Digest& digest,
                                              const std::vector<cosign::PublicKey>& keys);

// Why a pull of chart manifest `m` is refused by the signature policy, or "" when allowed
// (no policy for its repository, not a chart, or a signature verifies). Blocking: run it
// off the I/O threads.
std::string signature_policy_refusal(Context& ctx, const store::Manifest& m);

}  // namespace ch::server::handlers
