// Reading YAML the way Helm does (sigs.k8s.io/yaml over yaml.v2): a YAML document becomes a
// JSON value with yaml.v2's implicit typing, and scalars convert to strings as Go would when
// the target field is a string (`version: 1.10` becomes "1.1").
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ch::yamlconv {

// Limits on what one parse may cost, whatever the sender wrote.
struct ParseLimits {
  // Documents larger than this are refused before parsing (callers reading files or bodies
  // with a smaller limit of their own keep theirs).
  std::size_t max_bytes = 256 * 1024 * 1024;
  // Nesting of the converted value, aliases expanded. yaml-cpp's parser already stops at 500
  // levels of text; only aliases nest deeper, and everything that walks a value (copies,
  // dumps, the YAML emitter, value merging) recurses per level. Helm stops at 10000.
  int max_depth = 1000;
};

// Parses one YAML document. Plain scalars are typed as yaml.v2 types them (bool, int, float,
// null; timestamps stay strings), quoted scalars are strings, map keys become strings.
// An empty document is null. Throws Error(kInvalidArgument) with yaml-cpp's message on
// malformed YAML, and with yaml.v2's messages where yaml.v2 refuses a document: "document
// contains excessive aliasing" (yaml.v2's alias-expansion budget, applied to the same node
// counts), "anchor 'a' value contains itself", "exceeded max depth of 1000"; callers put
// "yaml: " in front as sigs.k8s.io/yaml does.
nlohmann::ordered_json parse(std::string_view yaml);
nlohmann::ordered_json parse(std::string_view yaml, const ParseLimits& limits);

// The string sigs.k8s.io/yaml hands to a Go string field for a scalar: strings unchanged,
// ints in decimal, floats as Go's FormatFloat(f, 'g', -1, 32), bools "true"/"false".
// Returns false for null, arrays and objects.
bool scalar_to_go_string(const nlohmann::ordered_json& v, std::string* out);

// Go's strconv.FormatFloat(f, 'g', -1, bits) for bits 32 or 64.
std::string go_format_float(double f, int bits);

// Helm's YAML type name for lint messages: "string", "float64", "int", "bool", ...
std::string go_type_name(const nlohmann::ordered_json& v);

}  // namespace ch::yamlconv
