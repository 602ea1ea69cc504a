#include "cosign/bundle.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "base/time.hpp"
#include "gocompat/gojson.hpp"

namespace ch::cosign {

namespace {

using ojson = nlohmann::ordered_json;

constexpr std::size_t kMaxBundleBytes = 1024 * 1024;
constexpr std::string_view kBundleMediaTypeAlt =
    "application/vnd.dev.sigstore.bundle+json;version=0.3";
constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";
constexpr std::string_view kManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kEmptyMediaType = "application/vnd.oci.empty.v1+json";
constexpr std::string_view kEmptyDigest =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

[[noreturn]] void bad_bundle(const std::string& reason) {
  throw Error(ErrorCode::kInvalidArgument, "invalid sigstore bundle: " + reason);
}

void check_sha256(std::string_view digest, std::string_view what) {
  if (!Digest::is_valid(digest) || !digest.starts_with("sha256:"))
    throw Error(ErrorCode::kInvalidArgument,
                std::string(what) + ": \"" + std::string(digest) + "\" is not a sha256 digest");
}

// DSSE's pre-authentication encoding, what the signature covers.
std::string pae(std::string_view payload_type, std::string_view payload) {
  return "DSSEv1 " + std::to_string(payload_type.size()) + " " + std::string(payload_type) + " " +
         std::to_string(payload.size()) + " " + std::string(payload);
}

// protojson's bytes: standard base64, or the URL-safe alphabet, which it also accepts.
std::string decode_bytes(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) bad_bundle(where + " is not a string");
  const std::string& text = value.get_ref<const std::string&>();
  auto bytes = base64_decode(text);
  if (!bytes) bytes = base64url_decode(text);
  if (!bytes) bad_bundle(where + " is not valid base64");
  return *bytes;
}

const nlohmann::json& object_at(const nlohmann::json& obj, const char* name,
                                const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_object())
    bad_bundle(where + (where.empty() ? "" : ".") + name + " missing or not an object");
  return *it;
}

std::string string_at(const nlohmann::json& obj, const char* name, const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string())
    bad_bundle(where + (where.empty() ? "" : ".") + name + " missing or not a string");
  return it->get<std::string>();
}

ojson descriptor(std::string_view media_type, std::uint64_t size, std::string_view digest) {
  ojson d = ojson::object();
  d["mediaType"] = std::string(media_type);
  d["size"] = size;
  d["digest"] = std::string(digest);
  return d;
}

}  // namespace

std::string make_bundle(const PrivateKey& key, std::string_view manifest_digest) {
  check_sha256(manifest_digest, "sigstore bundle subject");
  ojson subject = ojson::object();
  subject["digest"]["sha256"] = std::string(manifest_digest.substr(7));
  subject["annotations"] = ojson::object();
  ojson statement = ojson::object();
  statement["_type"] = std::string(kStatementType);
  statement["subject"] = ojson::array({std::move(subject)});
  statement["predicateType"] = std::string(kCosignSignPredicateType);
  statement["predicate"] = ojson::object();
  std::string payload = gojson::marshal(statement);

  std::string signature = key.sign(pae(kInTotoPayloadType, payload));
  ojson sig = ojson::object();
  sig["sig"] = base64_encode(signature);
  ojson bundle = ojson::object();
  bundle["mediaType"] = std::string(kBundleMediaType);
  bundle["verificationMaterial"]["publicKey"]["hint"] = key.public_key().hint();
  ojson& envelope = bundle["dsseEnvelope"];
  envelope["payload"] = base64_encode(payload);
  envelope["payloadType"] = std::string(kInTotoPayloadType);
  envelope["signatures"] = ojson::array({std::move(sig)});
  return gojson::marshal(bundle);
}

std::string verify_bundle(const PublicKey& key, std::string_view bundle_json) {
  if (bundle_json.size() > kMaxBundleBytes)
    bad_bundle("larger than " + std::to_string(kMaxBundleBytes) + " bytes");
  nlohmann::json bundle;
  try {
    bundle = parse_untrusted_json(bundle_json, 32);
  } catch (const Error& e) {
    bad_bundle(e.what());
  }
  if (!bundle.is_object()) bad_bundle("not a JSON object");
  std::string media_type = string_at(bundle, "mediaType", "");
  if (media_type != kBundleMediaType && media_type != kBundleMediaTypeAlt)
    bad_bundle("media type \"" + media_type + "\" is not " + std::string(kBundleMediaType));

  const nlohmann::json& material = object_at(bundle, "verificationMaterial", "");
  if (material.contains("certificate") || material.contains("x509CertificateChain"))
    bad_bundle("verified by a certificate (keyless signing), not by a public key");
  object_at(material, "publicKey", "verificationMaterial");

  if (bundle.contains("messageSignature"))
    bad_bundle("holds a message signature, not the DSSE envelope cosign 3 signs images with");
  const nlohmann::json& envelope = object_at(bundle, "dsseEnvelope", "");
  std::string payload_type = string_at(envelope, "payloadType", "dsseEnvelope");
  if (payload_type != kInTotoPayloadType)
    bad_bundle("DSSE payload type \"" + payload_type + "\" is not " +
               std::string(kInTotoPayloadType));
  auto payload_it = envelope.find("payload");
  if (payload_it == envelope.end()) bad_bundle("dsseEnvelope.payload missing");
  std::string payload = decode_bytes(*payload_it, "dsseEnvelope.payload");
  auto sigs = envelope.find("signatures");
  if (sigs == envelope.end() || !sigs->is_array() || sigs->size() != 1)
    bad_bundle("dsseEnvelope.signatures must hold exactly one signature");
  const nlohmann::json& sig = (*sigs)[0];
  if (!sig.is_object() || !sig.contains("sig"))
    bad_bundle("dsseEnvelope.signatures[0].sig missing");
  std::string signature = decode_bytes(sig["sig"], "dsseEnvelope.signatures[0].sig");
  if (signature.empty()) bad_bundle("dsseEnvelope.signatures[0].sig is empty");
  if (!key.verify(pae(payload_type, payload), signature))
    bad_bundle("the signature does not verify with the given public key");

  nlohmann::json statement;
  try {
    statement = parse_untrusted_json(payload, 32);
  } catch (const Error& e) {
    bad_bundle(std::string("in-toto statement: ") + e.what());
  }
  if (!statement.is_object()) bad_bundle("in-toto statement is not a JSON object");
  if (std::string type = string_at(statement, "_type", "statement"); type != kStatementType)
    bad_bundle("statement type \"" + type + "\" is not " + std::string(kStatementType));
  if (std::string predicate = string_at(statement, "predicateType", "statement");
      predicate != kCosignSignPredicateType)
    bad_bundle("predicate type \"" + predicate + "\" is not " +
               std::string(kCosignSignPredicateType) + " (an attestation, not a signature)");
  auto subjects = statement.find("subject");
  if (subjects == statement.end() || !subjects->is_array() || subjects->size() != 1)
    bad_bundle("the statement must have exactly one subject");
  const nlohmann::json& subject = (*subjects)[0];
  if (!subject.is_object()) bad_bundle("statement.subject[0] is not an object");
  const nlohmann::json& digests = object_at(subject, "digest", "statement.subject[0]");
  std::string hex = string_at(digests, "sha256", "statement.subject[0].digest");
  std::string digest = "sha256:" + hex;
  if (!Digest::is_valid(digest)) bad_bundle("subject digest \"" + digest + "\" is not valid");
  return digest;
}

std::string bundle_manifest(const Subject& subject, std::string_view bundle_digest,
                            std::uint64_t bundle_size, std::string_view created) {
  if (subject.media_type.empty())
    throw Error(ErrorCode::kInvalidArgument, "bundle manifest: the subject has no media type");
  check_sha256(subject.digest, "bundle manifest subject");
  check_sha256(bundle_digest, "bundle manifest layer");
  ojson config = descriptor(kEmptyMediaType, 2, kEmptyDigest);
  config["artifactType"] = std::string(kBundleMediaType);
  ojson manifest = ojson::object();
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = std::string(kManifestMediaType);
  manifest["config"] = std::move(config);
  manifest["layers"] = ojson::array({descriptor(kBundleMediaType, bundle_size, bundle_digest)});
  ojson& annotations = manifest["annotations"];  // Go sorts map keys
  annotations["dev.sigstore.bundle.content"] = "dsse-envelope";
  annotations["dev.sigstore.bundle.predicateType"] = std::string(kCosignSignPredicateType);
  annotations["org.opencontainers.image.created"] =
      created.empty() ? now_rfc3339_utc() : std::string(created);
  manifest["subject"] = descriptor(subject.media_type, subject.size, subject.digest);
  manifest["artifactType"] = std::string(kBundleMediaType);
  return gojson::marshal(manifest);
}

}  // namespace ch::cosign
