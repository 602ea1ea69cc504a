// OCI descriptors, image manifests and image indexes, for the client and the server alike:
// parsing what registries return (with the checks a puller needs), what clients push (with
// the checks a registry needs), and writing the compact manifest JSON Helm pushes (spec
// helm-oci.md §1.2: schemaVersion, config, layers, annotations; no mediaType field).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::oci {

struct Descriptor {
  std::string media_type;
  std::string digest;
  std::int64_t size = 0;
  std::string artifact_type;                       // index entries may carry one
  std::map<std::string, std::string> annotations;  // read only; Helm writes none
};

struct Manifest {
  std::string media_type;  // the document's own mediaType field, often empty
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

// Parses an image manifest (OCI or Docker schema 2). Throws Error(kInvalidArgument,
// "invalid manifest: …") for malformed JSON, wrong schemaVersion, or descriptors with a
// missing media type, an invalid digest or a negative size.
Manifest parse_manifest(std::string_view json);

// The manifests listed by an image index (OCI or Docker manifest list).
std::vector<Descriptor> parse_index(std::string_view json);

// A manifest or index as a client pushes it to a registry (the distribution spec's rules).
struct Pushed {
  std::string media_type;             // the mediaType field, else the Content-Type it came with
  bool index = false;                 // an image index / manifest list (else an image manifest)
  std::optional<Descriptor> config;   // image manifests
  std::vector<Descriptor> layers;     // image manifests, foreign (non-distributable) layers
                                      // with urls left out: they live elsewhere
  std::vector<Descriptor> manifests;  // indexes
  std::optional<Descriptor> subject;
  std::string artifact_type;  // artifactType, else the config's media type
  std::map<std::string, std::string> annotations;
};
// `content_type` is the request's Content-Type without parameters ("" when absent). Throws
// Error(kInvalidArgument, "invalid manifest: ...") for malformed JSON (depth-limited), a
// schemaVersion other than 2, a mediaType that contradicts the Content-Type, no media type
// at all or one that is not an image manifest or index (OCI or Docker), a missing config,
// layers or manifests list, and malformed descriptors, artifactType or annotations.
Pushed parse_pushed(std::string_view json, std::string_view content_type);

// Helm's push manifest bytes: Go json.Marshal of {schemaVersion:2, config, layers,
// annotations (sorted, omitted when empty)}; layers are written in the given order.
std::string helm_manifest_json(const Descriptor& config, const std::vector<Descriptor>& layers,
                               const std::map<std::string, std::string>& annotations);

}  // namespace ch::oci
