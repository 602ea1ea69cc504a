#include "oci/manifest.hpp"

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "gocompat/gojson.hpp"
#include "oci/media_types.hpp"

namespace ch::oci {

namespace {

[[noreturn]] void invalid(const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, "invalid manifest: " + what);
}

std::string string_field(const nlohmann::json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) invalid(where + "." + key + " is not a string");
  return it->get<std::string>();
}

std::map<std::string, std::string> annotations_of(const nlohmann::json& obj,
                                                  const std::string& where) {
  std::map<std::string, std::string> out;
  auto it = obj.find("annotations");
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) invalid(where + ".annotations is not an object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) invalid(where + ".annotations." + k + " is not a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

Descriptor descriptor_of(const nlohmann::json& obj, const std::string& where) {
  if (!obj.is_object()) invalid(where + " is not an object");
  Descriptor d;
  d.media_type = string_field(obj, "mediaType", where);
  if (d.media_type.empty()) invalid(where + " has no mediaType");
  d.digest = string_field(obj, "digest", where);
  if (!Digest::is_valid(d.digest)) invalid(where + " has an invalid digest \"" + d.digest + "\"");
  auto size = obj.find("size");
  if (size == obj.end() || !size->is_number_integer() || size->get<std::int64_t>() < 0)
    invalid(where + " has no valid size");
  d.size = size->get<std::int64_t>();
  d.artifact_type = string_field(obj, "artifactType", where);
  d.annotations = annotations_of(obj, where);
  return d;
}

nlohmann::json parse_object(std::string_view json) {
  auto doc = json_depth_within(json) ? nlohmann::json::parse(json, nullptr, false)
                                     : nlohmann::json(nlohmann::json::value_t::discarded);
  if (doc.is_discarded() || !doc.is_object()) invalid("not a JSON object");
  auto version = doc.find("schemaVersion");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() != 2)
    invalid("schemaVersion must be 2");
  return doc;
}

nlohmann::ordered_json descriptor_json(const Descriptor& d) {
  nlohmann::ordered_json j;
  j["mediaType"] = d.media_type;
  j["digest"] = d.digest;
  j["size"] = d.size;
  return j;
}

}  // namespace

Manifest parse_manifest(std::string_view json) {
  nlohmann::json doc = parse_object(json);
  Manifest m;
  m.media_type = string_field(doc, "mediaType", "manifest");
  m.artifact_type = string_field(doc, "artifactType", "manifest");
  if (!doc.contains("config")) invalid("no config descriptor");
  m.config = descriptor_of(doc["config"], "config");
  if (doc.contains("layers") && !doc["layers"].is_null()) {
    if (!doc["layers"].is_array()) invalid("layers is not an array");
    for (size_t i = 0; i < doc["layers"].size(); ++i)
      m.layers.push_back(descriptor_of(doc["layers"][i], "layers[" + std::to_string(i) + "]"));
  }
  m.annotations = annotations_of(doc, "manifest");
  return m;
}

std::vector<Descriptor> parse_index(std::string_view json) {
  nlohmann::json doc = parse_object(json);
  std::vector<Descriptor> out;
  auto it = doc.find("manifests");
  if (it == doc.end() || it->is_null()) return out;
  if (!it->is_array()) invalid("manifests is not an array");
  for (size_t i = 0; i < it->size(); ++i)
    out.push_back(descriptor_of((*it)[i], "manifests[" + std::to_string(i) + "]"));
  return out;
}

Pushed parse_pushed(std::string_view json, std::string_view content_type) {
  auto doc = json_depth_within(json) ? nlohmann::json::parse(json, nullptr, false)
                                     : nlohmann::json(nlohmann::json::value_t::discarded);
  if (doc.is_discarded()) invalid("not JSON");
  if (!doc.is_object()) invalid("not a JSON object");
  Pushed p;
  p.media_type = std::string(content_type);
  if (doc.contains("mediaType")) {
    if (!doc["mediaType"].is_string()) invalid("mediaType is not a string");
    std::string field = doc["mediaType"].get<std::string>();
    if (!content_type.empty() && content_type != field)
      invalid("mediaType " + field + " does not match Content-Type " + std::string(content_type));
    p.media_type = field;
  }
  if (p.media_type.empty()) invalid("no media type (Content-Type or mediaType)");
  if (!doc.contains("schemaVersion") || doc["schemaVersion"] != 2)
    invalid("schemaVersion must be 2");
  const bool image = p.media_type == kImageManifest || p.media_type == kDockerManifest;
  p.index = p.media_type == kImageIndex || p.media_type == kDockerManifestList;
  if (!image && !p.index) invalid("unsupported manifest media type " + p.media_type);
  if (image) {
    if (!doc.contains("config")) invalid("config missing");
    p.config = descriptor_of(doc["config"], "config");
    if (!doc.contains("layers") || !doc["layers"].is_array()) invalid("layers missing");
    for (size_t i = 0; i < doc["layers"].size(); ++i) {
      const auto& l = doc["layers"][i];
      Descriptor d = descriptor_of(l, "layers[" + std::to_string(i) + "]");
      bool foreign = l.contains("urls") && d.media_type.find("foreign") != std::string::npos;
      if (!foreign) p.layers.push_back(std::move(d));
    }
    p.artifact_type = p.config->media_type;
  } else {
    if (!doc.contains("manifests") || !doc["manifests"].is_array()) invalid("manifests missing");
    for (size_t i = 0; i < doc["manifests"].size(); ++i)
      p.manifests.push_back(
          descriptor_of(doc["manifests"][i], "manifests[" + std::to_string(i) + "]"));
  }
  if (doc.contains("artifactType")) {
    if (!doc["artifactType"].is_string()) invalid("artifactType is not a string");
    p.artifact_type = doc["artifactType"].get<std::string>();
  }
  if (doc.contains("subject")) p.subject = descriptor_of(doc["subject"], "subject");
  p.annotations = annotations_of(doc, "manifest");
  return p;
}

std::string helm_manifest_json(const Descriptor& config, const std::vector<Descriptor>& layers,
                               const std::map<std::string, std::string>& annotations) {
  nlohmann::ordered_json doc;
  doc["schemaVersion"] = 2;
  doc["config"] = descriptor_json(config);
  doc["layers"] = nlohmann::ordered_json::array();
  for (const Descriptor& d : layers) doc["layers"].push_back(descriptor_json(d));
  if (!annotations.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (const auto& [k, v] : annotations) a[k] = v;
    doc["annotations"] = a;
  }
  return gojson::marshal(doc);
}

}  // namespace ch::oci
