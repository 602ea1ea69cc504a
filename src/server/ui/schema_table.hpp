// A chart's values.schema.json as a flat table of rows (path, type, default, description) for
// the web UI. The rows are raw text: the page escapes them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ch::server::ui {

inline constexpr std::size_t kMaxSchemaRows = 2000;
inline constexpr std::size_t kMaxSchemaDepth = 32;
// default_json and enum_json longer than this are cut (at a character) and end in "…";
// description likewise at 4 times this. A $ref used many times cannot multiply the output.
inline constexpr std::size_t kMaxSchemaValueBytes = 1024;

struct SchemaRow {
  std::string path;  // "image.repository", "ingress.hosts[]", "env.*" (additionalProperties)
  std::string type;  // "string", "integer | null", "object", "array of string"...
  std::string default_json;  // compact JSON of "default", "" when absent
  std::string description;   // "description" or "title"
  bool required = false;     // listed in the parent's "required"
  std::string enum_json;     // compact JSON array of "enum" / "const", "" when absent
  std::size_t depth = 0;     // nesting for indentation
};

// Throws ch::Error(kInvalidArgument) for invalid JSON. Walks "properties", "items",
// "additionalProperties" (object), "patternProperties", and local "$ref" ("#/definitions/x",
// "#/$defs/x", JSON pointer with ~0 ~1 escapes), allOf/anyOf/oneOf merged shallowly for type
// display. Bounded: at most 2000 rows, depth 32, and a $ref cycle stops (explicit stack, no
// recursion on input depth beyond the depth bound).
//
// Rows come in document order, depth first. Paths: "a.b" for properties, "a[]" for items,
// "a.*" for additionalProperties, "a./regex/" for patternProperties. Properties (and
// "required") of allOf members are merged into their parent. A $ref that refers to one of its
// own ancestors gives a row but is not expanded again; a $ref that is not local or does not
// resolve leaves the node as written.
std::vector<SchemaRow> schema_rows(std::string_view schema_json);
// The same; *truncated is set when a row, depth or size limit left something out.
std::vector<SchemaRow> schema_rows(std::string_view schema_json, bool* truncated);

}  // namespace ch::server::ui
