// The Chart.yaml model (Helm's chart.Metadata), read as Helm reads it and written back in
// Helm's JSON field order, plus Chart.lock / requirements.lock.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ch::helm {

inline constexpr std::string_view kApiVersionV1 = "v1";
inline constexpr std::string_view kApiVersionV2 = "v2";

struct Maintainer {
  std::string name, email, url;
};

struct Dependency {
  std::string name;
  std::string version;     // a version constraint
  std::string repository;  // oci://, https://, @name, alias:name, file://, or empty
  std::string condition;
  std::vector<std::string> tags;
  bool enabled = false;
  nlohmann::ordered_json import_values =
      nlohmann::ordered_json::array();  // strings / {child,parent}
  std::string alias;

  // Go's json.Marshal field order: name and repository always, the rest omitempty.
  nlohmann::ordered_json to_json() const;
};

struct Metadata {
  std::string name;
  std::string home;
  std::vector<std::string> sources;
  std::string version;
  std::string description;
  std::vector<std::string> keywords;
  std::vector<Maintainer> maintainers;
  std::string icon;
  std::string api_version;
  std::string condition;
  std::string tags;  // a string at chart level
  std::string app_version;
  bool deprecated = false;
  std::map<std::string, std::string> annotations;
  std::string kube_version;
  std::vector<Dependency> dependencies;
  std::string type;

  // Set when a YAML list held a null entry; validate() rejects it as Helm does.
  bool null_maintainer = false;
  bool null_dependency = false;

  // Applies a YAML document the way Helm's yaml.Unmarshal into an existing Metadata does:
  // keys present overwrite fields, scalars convert into string fields, unknown keys are
  // ignored. `file` names the file for error messages ("Chart.yaml", "requirements.yaml").
  // Throws Error(kInvalidChart, "cannot load <file>: ...").
  void merge_yaml(std::string_view yaml, std::string_view file);

  // Helm's Metadata.Validate: sanitises strings (whitespace to ' ', non-printables dropped)
  // and checks required fields. Throws Error(kInvalidChart, "validation: ...").
  void validate();

  // The JSON Helm marshals (config blob bytes via gojson::marshal; Chart.yaml and `show chart`
  // via goyaml::json_to_yaml). include_dependencies=false for a v1 chart's packaged Chart.yaml.
  nlohmann::ordered_json to_json(bool include_dependencies = true) const;
  std::string to_yaml(bool include_dependencies = true) const;
};

// Chart.lock (v2) / requirements.lock (v1).
struct Lock {
  std::string generated;  // RFC 3339 time as written (normalised like Go's time.Time)
  std::string digest;
  std::vector<Dependency> dependencies;

  static Lock parse(std::string_view yaml, std::string_view file);
  std::string to_yaml() const;
};

// Helm's sanitizeString: each Unicode white-space rune becomes ' ', other non-printable
// runes are dropped, invalid UTF-8 bytes become U+FFFD.
std::string sanitize(std::string_view s);

}  // namespace ch::helm
