#include "helm/index.hpp"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/json_limits.hpp"
#include "base/time.hpp"
#include "gocompat/gojson.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/semver.hpp"
#include "gocompat/yamlconv.hpp"
#include "helm/loader.hpp"

namespace ch::helm {

namespace {

std::string string_of(const nlohmann::ordered_json& v) {
  std::string s;
  return yamlconv::scalar_to_go_string(v, &s) ? s : std::string();
}

// One version entry: the chart metadata fields plus urls/created/digest/removed.
std::optional<ChartVersion> parse_entry(const nlohmann::ordered_json& j) {
  if (!j.is_object()) return std::nullopt;
  ChartVersion v;
  nlohmann::ordered_json meta = nlohmann::ordered_json::object();
  for (const auto& [k, value] : j.items()) {
    if (k == "urls") {
      if (value.is_array())
        for (const auto& u : value) v.urls.push_back(string_of(u));
    } else if (k == "created") {
      v.created = string_of(value);
    } else if (k == "digest") {
      v.digest = string_of(value);
    } else if (k == "removed") {
      v.removed = value.is_boolean() && value.get<bool>();
    } else if (k == "checksum" || k == "engine" || k == "tillerVersion" || k == "url") {
      // deprecated fields Helm still accepts
    } else {
      meta[k] = value;
    }
  }
  try {
    // Invalid UTF-8 becomes U+FFFD, as Go's encoders write it (found by the index fuzzer).
    v.metadata.merge_yaml(
        meta.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), "index.yaml");
    if (v.metadata.api_version.empty()) v.metadata.api_version = "v1";
    v.metadata.validate();
  } catch (const Error&) {
    return std::nullopt;  // Helm skips invalid entries (with a log line)
  }
  return v;
}

nlohmann::json entry_json(const ChartVersion& v) {
  nlohmann::json j = nlohmann::json::parse(
      v.metadata.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  j["urls"] = v.urls;
  j["created"] = v.created.empty() ? "0001-01-01T00:00:00Z" : v.created;
  j["digest"] = v.digest;
  if (v.removed) j["removed"] = true;
  return j;
}

// Helm's ChartVersions.Less under sort.Reverse: highest first, unparsable versions last.
bool higher(const ChartVersion& a, const ChartVersion& b) {
  auto va = semver::Version::try_parse(a.metadata.version);
  auto vb = semver::Version::try_parse(b.metadata.version);
  if (!vb) return static_cast<bool>(va);
  if (!va) return false;
  return *va > *vb;
}

std::string url_join(const std::string& base, const std::string& file) {
  if (base.empty()) return file;
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  std::string f = file;
  while (!f.empty() && f.front() == '/') f.erase(f.begin());
  while (!f.empty() && f.back() == '/') f.pop_back();
  return f.empty() ? b : b + "/" + f;
}

}  // namespace

std::string now_rfc3339_nano() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return rfc3339_local(ts.tv_sec, ts.tv_nsec);
}

IndexFile IndexFile::parse(std::string_view text, std::string_view source) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw Error(ErrorCode::kInvalidArgument, std::string(source) + ": empty index.yaml file");
  nlohmann::ordered_json doc;
  // JSON nested past the limit is left to the YAML reader, which has its own depth limit
  // (brackets inside YAML scalars are not nesting).
  auto as_json = json_depth_within(text)
                     ? nlohmann::ordered_json::parse(text, nullptr, false)
                     : nlohmann::ordered_json(nlohmann::ordered_json::value_t::discarded);
  if (!as_json.is_discarded()) {
    doc = std::move(as_json);
  } else {
    try {
      doc = yamlconv::parse(text);
    } catch (const Error& e) {
      throw Error(ErrorCode::kInvalidArgument, std::string(source) + ": " + e.what());
    }
  }
  if (!doc.is_object())
    throw Error(ErrorCode::kInvalidArgument,
                std::string(source) + ": error unmarshaling JSON: not an index");
  IndexFile index;
  index.api_version = doc.contains("apiVersion") ? string_of(doc["apiVersion"]) : "";
  if (index.api_version.empty())
    throw Error(ErrorCode::kInvalidArgument, std::string(source) + ": no API version specified");
  if (doc.contains("generated")) index.generated = string_of(doc["generated"]);
  if (doc.contains("annotations") && doc["annotations"].is_object())
    for (const auto& [k, v] : doc["annotations"].items()) index.annotations[k] = string_of(v);
  if (doc.contains("entries") && doc["entries"].is_object()) {
    for (const auto& [name, list] : doc["entries"].items()) {
      if (!list.is_array()) continue;
      std::vector<ChartVersion>& versions = index.entries[name];
      for (const auto& e : list)
        if (auto v = parse_entry(e)) versions.push_back(std::move(*v));
    }
  }
  return index;
}

IndexFile IndexFile::load(const std::filesystem::path& path) {
  return parse(fs::read_file(path, 512ull * 1024 * 1024), path.string());
}

const ChartVersion* IndexFile::get(const std::string& name, const std::string& version) const {
  auto it = entries.find(name);
  if (it == entries.end() || it->second.empty()) return nullptr;
  std::optional<semver::Constraints> constraint;
  try {
    constraint = semver::Constraints::parse(version.empty() ? "*" : version);
  } catch (const Error&) {
    return nullptr;
  }
  if (!version.empty())
    for (const ChartVersion& v : it->second)
      if (v.metadata.version == version) return &v;
  // The highest matching version, as Helm's Get finds it in entries loadIndex has sorted
  // (highest first); an index file need not be sorted. The first listed wins a tie.
  const ChartVersion* best = nullptr;
  std::optional<semver::Version> best_version;
  for (const ChartVersion& v : it->second) {
    auto parsed = semver::Version::try_parse(v.metadata.version);
    if (!parsed || !constraint->check(*parsed)) continue;
    if (best == nullptr || *parsed > *best_version) {
      best = &v;
      best_version = parsed;
    }
  }
  return best;
}

bool IndexFile::has(const std::string& name, const std::string& version) const {
  auto it = entries.find(name);
  if (it == entries.end()) return false;
  for (const ChartVersion& v : it->second)
    if (v.metadata.version == version) return true;
  return false;
}

void IndexFile::add(const helm::Metadata& metadata, const std::string& filename,
                    const std::string& base_url, const std::string& digest_hex,
                    const std::string& created) {
  ChartVersion v;
  v.metadata = metadata;
  if (v.metadata.api_version.empty()) v.metadata.api_version = "v1";
  std::string file = filename;
  if (!base_url.empty()) file = url_join(base_url, filename.substr(filename.rfind('/') + 1));
  v.urls = {file};
  v.digest = digest_hex;
  v.created = created;
  entries[metadata.name].push_back(std::move(v));
}

void IndexFile::merge(const IndexFile& other) {
  for (const auto& [name, versions] : other.entries)
    for (const ChartVersion& v : versions)
      if (!has(name, v.metadata.version)) entries[name].push_back(v);
}

void IndexFile::sort_entries() {
  for (auto& [name, versions] : entries) std::stable_sort(versions.begin(), versions.end(), higher);
}

namespace {
nlohmann::ordered_json document(const IndexFile& index) {
  nlohmann::json doc = nlohmann::json::object();
  doc["apiVersion"] = index.api_version;
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [name, versions] : index.entries) {
    nlohmann::json list = nlohmann::json::array();
    for (const ChartVersion& v : versions) list.push_back(entry_json(v));
    entries[name] = list;
  }
  doc["entries"] = entries;
  doc["generated"] = index.generated.empty() ? "0001-01-01T00:00:00Z" : index.generated;
  if (!index.annotations.empty()) doc["annotations"] = index.annotations;
  // nlohmann::json keeps object keys sorted: the order sigs.k8s.io/yaml writes.
  return nlohmann::ordered_json::parse(
      doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}
}  // namespace

std::string IndexFile::to_yaml() const {
  return goyaml::json_to_yaml(document(*this));
}

// `helm repo index --json` marshals the Go structs: IndexFile's and ChartVersion's field
// order (the embedded Metadata first), map keys sorted.
std::string IndexFile::to_json() const {
  nlohmann::ordered_json doc;
  doc["apiVersion"] = api_version;
  doc["generated"] = generated.empty() ? "0001-01-01T00:00:00Z" : generated;
  nlohmann::ordered_json all = nlohmann::ordered_json::object();
  for (const auto& [name, versions] : entries) {  // std::map: sorted like Go's map keys
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ChartVersion& v : versions) {
      nlohmann::ordered_json e = v.metadata.to_json();
      e["urls"] = v.urls;
      e["created"] = v.created.empty() ? "0001-01-01T00:00:00Z" : v.created;
      if (v.removed) e["removed"] = true;
      e["digest"] = v.digest;
      list.push_back(e);
    }
    all[name] = list;
  }
  doc["entries"] = all;
  if (!annotations.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (const auto& [k, v] : annotations) a[k] = v;
    doc["annotations"] = a;
  }
  return gojson::marshal_indent(doc, "  ");
}

IndexFile index_directory(const std::filesystem::path& dir, const std::string& base_url) {
  namespace stdfs = std::filesystem;
  std::vector<std::string> archives;  // relative paths: *.tgz and */*.tgz
  for (const auto& e : stdfs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && e.path().extension() == ".tgz") archives.push_back(name);
    if (e.is_directory())
      for (const auto& f : stdfs::directory_iterator(e.path()))
        if (f.is_regular_file() && f.path().extension() == ".tgz")
          archives.push_back(name + "/" + f.path().filename().string());
  }
  std::sort(archives.begin(), archives.end());
  IndexFile index;
  index.generated = now_rfc3339_nano();
  for (const std::string& rel : archives) {
    helm::Chart c;
    try {
      c = helm::load_archive_file(dir / rel);
    } catch (const Error&) {
      continue;  // `helm repo index` skips what does not load
    }
    std::string parent = rel.find('/') == std::string::npos ? "" : rel.substr(0, rel.rfind('/'));
    std::string file = rel.substr(rel.rfind('/') + 1);
    std::string url = base_url.empty() ? (parent.empty() ? file : parent + "/" + file)
                                       : url_join(url_join(base_url, parent), file);
    ChartVersion v;
    v.metadata = c.metadata;
    v.urls = {url};
    v.digest = digest_of_file(dir / rel).hex;
    v.created = now_rfc3339_nano();
    index.entries[c.metadata.name].push_back(std::move(v));
  }
  index.sort_entries();
  return index;
}

}  // namespace ch::helm
