// Byte-exact sigs.k8s.io/yaml (v1.4, gopkg.in/yaml.v2 v2.4) output: how Helm writes YAML.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ch::goyaml {

enum class Tag { kStr, kBool, kInt, kFloat, kNull, kTimestamp, kMerge };

// yaml.v2's implicit typing of an unquoted (plain) scalar, e.g. "1.0"→kFloat, "yes"→kBool,
// "2024-05-01"→kTimestamp, ""/"~"/"null"→kNull, "0x1F"→kInt, "<<"→kMerge, "1.2.3"→kStr.
// Note: "<<" is a merge key only when the parser reads it as a mapping key; yaml.v2's encoder
// types strings with its resolver, which never reaches "<<", and so writes `<<` unquoted.
// json_to_yaml follows the encoder; do not quote by resolve_plain(s) != kStr alone.
Tag resolve_plain(std::string_view s);

// sigs.k8s.io/yaml JSONToYAML(json.Marshal(x)): the JSON document is re-read as yaml.v2 generic
// values and marshalled by yaml.v2: map keys sorted with yaml.v2's key order (its "natural" sort
// in sorter.go, not bytewise), 2-space indent, sequences not indented under their key, plain
// scalars when yaml.v2 would use them, otherwise single- or double-quoted or literal block style
// exactly as the libyaml-derived emitter chooses, long scalars folded at yaml.v2's best width
// (80), "{}" / "[]" for empty containers, ends with "\n". Throws Error(kInvalidArgument) where
// Go fails: NaN/Inf numbers, or strings the YAML reader rejects after JSON encoding (e.g. U+007F,
// C1 controls other than U+0085, U+FFFE/U+FFFF: "yaml: control characters are not allowed").
std::string json_to_yaml(const nlohmann::ordered_json& doc);

}  // namespace ch::goyaml
