#include "core/yamlconv.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/error.hpp"
#include "core/goyaml.hpp"

namespace ch::yamlconv {

namespace {

using json = nlohmann::ordered_json;

bool parse_go_int(std::string_view s, long long* out) {
  // strconv.ParseInt(s, 0, 64) after removing '_' (yaml.v2 resolve).
  std::string t;
  for (char c : s)
    if (c != '_') t.push_back(c);
  if (t.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    i = 1;
  }
  int base = 10;
  if (t.size() - i > 1 && t[i] == '0') {
    char p = static_cast<char>(t[i + 1] | 0x20);
    if (p == 'x') {
      base = 16;
      i += 2;
    } else if (p == 'o') {
      base = 8;
      i += 2;
    } else if (p == 'b') {
      base = 2;
      i += 2;
    } else {
      base = 8;
      i += 1;
    }
  }
  if (i >= t.size()) return false;
  unsigned long long v = 0;
  auto [ptr, ec] = std::from_chars(t.data() + i, t.data() + t.size(), v, base);
  if (ec != std::errc() || ptr != t.data() + t.size()) return false;
  if (!neg && v > static_cast<unsigned long long>(INT64_MAX)) return false;
  if (neg && v > static_cast<unsigned long long>(INT64_MAX) + 1) return false;
  *out = neg ? static_cast<long long>(0 - v) : static_cast<long long>(v);
  return true;
}

json scalar_value(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() != "?") return json(s);  // quoted or explicitly tagged: a string
  switch (goyaml::resolve_plain(s)) {
    case goyaml::Tag::kNull:
      return json(nullptr);
    case goyaml::Tag::kBool: {
      static const char* kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                    "True", "TRUE", "on",  "On",  "ON"};
      for (const char* t : kTrue)
        if (s == t) return json(true);
      return json(false);
    }
    case goyaml::Tag::kInt: {
      long long v = 0;
      if (parse_go_int(s, &v)) return json(v);
      return json(std::strtod(s.c_str(), nullptr));
    }
    case goyaml::Tag::kFloat: {
      std::string t;
      for (char c : s)
        if (c != '_') t.push_back(c);
      if (t == ".nan" || t == ".NaN" || t == ".NAN") return json(std::nan(""));
      if (t.find("inf") != std::string::npos || t.find("Inf") != std::string::npos ||
          t.find("INF") != std::string::npos)
        return json(t[0] == '-' ? -HUGE_VAL : HUGE_VAL);
      return json(std::strtod(t.c_str(), nullptr));
    }
    default:  // strings, timestamps (yaml.v2 keeps them as strings in generic values), "<<"
      return json(s);
  }
}

std::string key_string(const YAML::Node& k) {
  if (!k.IsScalar()) throw Error(ErrorCode::kInvalidArgument, "unsupported map key type");
  json v = scalar_value(k);
  std::string out;
  if (v.is_null()) return "null";
  if (scalar_to_go_string(v, &out)) return out;
  return k.Scalar();
}

json convert(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json(nullptr);
    case YAML::NodeType::Scalar:
      return scalar_value(n);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : n) arr.push_back(convert(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : n) obj[key_string(kv.first)] = convert(kv.second);
      return obj;
    }
  }
  return json(nullptr);
}

}  // namespace

json parse(std::string_view yaml) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return convert(root);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::kInvalidArgument, e.what());
  }
}

std::string go_format_float(double f, int bits) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::to_chars_result r;
  if (bits == 32) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(f), std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  }
  std::string sci(buf, r.ptr);
  bool neg = false;
  if (sci[0] == '-') {
    neg = true;
    sci.erase(0, 1);
  }
  auto e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits.push_back(c);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits == "0") exp = 0;
  std::string out = neg ? "-" : "";
  const int eprec = 6;  // Go: shortest 'g' switches to %e from exponent 6 on
  if (exp < -4 || exp >= eprec) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    int a = std::abs(exp);
    if (a < 10) out += "0";
    out += std::to_string(a);
    return out;
  }
  if (exp < 0) {
    out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<int>(digits.size()) <= exp + 1) {
    out += digits + std::string(static_cast<size_t>(exp + 1) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(exp + 1)) + "." +
           digits.substr(static_cast<size_t>(exp + 1));
  }
  return out;
}

bool scalar_to_go_string(const json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
    return true;
  }
  if (v.is_boolean()) {
    *out = v.get<bool>() ? "true" : "false";
    return true;
  }
  if (v.is_number_integer()) {
    *out = v.is_number_unsigned() ? std::to_string(v.get<unsigned long long>())
                                  : std::to_string(v.get<long long>());
    return true;
  }
  if (v.is_number_float()) {
    *out = go_format_float(v.get<double>(), 32);
    return true;
  }
  return false;
}

std::string go_type_name(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  if (v.is_number_integer()) return "int";
  if (v.is_number_float()) return "float64";
  if (v.is_null()) return "<nil>";
  if (v.is_array()) return "[]interface {}";
  return "map[string]interface {}";
}

}  // namespace ch::yamlconv
