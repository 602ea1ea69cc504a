#include "helm/metadata.hpp"

#include <set>
#include <string_view>

#include "base/error.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/semver.hpp"
#include "gocompat/yamlconv.hpp"

namespace ch::helm {

// Linear matchers for Helm's validation regexes (std::regex backtracks recursively and
// overflows the stack on long input). Not in a header: tests declare what they compare.
namespace metadata_detail {

// Helm's dependency alias pattern ^[a-zA-Z0-9_-]+$.
bool is_valid_alias(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace metadata_detail

namespace {

using json = nlohmann::ordered_json;

// Decoding errors mimic Go's encoding/json, which Helm surfaces verbatim.
class Decoder {
 public:
  explicit Decoder(std::string_view file) : file_(file) {}

  [[noreturn]] void type_error(const json& v, std::string_view go_struct, std::string_view path,
                               std::string_view go_type) const {
    fail("json: cannot unmarshal " + json_kind(v) + " into Go struct field " +
         std::string(go_struct) + "." + std::string(path) + " of type " + std::string(go_type));
  }

  [[noreturn]] void fail(const std::string& detail) const {
    throw Error(
        ErrorCode::kInvalidChart,
        "cannot load " + file_ + ": error unmarshaling JSON: while decoding JSON: " + detail);
  }

  void string_field(const json& v, std::string& out, std::string_view st,
                    std::string_view path) const {
    if (v.is_null()) return;
    if (!yamlconv::scalar_to_go_string(v, &out)) type_error(v, st, path, "string");
  }

  void bool_field(const json& v, bool& out, std::string_view st, std::string_view path) const {
    if (v.is_null()) return;
    if (!v.is_boolean()) type_error(v, st, path, "bool");
    out = v.get<bool>();
  }

  void string_list(const json& v, std::vector<std::string>& out, std::string_view st,
                   std::string_view path) const {
    if (v.is_null()) {
      out.clear();
      return;
    }
    if (!v.is_array()) type_error(v, st, path, "[]string");
    out.clear();
    for (const auto& item : v) {
      std::string s;
      if (!item.is_null() && !yamlconv::scalar_to_go_string(item, &s))
        type_error(item, st, path, "string");
      out.push_back(s);
    }
  }

  static std::string json_kind(const json& v) {
    if (v.is_string()) return "string";
    if (v.is_number()) return "number";
    if (v.is_boolean()) return "bool";
    if (v.is_array()) return "array";
    if (v.is_object()) return "object";
    return "null";
  }

 private:
  std::string file_;
};

bool fold_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Calls fn(field, value) for each key of obj matched to one of `fields` the way
// encoding/json matches: exact name first, else ASCII case-insensitively.
template <typename Fn>
void for_fields(const json& obj, std::initializer_list<std::string_view> fields, Fn&& fn) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    std::string_view match;
    for (auto f : fields)
      if (f == key) match = f;
    if (match.empty())
      for (auto f : fields)
        if (fold_equal(f, key)) {
          match = f;
          break;
        }
    if (!match.empty()) fn(match, it.value());
  }
}

Dependency decode_dependency(const Decoder& d, const json& v, std::string_view list) {
  Dependency dep;
  std::string p(list);
  for_fields(
      v,
      {"name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias"},
      [&](std::string_view f, const json& x) {
        std::string path = p + "." + std::string(f);
        if (f == "name") d.string_field(x, dep.name, "Dependency", path);
        if (f == "version") d.string_field(x, dep.version, "Dependency", path);
        if (f == "repository") d.string_field(x, dep.repository, "Dependency", path);
        if (f == "condition") d.string_field(x, dep.condition, "Dependency", path);
        if (f == "alias") d.string_field(x, dep.alias, "Dependency", path);
        if (f == "tags") d.string_list(x, dep.tags, "Dependency", path);
        if (f == "enabled") d.bool_field(x, dep.enabled, "Dependency", path);
        if (f == "import-values") {
          if (x.is_null()) {
            dep.import_values = json::array();
          } else if (!x.is_array()) {
            d.type_error(x, "Dependency", path, "[]interface {}");
          } else {
            dep.import_values = x;
          }
        }
      });
  return dep;
}

void decode_dependencies(const Decoder& d, const json& v, std::vector<Dependency>& out,
                         bool* saw_null, std::string_view st) {
  if (v.is_null()) {
    out.clear();
    return;
  }
  if (!v.is_array()) d.type_error(v, st, "dependencies", "[]*chart.Dependency");
  out.clear();
  for (const auto& item : v) {
    if (item.is_null()) {
      if (saw_null != nullptr) *saw_null = true;
      continue;
    }
    if (!item.is_object()) d.type_error(item, st, "dependencies", "chart.Dependency");
    out.push_back(decode_dependency(d, item, "dependencies"));
  }
}

json parse_yaml_for(std::string_view yaml, std::string_view file) {
  try {
    return yamlconv::parse(yaml);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidChart, "cannot load " + std::string(file) +
                                              ": error converting YAML to JSON: yaml: " + e.what());
  }
}

// Unicode White_Space (Go's unicode.IsSpace).
bool is_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// Go's unicode.IsPrint for the runes that are not spaces: letters, marks, numbers,
// punctuation and symbols. Control and format characters, surrogates, private use,
// noncharacters and unassigned planes are not printable.
bool is_print(char32_t r) {
  if (r < 0x20 || (r >= 0x7F && r <= 0x9F)) return false;
  if (r == 0xAD || r == 0x61C || r == 0x180E) return false;
  if ((r >= 0x600 && r <= 0x605) || r == 0x6DD || r == 0x70F || r == 0x8E2) return false;
  if ((r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E)) return false;
  if (r >= 0x2060 && r <= 0x206F) return false;
  if (r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB)) return false;
  if (r >= 0xD800 && r <= 0xDFFF) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;
  if ((r >= 0xFDD0 && r <= 0xFDEF) || (r & 0xFFFE) == 0xFFFE) return false;
  if (r >= 0x110BD && r <= 0x110CD && (r == 0x110BD || r == 0x110CD)) return false;
  if (r >= 0x1BCA0 && r <= 0x1BCA3) return false;
  if (r >= 0x1D173 && r <= 0x1D17A) return false;
  if (r >= 0xE0000) return false;  // tags, variation selectors supplement, private use
  return true;
}

void append_utf8(std::string& out, char32_t r) {
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

// Decodes one UTF-8 rune at s[i]; returns its length, or 1 with U+FFFD for invalid bytes.
size_t decode_rune(std::string_view s, size_t i, char32_t* r) {
  auto c = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto at = [&](size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F);
  };
  if (c < 0x80) {
    *r = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    *r = (static_cast<char32_t>(c & 0x1F) << 6) | at(1);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    char32_t v = (static_cast<char32_t>(c & 0x0F) << 12) | (at(1) << 6) | at(2);
    if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
      *r = v;
      return 3;
    }
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    char32_t v = (static_cast<char32_t>(c & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3);
    if (v >= 0x10000 && v <= 0x10FFFF) {
      *r = v;
      return 4;
    }
  }
  *r = 0xFFFD;
  return 1;
}

void sanitize_all(std::vector<std::string>& v) {
  for (auto& s : v) s = sanitize(s);
}

json string_array(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

}  // namespace

std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t r;
    i += decode_rune(s, i, &r);
    if (is_space(r)) {
      out.push_back(' ');
    } else if (is_print(r)) {
      append_utf8(out, r);
    }
  }
  return out;
}

json Dependency::to_json() const {
  json j = json::object();
  j["name"] = name;
  if (!version.empty()) j["version"] = version;
  j["repository"] = repository;
  if (!condition.empty()) j["condition"] = condition;
  if (!tags.empty()) j["tags"] = string_array(tags);
  if (enabled) j["enabled"] = true;
  if (!import_values.empty()) j["import-values"] = import_values;
  if (!alias.empty()) j["alias"] = alias;
  return j;
}

void Metadata::merge_yaml(std::string_view yaml, std::string_view file) {
  json doc = parse_yaml_for(yaml, file);
  Decoder d(file);
  if (doc.is_null()) return;
  if (!doc.is_object())
    d.fail("json: cannot unmarshal " + Decoder::json_kind(doc) +
           " into Go value of type chart.Metadata");
  const std::string_view st = "Metadata";
  for_fields(doc,
             {"name", "home", "sources", "version", "description", "keywords", "maintainers",
              "icon", "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations",
              "kubeVersion", "dependencies", "type"},
             [&](std::string_view f, const json& v) {
               if (f == "name") d.string_field(v, name, st, f);
               if (f == "home") d.string_field(v, home, st, f);
               if (f == "sources") d.string_list(v, sources, st, f);
               if (f == "version") d.string_field(v, version, st, f);
               if (f == "description") d.string_field(v, description, st, f);
               if (f == "keywords") d.string_list(v, keywords, st, f);
               if (f == "icon") d.string_field(v, icon, st, f);
               if (f == "apiVersion") d.string_field(v, api_version, st, f);
               if (f == "condition") d.string_field(v, condition, st, f);
               if (f == "tags") d.string_field(v, tags, st, f);
               if (f == "appVersion") d.string_field(v, app_version, st, f);
               if (f == "deprecated") d.bool_field(v, deprecated, st, f);
               if (f == "kubeVersion") d.string_field(v, kube_version, st, f);
               if (f == "type") d.string_field(v, type, st, f);
               if (f == "dependencies")
                 decode_dependencies(d, v, dependencies, &null_dependency, st);
               if (f == "annotations") {
                 if (v.is_null()) {
                   annotations.clear();
                 } else if (!v.is_object()) {
                   d.type_error(v, st, f, "map[string]string");
                 } else {
                   for (auto it = v.begin(); it != v.end(); ++it) {
                     std::string s;
                     if (!it.value().is_null() && !yamlconv::scalar_to_go_string(it.value(), &s))
                       d.type_error(it.value(), st, "annotations", "string");
                     annotations[it.key()] = s;
                   }
                 }
               }
               if (f == "maintainers") {
                 maintainers.clear();
                 if (v.is_null()) return;
                 if (!v.is_array()) d.type_error(v, st, f, "[]*chart.Maintainer");
                 for (const auto& item : v) {
                   if (item.is_null()) {
                     null_maintainer = true;
                     continue;
                   }
                   if (!item.is_object()) d.type_error(item, st, f, "chart.Maintainer");
                   Maintainer m;
                   for_fields(item, {"name", "email", "url"},
                              [&](std::string_view mf, const json& mv) {
                                std::string path = "maintainers." + std::string(mf);
                                if (mf == "name") d.string_field(mv, m.name, "Maintainer", path);
                                if (mf == "email") d.string_field(mv, m.email, "Maintainer", path);
                                if (mf == "url") d.string_field(mv, m.url, "Maintainer", path);
                              });
                   maintainers.push_back(m);
                 }
               }
             });
}

void Metadata::validate() {
  auto fail = [](const std::string& m) {
    throw Error(ErrorCode::kInvalidChart, "validation: " + m);
  };
  name = sanitize(name);
  description = sanitize(description);
  home = sanitize(home);
  icon = sanitize(icon);
  condition = sanitize(condition);
  tags = sanitize(tags);
  app_version = sanitize(app_version);
  kube_version = sanitize(kube_version);
  sanitize_all(sources);
  sanitize_all(keywords);

  if (api_version.empty()) fail("chart.metadata.apiVersion is required");
  if (name.empty()) fail("chart.metadata.name is required");
  if (name == "." || name == "..") fail("chart.metadata.name \"" + name + "\" is not allowed");
  if (name.find('/') != std::string::npos) fail("chart.metadata.name \"" + name + "\" is invalid");
  if (version.empty()) fail("chart.metadata.version is required");
  if (!semver::Version::try_parse(version))
    fail("chart.metadata.version \"" + version + "\" is invalid");
  if (!type.empty() && type != "application" && type != "library")
    fail("chart.metadata.type must be application or library");

  if (null_maintainer) fail("maintainers must not contain empty or null nodes");
  for (auto& m : maintainers) {
    m.name = sanitize(m.name);
    m.email = sanitize(m.email);
    m.url = sanitize(m.url);
  }

  std::set<std::string> seen;
  if (null_dependency) fail("dependencies must not contain empty or null nodes");
  for (auto& dep : dependencies) {
    dep.name = sanitize(dep.name);
    dep.version = sanitize(dep.version);
    dep.repository = sanitize(dep.repository);
    dep.condition = sanitize(dep.condition);
    sanitize_all(dep.tags);
    if (!dep.alias.empty() && !metadata_detail::is_valid_alias(dep.alias))
      fail("dependency \"" + dep.name + "\" has disallowed characters in the alias");
    const std::string& key = dep.alias.empty() ? dep.name : dep.alias;
    if (!seen.insert(key).second)
      fail("more than one dependency with name or alias \"" + key + "\"");
  }
}

json Metadata::to_json(bool include_dependencies) const {
  json j = json::object();
  if (!name.empty()) j["name"] = name;
  if (!home.empty()) j["home"] = home;
  if (!sources.empty()) j["sources"] = string_array(sources);
  if (!version.empty()) j["version"] = version;
  if (!description.empty()) j["description"] = description;
  if (!keywords.empty()) j["keywords"] = string_array(keywords);
  if (!maintainers.empty()) {
    json a = json::array();
    for (const auto& m : maintainers) {
      json o = json::object();
      if (!m.name.empty()) o["name"] = m.name;
      if (!m.email.empty()) o["email"] = m.email;
      if (!m.url.empty()) o["url"] = m.url;
      a.push_back(o);
    }
    j["maintainers"] = a;
  }
  if (!icon.empty()) j["icon"] = icon;
  if (!api_version.empty()) j["apiVersion"] = api_version;
  if (!condition.empty()) j["condition"] = condition;
  if (!tags.empty()) j["tags"] = tags;
  if (!app_version.empty()) j["appVersion"] = app_version;
  if (deprecated) j["deprecated"] = true;
  if (!annotations.empty()) {
    json o = json::object();
    for (const auto& [k, v] : annotations) o[k] = v;  // std::map: bytewise, as Go sorts maps
    j["annotations"] = o;
  }
  if (!kube_version.empty()) j["kubeVersion"] = kube_version;
  if (include_dependencies && !dependencies.empty()) {
    json a = json::array();
    for (const auto& d : dependencies) a.push_back(d.to_json());
    j["dependencies"] = a;
  }
  if (!type.empty()) j["type"] = type;
  return j;
}

std::string Metadata::to_yaml(bool include_dependencies) const {
  return goyaml::json_to_yaml(to_json(include_dependencies));
}

Lock Lock::parse(std::string_view yaml, std::string_view file) {
  json doc = parse_yaml_for(yaml, file);
  Decoder d(file);
  Lock lock;
  if (doc.is_null()) return lock;
  if (!doc.is_object())
    d.fail("json: cannot unmarshal " + Decoder::json_kind(doc) +
           " into Go value of type chart.Lock");
  for_fields(doc, {"generated", "digest", "dependencies"}, [&](std::string_view f, const json& v) {
    if (f == "generated") d.string_field(v, lock.generated, "Lock", f);
    if (f == "digest") d.string_field(v, lock.digest, "Lock", f);
    if (f == "dependencies") decode_dependencies(d, v, lock.dependencies, nullptr, "Lock");
  });
  return lock;
}

std::string Lock::to_yaml() const {
  json j = json::object();
  j["generated"] = generated.empty() ? "0001-01-01T00:00:00Z" : generated;
  j["digest"] = digest;
  json a = json::array();
  for (const auto& d : dependencies) a.push_back(d.to_json());
  j["dependencies"] = a;
  return goyaml::json_to_yaml(j);
}

}  // namespace ch::helm
