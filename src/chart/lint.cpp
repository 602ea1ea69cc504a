#include "chart/lint.hpp"

#include <regex>

#include "chart/metadata.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "core/semver.hpp"
#include "core/yamlconv.hpp"

namespace ch::chart {

namespace stdfs = std::filesystem;

namespace {

// govalidator.IsRequestURL: an absolute URI with a scheme.
bool is_request_url(const std::string& s) {
  static const std::regex kUri(R"(^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$)");
  return std::regex_match(s, kUri);
}

bool is_email(const std::string& s) {
  static const std::regex kEmail(
      R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*$)");
  return std::regex_match(s, kEmail);
}

// govalidator.IsURL: an optional scheme, a host name with a dot (or localhost / an IP),
// optional port and path.
bool is_url(const std::string& s) {
  static const std::regex kUrl(
      R"(^((https?|ftp|wss?)://)?([^\s:@/]+(:[^\s@/]*)?@)?(localhost|\[[0-9A-Fa-f:.]+\]|([A-Za-z0-9\-_]+\.)+[A-Za-z0-9\-_]+)(:[0-9]{1,5})?([/?#][^\s]*)?$)");
  return s.size() < 2083 && std::regex_match(s, kUrl);
}

}  // namespace

std::string severity_label(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "INFO";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kError:
      return "ERROR";
  }
  return "ERROR";
}

std::vector<LintMessage> lint_chart_dir(const stdfs::path& dir) {
  std::vector<LintMessage> out;
  auto add = [&](Severity sev, std::string path, std::string text) {
    out.push_back({sev, std::move(path), std::move(text)});
  };
  const std::string cy = "Chart.yaml";
  stdfs::path chart_yaml = dir / cy;
  std::error_code ec;
  if (stdfs::is_directory(chart_yaml, ec))
    add(Severity::kError, cy, "should be a file, not a directory");

  Metadata md;
  nlohmann::ordered_json raw;
  try {
    std::string data = fs::read_file(chart_yaml, 5 * 1024 * 1024);
    md.merge_yaml(data, cy);
    raw = yamlconv::parse(data);
  } catch (const Error& e) {
    add(Severity::kError, cy, std::string("unable to parse YAML\n\t") + e.what());
    return out;
  }

  auto string_type = [&](const char* key) {
    if (raw.is_object() && raw.contains(key) && !raw[key].is_string()) {
      const auto& v = raw[key];
      // JSON numbers decode into Go's float64 before the type check.
      std::string type = v.is_number() ? "float64" : yamlconv::go_type_name(v);
      add(Severity::kError, cy,
          std::string(key) + " should be of type string but it's of type " + type);
    }
  };

  if (md.name.empty()) {
    add(Severity::kError, cy, "name is required");
  } else if (md.name.find('/') != std::string::npos) {
    add(Severity::kError, cy, "chart name \"" + md.name + "\" is invalid");
  }
  if (md.api_version.empty()) {
    add(Severity::kError, cy, "apiVersion is required. The value must be either \"v1\" or \"v2\"");
  } else if (md.api_version != kApiVersionV1 && md.api_version != kApiVersionV2) {
    add(Severity::kError, cy,
        "apiVersion '" + md.api_version +
            "' is not valid. The value must be either \"v1\" or \"v2\"");
  }
  string_type("version");
  if (md.version.empty()) {
    add(Severity::kError, cy, "version is required");
  } else if (auto v = semver::Version::try_parse(md.version); !v) {
    add(Severity::kError, cy, "version '" + md.version + "' is not a valid SemVer");
  } else if (!semver::Constraints::parse(">0.0.0-0").check(*v)) {
    add(Severity::kError, cy, "version " + v->str() + " is less than or equal to 0.0.0-0");
  }
  string_type("appVersion");
  for (const auto& m : md.maintainers) {
    if (m.name.empty()) {
      add(Severity::kError, cy, "each maintainer requires a name");
      break;
    }
    if (!m.email.empty() && !is_email(m.email)) {
      add(Severity::kError, cy, "invalid email '" + m.email + "' for maintainer '" + m.name + "'");
      break;
    }
    if (!m.url.empty() && !is_url(m.url)) {
      add(Severity::kError, cy, "invalid url '" + m.url + "' for maintainer '" + m.name + "'");
      break;
    }
  }
  for (const auto& s : md.sources) {
    if (s.empty() || !is_request_url(s)) {
      add(Severity::kError, cy, "invalid source URL '" + s + "'");
      break;
    }
  }
  if (md.icon.empty()) add(Severity::kInfo, cy, "icon is recommended");
  if (!md.icon.empty() && !is_request_url(md.icon))
    add(Severity::kError, cy, "invalid icon URL '" + md.icon + "'");
  if (!md.type.empty() && md.api_version != kApiVersionV2)
    add(Severity::kError, cy,
        "chart type is not valid in apiVersion '" + md.api_version +
            "'. It is valid in apiVersion 'v2'");
  if (!md.dependencies.empty() && md.api_version != kApiVersionV2)
    add(Severity::kError, cy,
        "dependencies are not valid in the Chart file with apiVersion '" + md.api_version +
            "'. They are valid in apiVersion 'v2'");

  stdfs::path values = dir / "values.yaml";
  if (!stdfs::exists(values, ec)) {
    add(Severity::kInfo, "values.yaml", "file does not exist");
  } else {
    try {
      auto v = yamlconv::parse(fs::read_file(values, 5 * 1024 * 1024));
      if (!v.is_null() && !v.is_object())
        add(Severity::kError, "values.yaml", "unable to parse YAML: values must be a map");
    } catch (const Error& e) {
      add(Severity::kError, "values.yaml", std::string("unable to parse YAML: ") + e.what());
    }
  }
  return out;
}

}  // namespace ch::chart
