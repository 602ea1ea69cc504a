#include "server/handlers/signatures.hpp"

#include <unistd.h>

#include <mutex>
#include <unordered_map>

#include "base/base64.hpp"
#include "base/error.hpp"
#include "cosign/bundle.hpp"
#include "cosign/simple_signing.hpp"
#include "cosign/tags.hpp"

namespace ch::server::handlers {

namespace {

constexpr std::uint64_t kMaxSignatureBlob = 1 << 20;  // payloads and bundles are a few KiB
constexpr std::size_t kMaxSignaturesTried = 64;       // per manifest and policy check

std::optional<std::string> read_small_blob(Context& ctx, const Digest& d) {
  return ctx.blobs.read(d, kMaxSignatureBlob);
}

// The bundle referrers of `digest`: from the referrers API's store, and from a referrers
// tag schema index pushed by a client that did not use it.
std::vector<store::Manifest> bundle_referrers(Context& ctx, const std::string& repository,
                                              const Digest& digest) {
  std::vector<store::Manifest> out =
      ctx.meta.referrers(repository, digest, {std::string(cosign::kBundleMediaType)});
  if (auto index = ctx.meta.resolve_tag(repository, cosign::referrers_tag(digest.str()))) {
    if (auto m = ctx.meta.get_manifest(repository, *index)) {
      for (const auto& child : m->manifests) {
        auto c = ctx.meta.get_manifest(repository, Digest::parse(child.digest));
        if (c && c->artifact_type == cosign::kBundleMediaType) out.push_back(std::move(*c));
      }
    }
  }
  return out;
}

std::optional<std::string> check_sig_tag(Context& ctx, const std::string& repository,
                                         const Digest& digest,
                                         const std::vector<cosign::PublicKey>& keys) {
  const std::string tag = cosign::signature_tag(digest.str());
  auto sig = ctx.meta.resolve_tag(repository, tag);
  if (!sig) return std::nullopt;
  auto m = ctx.meta.get_manifest(repository, *sig);
  if (!m) return std::nullopt;
  std::vector<cosign::SignatureLayer> layers;
  try {
    layers = cosign::parse_signature_manifest(m->bytes);
  } catch (const Error&) {
    return std::nullopt;
  }
  if (layers.size() > kMaxSignaturesTried) layers.resize(kMaxSignaturesTried);
  for (const auto& layer : layers) {
    if (!Digest::is_valid(layer.digest)) continue;
    auto payload = read_small_blob(ctx, Digest::parse(layer.digest));
    if (!payload || digest_of(*payload, DigestAlgorithm::kSha256).str() != layer.digest) continue;
    auto der = base64_decode(layer.signature);
    if (!der) continue;
    bool ok = false;
    for (const auto& key : keys) ok = ok || key.verify(*payload, *der);
    if (!ok) continue;
    try {
      if (cosign::parse_simple_signing(*payload).manifest_digest == digest.str())
        return "cosign signature " + tag;
    } catch (const Error&) {
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_bundles(Context& ctx, const std::string& repository,
                                         const Digest& digest,
                                         const std::vector<cosign::PublicKey>& keys) {
  auto referrers = bundle_referrers(ctx, repository, digest);
  if (referrers.size() > kMaxSignaturesTried) referrers.resize(kMaxSignaturesTried);
  for (const auto& r : referrers) {
    for (const auto& layer : r.blobs) {
      if (layer.media_type != cosign::kBundleMediaType) continue;
      auto bundle = read_small_blob(ctx, Digest::parse(layer.digest));
      if (!bundle) continue;
      for (const auto& key : keys) {
        try {
          if (cosign::verify_bundle(key, *bundle) == digest.str())
            return "Sigstore bundle " + r.digest.str();
        } catch (const Error&) {
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

bool has_cosign_signature(Context& ctx, const std::string& repository, const Digest& digest) {
  if (digest.algorithm != DigestAlgorithm::kSha256) return false;
  if (ctx.meta.resolve_tag(repository, cosign::signature_tag(digest.str()))) return true;
  return !bundle_referrers(ctx, repository, digest).empty();
}

std::optional<std::string> verified_signature(Context& ctx, const std::string& repository,
                                              const Digest& digest,
                                              const std::vector<cosign::PublicKey>& keys) {
  if (digest.algorithm != DigestAlgorithm::kSha256 || keys.empty()) return std::nullopt;
  std::string key = repository + "@" + digest.str();
  for (const auto& k : keys) key += " " + k.hint();
  const std::uint64_t generation = ctx.meta.generation();
  {
    std::lock_guard lock(ctx.verified.mu);
    auto it = ctx.verified.by_key.find(key);
    if (it != ctx.verified.by_key.end() && it->second.generation == generation)
      return it->second.result;
  }
  std::optional<std::string> result = check_sig_tag(ctx, repository, digest, keys);
  if (!result) result = check_bundles(ctx, repository, digest, keys);
  std::lock_guard lock(ctx.verified.mu);
  if (ctx.verified.by_key.size() > 100000) ctx.verified.by_key.clear();  // bounded
  ctx.verified.by_key[key] = {generation, result};
  return result;
}

std::string signature_policy_refusal(Context& ctx, const store::Manifest& m) {
  if (m.chart.empty()) return {};
  auto keys = ctx.auth.signature_keys(m.repository);
  if (!keys) return {};
  if (verified_signature(ctx, m.repository, m.digest, *keys)) return {};
  return "chart " + m.repository + "@" + m.digest.str() +
         " has no valid signature by a key the signature policy of this repository trusts";
}

}  // namespace ch::server::handlers
