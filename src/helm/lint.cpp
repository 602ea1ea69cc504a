#include "helm/lint.hpp"

#include <string_view>

#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/semver.hpp"
#include "gocompat/yamlconv.hpp"
#include "helm/loader.hpp"
#include "helm/metadata.hpp"

namespace ch::helm {

namespace stdfs = std::filesystem;

// Linear matchers equivalent to the regular expressions Helm's lint applies (through
// govalidator); std::regex backtracks recursively and overflows the stack on long input.
// Not in a header: tests declare what they compare against the regexes.
namespace lint_detail {

namespace {

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
// \s of std::regex in the "C" locale.
bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
bool no_space(std::string_view s) {
  for (char c : s)
    if (is_space(c)) return false;
  return true;
}

// [A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?
bool is_domain_label(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-') return false;
  return true;
}

// The rest of a URL after the host: (:[0-9]{1,5})?([/?#][^\s]*)?
bool is_port_and_path(std::string_view s) {
  if (!s.empty() && s[0] == ':') {
    std::size_t d = 1;
    while (d < s.size() && is_digit(s[d])) ++d;
    if (d == 1 || d > 6) return false;
    s.remove_prefix(d);
  }
  if (s.empty()) return true;
  if (s[0] != '/' && s[0] != '?' && s[0] != '#') return false;
  return no_space(s.substr(1));
}

// (localhost|\[[0-9A-Fa-f:.]+\]|([A-Za-z0-9\-_]+\.)+[A-Za-z0-9\-_]+) then the port and path.
// Each alternative can only end at one place: what follows a host starts with ':', '/', '?',
// '#' or is the end, none of which a host contains.
bool is_host_port_path(std::string_view s) {
  constexpr std::string_view kLocal = "localhost";
  if (s.substr(0, kLocal.size()) == kLocal && is_port_and_path(s.substr(kLocal.size())))
    return true;
  if (!s.empty() && s[0] == '[') {
    std::size_t i = 1;
    while (i < s.size() && (is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f') ||
                            (s[i] >= 'A' && s[i] <= 'F') || s[i] == ':' || s[i] == '.'))
      ++i;
    if (i > 1 && i < s.size() && s[i] == ']' && is_port_and_path(s.substr(i + 1))) return true;
  }
  std::size_t end = 0;
  bool dot = false;
  bool label = false;  // the current label has a character
  while (end < s.size()) {
    char c = s[end];
    if (c == '.') {
      if (!label) return false;
      dot = true;
      label = false;
    } else if (is_alnum(c) || c == '-' || c == '_') {
      label = true;
    } else {
      break;
    }
    ++end;
  }
  return dot && label && is_port_and_path(s.substr(end));
}

}  // namespace

// govalidator.IsRequestURL: an absolute URI with a scheme,
// ^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$.
bool is_request_url(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  std::size_t i = 1;
  while (i < s.size() && (is_alnum(s[i]) || s[i] == '+' || s[i] == '.' || s[i] == '-')) ++i;
  if (i == s.size() || s[i] != ':') return false;
  return no_space(s.substr(i + 1));
}

// ^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?
//   (?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*$
bool is_email(std::string_view s) {
  constexpr std::string_view kLocalPunct = ".!#$%&'*+/=?^_`{|}~-";
  std::size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos) return false;
  for (char c : s.substr(0, at))
    if (!is_alnum(c) && kLocalPunct.find(c) == std::string_view::npos) return false;
  std::string_view domain = s.substr(at + 1);
  while (true) {
    std::size_t dot = domain.find('.');
    if (!is_domain_label(domain.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    domain.remove_prefix(dot + 1);
  }
}

// govalidator.IsURL: an optional scheme, a host name with a dot (or localhost / an IP),
// optional port and path, shorter than 2083 bytes:
// ^((https?|ftp|wss?)://)?([^\s:@/]+(:[^\s@/]*)?@)?(localhost|\[[0-9A-Fa-f:.]+\]|
//   ([A-Za-z0-9\-_]+\.)+[A-Za-z0-9\-_]+)(:[0-9]{1,5})?([/?#][^\s]*)?$
// The optional scheme and user info are each tried present and absent (4 linear passes).
bool is_url(std::string_view s) {
  if (s.size() >= 2083) return false;
  std::size_t scheme = 0;
  for (std::string_view p : {"http://", "https://", "ftp://", "ws://", "wss://"})
    if (s.substr(0, p.size()) == p) scheme = p.size();
  for (std::size_t start : {scheme, std::size_t{0}}) {
    std::string_view rest = s.substr(start);
    if (is_host_port_path(rest)) return true;
    // [^\s:@/]+(:[^\s@/]*)?@ : everything up to the first '@', not starting with ':'.
    std::size_t at = rest.find('@');
    if (at == std::string_view::npos || at == 0 || rest[0] == ':') continue;
    std::string_view user = rest.substr(0, at);
    if (!no_space(user) || user.find('/') != std::string_view::npos) continue;
    if (is_host_port_path(rest.substr(at + 1))) return true;
  }
  return false;
}

}  // namespace lint_detail

namespace {

using lint_detail::is_email;
using lint_detail::is_request_url;
using lint_detail::is_url;

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

namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

// Helm's dependency rules (pkg/lint/rules/dependencies.go), reported against the chart's
// absolute directory: subcharts in charts/ that Chart.yaml does not declare (error) and
// declared dependencies absent from charts/ (warning). A chart that does not load (names or
// aliases used twice among others) is one error with an empty path, as in Helm.
template <typename Add>
void lint_dependencies(const stdfs::path& dir, Add&& add) {
  std::error_code ec;
  stdfs::path abs = stdfs::absolute(dir, ec).lexically_normal();
  std::string where = abs.string();
  while (where.size() > 1 && where.back() == '/') where.pop_back();
  Chart c;
  try {
    c = load_dir(dir);
  } catch (const Error& e) {
    add(Severity::kError, "", std::string("unable to load chart\n\t") + e.what());
    return;
  }
  std::vector<std::string> undeclared, absent;
  for (const Chart& sub : c.subcharts) {
    bool declared = false;
    for (const auto& d : c.metadata.dependencies) declared = declared || d.name == sub.name();
    if (!declared) undeclared.push_back(sub.name());
  }
  for (const auto& d : c.metadata.dependencies) {
    bool present = false;
    for (const Chart& sub : c.subcharts) present = present || sub.name() == d.name;
    if (!present) absent.push_back(d.name);
  }
  if (!undeclared.empty())
    add(Severity::kError, where,
        "chart metadata is missing these dependencies: " + join_names(undeclared));
  if (!absent.empty())
    add(Severity::kWarning, where,
        "chart directory is missing these dependencies: " + join_names(absent));
}

}  // namespace

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
  lint_dependencies(dir, add);
  return out;
}

}  // namespace ch::helm
