// What the MetadataStore tests of both backends build their cases from (SQLite in
// tests/unit, PostgreSQL in tests/scaleout): descriptors of content, manifests with real
// bytes, and descriptions that compare every stored field.
#pragma once

#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "server/store/metadata_store.hpp"

namespace ch::testing {

using server::store::Descriptor;
using server::store::Manifest;

inline Descriptor desc(const std::string& content,
                       std::string media_type = "application/octet-stream") {
  return Descriptor{std::move(media_type),
                    digest_of(content).str(),
                    static_cast<std::int64_t>(content.size()),
                    "",
                    {}};
}

// A manifest with real bytes (the stores check that the digest is theirs).
inline Manifest make_manifest(const std::string& repo, std::vector<Descriptor> blobs,
                              std::vector<Descriptor> children = {},
                              std::optional<Descriptor> subject = std::nullopt,
                              std::string artifact_type = "", std::string salt = "") {
  Manifest m;
  m.repository = repo;
  m.media_type = children.empty() ? "application/vnd.oci.image.manifest.v1+json"
                                  : "application/vnd.oci.image.index.v1+json";
  nlohmann::ordered_json j;
  j["schemaVersion"] = 2;
  j["mediaType"] = m.media_type;
  auto descriptor_json = [](const Descriptor& d) {
    return nlohmann::ordered_json{
        {"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  };
  for (const auto& b : blobs) j["layers"].push_back(descriptor_json(b));
  for (const auto& c : children) j["manifests"].push_back(descriptor_json(c));
  if (subject) j["subject"] = descriptor_json(*subject);
  if (!artifact_type.empty()) j["artifactType"] = artifact_type;
  m.annotations = nlohmann::ordered_json{{"z.salt", salt}, {"a.second", "2"}};
  j["annotations"] = m.annotations;
  m.bytes = j.dump();
  m.digest = digest_of(m.bytes);
  m.subject = std::move(subject);
  m.artifact_type = std::move(artifact_type);
  m.blobs = std::move(blobs);
  m.manifests = std::move(children);
  return m;
}

inline Descriptor desc_of(const Manifest& m) {
  return Descriptor{
      m.media_type, m.digest.str(), static_cast<std::int64_t>(m.bytes.size()), "", {}};
}

inline std::string describe(const Descriptor& d) {
  return d.media_type + "|" + d.digest + "|" + std::to_string(d.size);
}

// Every field, so two manifests compare equal only when all fields do.
inline std::string describe(const Manifest& m) {
  std::ostringstream out;
  out << m.repository << "\n"
      << m.digest.str() << "\n"
      << m.media_type << "\n"
      << m.bytes << "\n"
      << (m.subject ? describe(*m.subject) : "-") << "\n"
      << m.artifact_type << "\n"
      << m.annotations.dump() << "\n"
      << m.chart << "\n";
  for (const auto& b : m.blobs) out << "blob " << describe(b) << "\n";
  for (const auto& c : m.manifests) out << "child " << describe(c) << "\n";
  return out.str();
}

inline std::set<std::string> strs(const std::vector<Digest>& ds) {
  std::set<std::string> out;
  for (const auto& d : ds) out.insert(d.str());
  return out;
}

}  // namespace ch::testing
