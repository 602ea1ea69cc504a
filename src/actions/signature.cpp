#include "actions/signature.hpp"

#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/json_limits.hpp"
#include "cosign/bundle.hpp"
#include "cosign/simple_signing.hpp"
#include "cosign/tags.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"

namespace ch::actions {

namespace {

constexpr std::uint64_t kMaxKeyFile = 64 * 1024;
constexpr std::int64_t kMaxPayload = 64 * 1024;   // a simple-signing payload is ~300 bytes
constexpr std::int64_t kMaxBundle = 1024 * 1024;  // a bundle is a few KiB
constexpr std::size_t kMaxCandidates = 64;        // signatures looked at per verification
constexpr std::string_view kEmptyConfigType = "application/vnd.oci.empty.v1+json";

struct Target {
  oci::Reference ref;
  oci::Descriptor manifest;  // from a HEAD: signing needs no more, and a signature policy
                             // refuses GETs of unsigned charts (HEAD passes)
  std::string where() const { return ref.registry + "/" + ref.repository; }
};

Target resolve(client::RegistryClient& client, const std::string& url, const std::string& version) {
  Target t;
  t.ref = oci::Reference::parse(url);
  if (t.ref.tag.empty() && t.ref.digest.empty()) {
    if (version.empty())
      throw Error(ErrorCode::kInvalidArgument,
                  "\"" + url + "\" names no version: add :<tag>, @<digest> or --version");
    t.ref.tag = oci::version_to_tag(version);
  }
  const std::string& reference = t.ref.digest.empty() ? t.ref.tag : t.ref.digest;
  auto head = client.head_manifest(t.ref.registry, t.ref.repository, reference);
  if (!head)
    throw Error(ErrorCode::kNotFound, t.ref.registry + "/" + t.ref.repository +
                                          (t.ref.digest.empty() ? ":" : "@") + reference +
                                          ": not found");
  t.manifest = std::move(*head);
  if (!Digest::is_valid(t.manifest.digest))
    throw Error(ErrorCode::kNetwork, "the registry named no valid digest for " + url);
  if (!t.ref.digest.empty() && t.manifest.digest != t.ref.digest)
    throw Error(ErrorCode::kDigestMismatch,
                "the registry answered " + t.manifest.digest + " for " + t.ref.digest);
  if (!t.manifest.digest.starts_with("sha256:"))
    throw Error(ErrorCode::kInvalidArgument,
                "only sha256 manifests can be signed, not " + t.manifest.digest);
  return t;
}

oci::Descriptor descriptor_of(std::string_view media_type, const std::string& data) {
  return {std::string(media_type),
          digest_of(data).str(),
          static_cast<std::int64_t>(data.size()),
          "",
          {}};
}

void upload(client::RegistryClient& client, const Target& t, const oci::Descriptor& d,
            const std::string& data) {
  if (!client.blob_exists(t.ref.registry, t.ref.repository, d.digest))
    client.upload_blob(t.ref.registry, t.ref.repository, d, {}, data);
}

// Adds the bundle referrer to the referrers tag schema index sha256-<hex> (OCI 1.1 §
// "Referrers Tag Schema"), keeping the entries already there.
void add_to_tag_schema(client::RegistryClient& client, const Target& t,
                       const oci::Descriptor& referrer) {
  const std::string tag = cosign::referrers_tag(t.manifest.digest);
  nlohmann::ordered_json index = {{"schemaVersion", 2},
                                  {"mediaType", oci::kImageIndex},
                                  {"manifests", nlohmann::ordered_json::array()}};
  try {
    auto existing = client.get_manifest(t.ref.registry, t.ref.repository, tag);
    auto parsed = parse_untrusted_ordered_json(existing.bytes);
    if (parsed.is_object() && parsed.contains("manifests") && parsed["manifests"].is_array())
      index = std::move(parsed);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
  }
  for (const auto& m : index["manifests"])
    if (m.is_object() && m.value("digest", "") == referrer.digest) return;
  index["manifests"].push_back({{"mediaType", referrer.media_type},
                                {"digest", referrer.digest},
                                {"size", referrer.size},
                                {"artifactType", referrer.artifact_type}});
  client.put_manifest(t.ref.registry, t.ref.repository, tag, index.dump(),
                      std::string(oci::kImageIndex));
}

std::string describe_key_failure(std::size_t keys) {
  return keys == 1 ? "does not verify with the key" : "verifies with none of the keys";
}

}  // namespace

std::vector<cosign::PublicKey> load_public_keys(const std::vector<std::filesystem::path>& files) {
  if (files.empty()) throw Error(ErrorCode::kInvalidArgument, "a public key (--key) is required");
  std::vector<cosign::PublicKey> keys;
  for (const auto& f : files) {
    try {
      keys.push_back(cosign::load_public_key(fs::read_file(f, kMaxKeyFile)));
    } catch (const Error& e) {
      throw Error(ErrorCode::kInvalidArgument, "public key " + f.string() + ": " + e.what());
    }
  }
  return keys;
}

SignResult sign_chart(const SignOptions& options) {
  cosign::PrivateKey key;
  try {
    key = cosign::load_private_key(fs::read_file(options.key, kMaxKeyFile), options.password);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "private key " + options.key.string() + ": " + e.what());
  }
  client::RegistryClient client(options.client);
  Target t = resolve(client, options.url, options.version);
  const std::string& digest = t.manifest.digest;
  SignResult result;
  result.reference = t.where() + "@" + digest;

  if (!options.bundle) {
    // cosign 2: one more simple-signing layer in the manifest at sha256-<hex>.sig. The
    // identity names the tag when signing by tag (what skopeo's matchRepoDigestOrExact
    // wants), else only the repository (what cosign writes).
    std::string identity = t.where() + (t.ref.tag.empty() ? "" : ":" + t.ref.tag);
    std::string payload = cosign::simple_signing_payload(identity, digest);
    std::string signature = base64_encode(key.sign(payload));
    const std::string tag = cosign::signature_tag(digest);
    std::vector<cosign::SignatureLayer> layers;
    try {
      layers = cosign::parse_signature_manifest(
          client.get_manifest(t.ref.registry, t.ref.repository, tag).bytes);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound) throw;
    }
    oci::Descriptor payload_desc = descriptor_of(cosign::kSimpleSigningMediaType, payload);
    layers.push_back({payload_desc.digest, payload.size(), signature});
    cosign::SignatureManifest built = cosign::signature_manifest(layers);
    upload(client, t, payload_desc, payload);
    upload(client, t, descriptor_of("application/vnd.oci.image.config.v1+json", built.config),
           built.config);
    client.put_manifest(t.ref.registry, t.ref.repository, tag, built.manifest,
                        std::string(oci::kImageManifest));
    result.stored = t.where() + ":" + tag;
    return result;
  }

  // cosign 3: a Sigstore bundle as a referrer of the chart.
  std::string bundle = cosign::make_bundle(key, digest);
  oci::Descriptor bundle_desc = descriptor_of(cosign::kBundleMediaType, bundle);
  const std::string empty = "{}";
  upload(client, t, bundle_desc, bundle);
  upload(client, t, descriptor_of(kEmptyConfigType, empty), empty);
  std::string manifest = cosign::bundle_manifest(
      {t.manifest.media_type.empty() ? std::string(oci::kImageManifest) : t.manifest.media_type,
       digest, static_cast<std::uint64_t>(t.manifest.size)},
      bundle_desc.digest, bundle.size());
  const bool referrers_api = client.referrers(t.ref.registry, t.ref.repository, digest).has_value();
  oci::Descriptor referrer = descriptor_of(oci::kImageManifest, manifest);
  referrer.artifact_type = std::string(cosign::kBundleMediaType);
  client.put_manifest(t.ref.registry, t.ref.repository, referrer.digest, manifest,
                      std::string(oci::kImageManifest));
  if (!referrers_api) {
    add_to_tag_schema(client, t, referrer);
    result.tag_schema = true;
  }
  result.stored = t.where() + "@" + referrer.digest;
  return result;
}

SignatureCheck verify_signature(client::RegistryClient& client, const std::string& host,
                                const std::string& repository, const std::string& digest,
                                const std::vector<cosign::PublicKey>& keys) {
  const std::string where = host + "/" + repository;
  std::vector<std::string> refused;
  SignatureCheck check;
  check.reference = where + "@" + digest;

  // Sigstore bundles: the referrers API, else the referrers tag schema.
  std::vector<oci::Descriptor> bundles;
  std::string source = "referrers API";
  if (auto refs =
          client.referrers(host, repository, digest, std::string(cosign::kBundleMediaType))) {
    bundles = std::move(*refs);
  } else {
    source = "referrers tag schema";
    try {
      bundles = oci::parse_index(
          client.get_manifest(host, repository, cosign::referrers_tag(digest)).bytes);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound) throw;
    }
  }
  std::erase_if(bundles, [](const oci::Descriptor& d) {
    return d.artifact_type != cosign::kBundleMediaType;
  });
  if (bundles.size() > kMaxCandidates) bundles.resize(kMaxCandidates);
  for (const auto& b : bundles) {
    const std::string name = "Sigstore bundle " + where + "@" + b.digest;
    try {
      oci::Manifest m = oci::parse_manifest(client.get_manifest(host, repository, b.digest).bytes);
      const oci::Descriptor* layer = nullptr;
      for (const auto& l : m.layers)
        if (l.media_type == cosign::kBundleMediaType) layer = &l;
      if (layer == nullptr) throw Error(ErrorCode::kInvalidArgument, "holds no bundle layer");
      if (layer->size > kMaxBundle)
        throw Error(ErrorCode::kTooLarge,
                    "bundle of " + std::to_string(layer->size) + " bytes is over the limit");
      std::string json = client.fetch_small_blob(host, repository, *layer);
      std::string why = describe_key_failure(keys.size());
      for (const auto& key : keys) {
        std::string signed_digest;
        try {
          signed_digest = cosign::verify_bundle(key, json);
        } catch (const Error& e) {
          why = e.what();
          continue;
        }
        if (signed_digest != digest) {
          why = "signs " + signed_digest + ", not " + digest;
          continue;
        }
        check.how = name + " (" + source + ")";
        return check;
      }
      refused.push_back(name + ": " + why);
    } catch (const Error& e) {
      refused.push_back(name + ": " + e.what());
    }
  }

  // cosign's simple signing at sha256-<hex>.sig.
  const std::string tag = cosign::signature_tag(digest);
  std::vector<cosign::SignatureLayer> layers;
  try {
    layers = cosign::parse_signature_manifest(client.get_manifest(host, repository, tag).bytes);
    if (layers.empty()) refused.push_back(where + ":" + tag + ": holds no signature");
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) {
      refused.push_back(where + ":" + tag + ": " + e.what());
    } else if (bundles.empty()) {
      refused.push_back("no cosign signature (" + where + ":" + tag + ") and no Sigstore bundle (" +
                        source + ")");
    }
  }
  if (layers.size() > kMaxCandidates) layers.resize(kMaxCandidates);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& layer = layers[i];
    const std::string name = "cosign signature " + where + ":" + tag + " (layer " +
                             std::to_string(i + 1) + " of " + std::to_string(layers.size()) + ")";
    try {
      if (layer.size > static_cast<std::uint64_t>(kMaxPayload))
        throw Error(ErrorCode::kTooLarge,
                    "payload of " + std::to_string(layer.size) + " bytes is over the limit");
      auto der = base64_decode(layer.signature);
      if (!der || der->empty())
        throw Error(ErrorCode::kInvalidArgument, "the signature annotation is not valid base64");
      std::string payload = client.fetch_small_blob(host, repository,
                                                    {std::string(cosign::kSimpleSigningMediaType),
                                                     layer.digest,
                                                     static_cast<std::int64_t>(layer.size),
                                                     "",
                                                     {}});
      bool ok = false;
      for (const auto& key : keys) ok = ok || key.verify(payload, *der);
      if (!ok) throw Error(ErrorCode::kInvalidArgument, describe_key_failure(keys.size()));
      cosign::SimpleSigning p = cosign::parse_simple_signing(payload);
      if (p.manifest_digest != digest)
        throw Error(ErrorCode::kInvalidArgument,
                    "the payload names " + p.manifest_digest + ", not " + digest);
      check.how = name;
      return check;
    } catch (const Error& e) {
      refused.push_back(name + ": " + e.what());
    }
  }
  std::string message = "no valid signature for " + check.reference + ":";
  for (const auto& r : refused) message += "\n  " + r;
  throw Error(ErrorCode::kUnauthorized, message);
}

SignatureCheck verify_chart_signature(const VerifySignatureOptions& options) {
  std::vector<cosign::PublicKey> keys = load_public_keys(options.keys);
  client::RegistryClient client(options.client);
  Target t = resolve(client, options.url, options.version);
  return verify_signature(client, t.ref.registry, t.ref.repository, t.manifest.digest, keys);
}

}  // namespace ch::actions
