#include "cosign/simple_signing.hpp"

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "gocompat/gojson.hpp"

namespace ch::cosign {

namespace {

using ojson = nlohmann::ordered_json;

constexpr std::size_t kMaxPayloadBytes = 64 * 1024;
constexpr std::size_t kMaxManifestBytes = 4 * 1024 * 1024;  // the OCI manifest limit
constexpr std::string_view kPayloadType = "cosign container image signature";
constexpr std::string_view kManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kConfigMediaType = "application/vnd.oci.image.config.v1+json";

// The hex of a "sha256:<hex>" digest; throws for anything else.
std::string sha256_hex(std::string_view digest, std::string_view what) {
  Digest d;
  try {
    d = Digest::parse(digest);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string(what) + ": " + e.what());
  }
  if (d.algorithm != DigestAlgorithm::kSha256)
    throw Error(ErrorCode::kInvalidArgument,
                std::string(what) + ": " + std::string(digest) + " is not a sha256 digest");
  return d.hex;
}

[[noreturn]] void bad_payload(const std::string& reason) {
  throw Error(ErrorCode::kInvalidArgument, "invalid signature payload: " + reason);
}

[[noreturn]] void bad_manifest(const std::string& reason) {
  throw Error(ErrorCode::kInvalidArgument, "invalid signature manifest: " + reason);
}

}  // namespace

std::string simple_signing_payload(std::string_view docker_reference,
                                   std::string_view manifest_digest,
                                   std::string_view optional_json) {
  sha256_hex(manifest_digest, "signature payload");
  ojson optional = parse_untrusted_ordered_json(optional_json);
  if (!optional.is_null() && !optional.is_object())
    throw Error(ErrorCode::kInvalidArgument,
                "signature payload: optional must be a JSON object or null");
  ojson doc = ojson::object();
  ojson& critical = doc["critical"];
  critical["identity"]["docker-reference"] = std::string(docker_reference);
  critical["image"]["docker-manifest-digest"] = std::string(manifest_digest);
  critical["type"] = std::string(kPayloadType);
  doc["optional"] = std::move(optional);
  return gojson::marshal(doc);
}

SimpleSigning parse_simple_signing(std::string_view payload) {
  if (payload.size() > kMaxPayloadBytes)
    bad_payload("larger than " + std::to_string(kMaxPayloadBytes) + " bytes");
  nlohmann::json doc;
  try {
    doc = parse_untrusted_json(payload, 16);
  } catch (const Error& e) {
    bad_payload(e.what());
  }
  if (!doc.is_object()) bad_payload("not a JSON object");
  auto critical = doc.find("critical");
  if (critical == doc.end() || !critical->is_object()) bad_payload("no \"critical\" object");
  auto type = critical->find("type");
  if (type == critical->end() || !type->is_string())
    bad_payload("critical.type missing or not a string");
  if (type->get<std::string>() != kPayloadType)
    bad_payload("type \"" + type->get<std::string>() + "\" is not \"" + std::string(kPayloadType) +
                "\"");
  auto image = critical->find("image");
  if (image == critical->end() || !image->is_object())
    bad_payload("critical.image missing or not an object");
  auto digest = image->find("docker-manifest-digest");
  if (digest == image->end() || !digest->is_string())
    bad_payload("critical.image.docker-manifest-digest missing or not a string");
  SimpleSigning out;
  out.manifest_digest = digest->get<std::string>();
  if (!Digest::is_valid(out.manifest_digest) || !out.manifest_digest.starts_with("sha256:"))
    bad_payload("docker-manifest-digest \"" + out.manifest_digest + "\" is not a sha256 digest");
  // cosign leaves the identity empty when it signs without a reference; Go reads a missing
  // one as "".
  if (auto identity = critical->find("identity"); identity != critical->end()) {
    if (!identity->is_object()) bad_payload("critical.identity is not an object");
    if (auto ref = identity->find("docker-reference"); ref != identity->end()) {
      if (!ref->is_string()) bad_payload("critical.identity.docker-reference is not a string");
      out.docker_reference = ref->get<std::string>();
    }
  }
  return out;
}

SignatureManifest signature_manifest(const std::vector<SignatureLayer>& layers) {
  if (layers.empty()) throw Error(ErrorCode::kInvalidArgument, "signature manifest: no signatures");
  ojson diff_ids = ojson::array();
  ojson descriptors = ojson::array();
  for (const SignatureLayer& l : layers) {
    sha256_hex(l.digest, "signature manifest");
    diff_ids.push_back(l.digest);
    ojson d = ojson::object();
    d["mediaType"] = std::string(kSimpleSigningMediaType);
    d["digest"] = l.digest;
    d["size"] = l.size;
    d["annotations"][std::string(kSignatureAnnotation)] = l.signature;
    descriptors.push_back(std::move(d));
  }
  ojson config = ojson::object();
  config["architecture"] = "";
  config["os"] = "";
  config["config"] = ojson::object();
  config["rootfs"]["type"] = "layers";
  config["rootfs"]["diff_ids"] = std::move(diff_ids);

  SignatureManifest out;
  out.config = gojson::marshal(config);
  ojson manifest = ojson::object();
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = std::string(kManifestMediaType);
  manifest["config"]["mediaType"] = std::string(kConfigMediaType);
  manifest["config"]["digest"] = digest_of(out.config).str();
  manifest["config"]["size"] = out.config.size();
  manifest["layers"] = std::move(descriptors);
  out.manifest = gojson::marshal(manifest);
  return out;
}

std::vector<SignatureLayer> parse_signature_manifest(std::string_view manifest_json) {
  if (manifest_json.size() > kMaxManifestBytes)
    bad_manifest("larger than " + std::to_string(kMaxManifestBytes) + " bytes");
  nlohmann::json doc;
  try {
    doc = parse_untrusted_json(manifest_json);
  } catch (const Error& e) {
    bad_manifest(e.what());
  }
  if (!doc.is_object()) bad_manifest("not a JSON object");
  auto layers = doc.find("layers");
  if (layers == doc.end() || !layers->is_array()) bad_manifest("no \"layers\" array");
  std::vector<SignatureLayer> out;
  std::size_t index = 0;
  for (const nlohmann::json& layer : *layers) {
    std::string where = "layers[" + std::to_string(index++) + "]";
    if (!layer.is_object()) bad_manifest(where + " is not an object");
    auto media_type = layer.find("mediaType");
    if (media_type == layer.end() || !media_type->is_string() ||
        media_type->get<std::string>() != kSimpleSigningMediaType)
      continue;
    SignatureLayer l;
    auto digest = layer.find("digest");
    if (digest == layer.end() || !digest->is_string() ||
        !Digest::is_valid(digest->get<std::string>()))
      bad_manifest(where + ".digest missing or not a digest");
    l.digest = digest->get<std::string>();
    auto size = layer.find("size");
    if (size == layer.end() || !size->is_number_unsigned())
      bad_manifest(where + ".size missing or not a non-negative integer");
    l.size = size->get<std::uint64_t>();
    auto annotations = layer.find("annotations");
    if (annotations == layer.end() || !annotations->is_object())
      bad_manifest(where + " has no annotations (no signature)");
    auto sig = annotations->find(std::string(kSignatureAnnotation));
    if (sig == annotations->end() || !sig->is_string())
      bad_manifest(where + " has no " + std::string(kSignatureAnnotation) + " annotation");
    l.signature = sig->get<std::string>();
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace ch::cosign
