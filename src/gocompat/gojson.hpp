// Byte-exact Go encoding/json (Go 1.23) output for nlohmann::ordered_json documents.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ch::gojson {

// json.Marshal bytes: object keys in the order they appear in `doc` (callers build struct field
// order / sorted map order themselves), no whitespace, Go string escaping (\u003c \u003e \u0026,
// \u2028 \u2029, \b \f \n \r \t, other control chars \u00XX, each byte of invalid UTF-8 →
// \ufffd), Go number formatting for ints and floats. Binary values encode like Go []byte (a
// base64 string). NaN and ±Inf throw Error(kInvalidArgument) like Go's UnsupportedValueError.
std::string marshal(const nlohmann::ordered_json& doc);

// json.MarshalIndent(doc, "", indent), e.g. indent "\t" (Docker config.json) or "  ".
std::string marshal_indent(const nlohmann::ordered_json& doc, std::string_view indent);

// The text Go's encoding/json writes for a float64: shortest round-trip digits, 'f' notation
// unless |f| < 1e-6 or |f| >= 1e21 (then 'e', with "e-07" shortened to "e-7"); -0 is "-0".
std::string format_float(double f);

// `s` as Go sees it when it walks a string by runes: every byte that does not start a valid
// UTF-8 sequence (utf8.DecodeRuneInString returns RuneError, 1) becomes U+FFFD.
std::string valid_utf8(std::string_view s);

}  // namespace ch::gojson
