#include "client/chart_resolver.hpp"

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/json_limits.hpp"
#include "gocompat/semver.hpp"
#include "helm/helmpath.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"

namespace ch::client {

namespace {

std::string repo_str(const oci::Reference& ref) {
  return ref.registry + "/" + ref.repository;
}

// Helm only json.Unmarshals the config into chart.Metadata; a field of the wrong JSON type
// fails the pull with Go's message, so check the types the same way.
void check_config(const std::string& config) {
  auto doc = json_depth_within(config) ? nlohmann::json::parse(config, nullptr, false)
                                       : nlohmann::json(nlohmann::json::value_t::discarded);
  if (doc.is_discarded())
    throw Error(ErrorCode::kInvalidArgument, "invalid chart config: not valid JSON");
  if (!doc.is_object())
    throw Error(ErrorCode::kInvalidArgument, std::string("json: cannot unmarshal ") +
                                                 doc.type_name() +
                                                 " into Go value of type chart.Metadata");
  auto go_type = [](const nlohmann::json& v) -> std::string {
    if (v.is_number()) return "number";
    if (v.is_boolean()) return "bool";
    if (v.is_array()) return "array";
    if (v.is_object()) return "object";
    return "string";
  };
  auto fail = [&](const std::string& key, const nlohmann::json& v, const char* want) {
    throw Error(ErrorCode::kInvalidArgument, "json: cannot unmarshal " + go_type(v) +
                                                 " into Go struct field Metadata." + key +
                                                 " of type " + want);
  };
  for (const char* key : {"name", "home", "version", "description", "icon", "apiVersion",
                          "condition", "tags", "appVersion", "kubeVersion", "type"}) {
    auto it = doc.find(key);
    if (it != doc.end() && !it->is_null() && !it->is_string()) fail(key, *it, "string");
  }
  for (const char* key : {"sources", "keywords"}) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_array()) fail(key, *it, "[]string");
    for (const auto& e : *it)
      if (!e.is_string() && !e.is_null()) fail(key, e, "string");
  }
  if (auto it = doc.find("deprecated"); it != doc.end() && !it->is_null() && !it->is_boolean())
    fail("deprecated", *it, "bool");
  if (auto it = doc.find("annotations"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) fail("annotations", *it, "map[string]string");
    for (const auto& [k, v] : it->items())
      if (!v.is_string() && !v.is_null()) fail("annotations", v, "string");
  }
  for (const char* key : {"maintainers", "dependencies"}) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_array()) fail(key, *it, "[]*chart.Object");
  }
}

std::filesystem::path fallback_cache() {
  static fs::TempDir dir({}, "charthouse-cache-");
  return dir.path();
}

// The blob's file in the content cache, downloaded (and verified) unless a verified copy
// is already there.
std::filesystem::path cached_blob(RegistryClient& client, const oci::Reference& ref,
                                  const oci::Descriptor& blob, const std::string& suffix,
                                  const ProgressFn& progress) {
  Digest digest = Digest::parse(blob.digest);
  std::filesystem::path dir = content_cache_dir() / digest.hex.substr(0, 2);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) dir = fallback_cache();
  std::filesystem::path path = dir / (digest.hex + suffix);
  if (std::filesystem::file_size(path, ec) == static_cast<std::uintmax_t>(blob.size) && !ec) {
    try {
      verify_file(path, digest);
      return path;
    } catch (const Error&) {
      // A damaged cache entry is fetched again below and replaced.
    }
  }
  fs::AtomicFile file(path, 0644);
  client.fetch_blob(
      ref.registry, ref.repository, blob, [&file](std::string_view chunk) { file.write(chunk); },
      progress);
  file.commit();
  return path;
}

struct Selected {
  std::optional<oci::Descriptor> config, chart, prov;
  bool legacy = false;
};

void select_from(const oci::Manifest& m, Selected& out) {
  if (m.config.media_type == oci::kHelmConfig) out.config = m.config;
  for (const oci::Descriptor& layer : m.layers) {
    if (layer.media_type == oci::kHelmChartLayer) {
      out.chart = layer;
      out.legacy = false;
    } else if (layer.media_type == oci::kLegacyChartLayer) {
      out.chart = layer;
      out.legacy = true;
    } else if (layer.media_type == oci::kHelmProvenanceLayer) {
      out.prov = layer;
    }
  }
}

std::string detect_media_type(const FetchedManifest& m) {
  if (!m.media_type.empty() && m.media_type != "application/json" &&
      m.media_type != "application/octet-stream" && m.media_type != "text/plain")
    return m.media_type;
  auto doc = json_depth_within(m.bytes) ? nlohmann::json::parse(m.bytes, nullptr, false)
                                        : nlohmann::json(nlohmann::json::value_t::discarded);
  if (doc.is_object()) {
    if (doc.contains("mediaType") && doc["mediaType"].is_string())
      return doc["mediaType"].get<std::string>();
    if (doc.contains("manifests")) return std::string(oci::kImageIndex);
    if (doc.contains("config")) return std::string(oci::kImageManifest);
  }
  return m.media_type;
}

bool is_index_type(const std::string& type) {
  return type == oci::kImageIndex || type == oci::kDockerManifestList;
}

bool is_container_config(const std::string& type) {
  return type == "application/vnd.oci.image.config.v1+json" ||
         type == "application/vnd.docker.container.image.v1+json";
}

// An index whose entries name real platforms (an os other than "unknown", which buildx
// uses for attestations) is a multi-platform container image.
bool lists_platforms(const std::string& index_bytes) {
  if (!json_depth_within(index_bytes)) return false;
  auto doc = nlohmann::json::parse(index_bytes, nullptr, false);
  if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array()) return false;
  for (const auto& m : doc["manifests"]) {
    if (!m.is_object() || !m.contains("platform") || !m["platform"].is_object()) continue;
    const auto& p = m["platform"];
    if (p.contains("os") && p["os"].is_string()) {
      std::string os = p["os"].get<std::string>();
      if (!os.empty() && os != "unknown") return true;
    }
  }
  return false;
}

// For an index that does not show platforms: does one of its image manifests hold a chart?
// (What fetch_chart would then find.)
bool index_holds_chart(RegistryClient& client, const std::string& host,
                       const std::string& repository, const std::string& index_bytes) {
  std::vector<oci::Descriptor> children;
  try {
    children = oci::parse_index(index_bytes);
  } catch (const Error&) {
    return false;
  }
  for (const oci::Descriptor& child : children) {
    if (child.artifact_type == oci::kHelmConfig) return true;
    if (child.media_type != oci::kImageManifest) continue;
    FetchedManifest m = client.get_manifest(host, repository, child.digest);
    if (detect_media_type(m) == oci::kImageManifest && non_chart_description(m).empty())
      return true;
  }
  return false;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

std::string non_chart_description(const FetchedManifest& manifest) {
  std::string type = detect_media_type(manifest);
  if (is_index_type(type))
    return lists_platforms(manifest.bytes) ? "a multi-platform container image (" + type + ")"
                                           : std::string();
  if (type != oci::kImageManifest && type != oci::kDockerManifest)
    return "content of type " + (type.empty() ? std::string("(none)") : type);
  oci::Manifest m;
  try {
    m = oci::parse_manifest(manifest.bytes);
  } catch (const Error&) {
    return "an invalid manifest (" + type + ")";
  }
  const std::string& config = m.config.media_type;
  if (type == oci::kDockerManifest)  // Helm skips these at the root, whatever they hold
    return is_container_config(config) ? "a container image (" + config + ")"
                                       : "a Docker manifest (" + type + ")";
  if (config == oci::kHelmConfig) return {};
  if (is_container_config(config)) return "a container image (" + config + ")";
  return "an OCI artifact (" + (m.artifact_type.empty() ? config : m.artifact_type) + ")";
}

ChartChoice choose_chart(RegistryClient& client, const std::string& host,
                         const std::string& repository, const std::vector<std::string>& candidates,
                         const std::optional<std::set<std::string>>& chart_tags) {
  ChartChoice out;
  for (const std::string& version : candidates) {
    std::string tag = oci::version_to_tag(version);
    if (chart_tags) {
      if (chart_tags->count(tag)) {
        out.version = version;
        return out;
      }
      out.skipped.push_back("tag " + tag +
                            ": the registry's tag list does not mark it as a Helm chart");
      continue;
    }
    FetchedManifest m = client.get_manifest(host, repository, tag);
    std::string holds = non_chart_description(m);
    if (holds.empty() && is_index_type(detect_media_type(m)) &&
        !index_holds_chart(client, host, repository, m.bytes))
      holds = "an image index without a Helm chart (" + detect_media_type(m) + ")";
    if (holds.empty()) {
      out.version = version;
      out.manifest = std::move(m);
      return out;
    }
    out.skipped.push_back("tag " + tag + ": it holds " + holds + ", not a Helm chart");
  }
  return out;
}

std::filesystem::path content_cache_dir() {
  return helmpath::content_cache();
}

std::string underscore_note() {
  return "\nOCI artifact references (e.g. tags) do not support the plus sign (+). To support\n"
         "storing semantic versions, Helm adopts the convention of changing plus (+) to\n"
         "an underscore (_) in chart version tags when pushing to a registry and back to\n"
         "a plus (+) when pulling from a registry.\n";
}

std::vector<std::string> chart_versions(const std::vector<std::string>& tags) {
  std::vector<semver::Version> versions;
  for (const std::string& tag : tags)
    if (auto v = semver::Version::try_parse_strict(oci::tag_to_version(tag)))
      versions.push_back(*v);
  std::stable_sort(versions.begin(), versions.end(),
                   [](const semver::Version& a, const semver::Version& b) { return a > b; });
  std::vector<std::string> out;
  for (const auto& v : versions) out.push_back(v.original());
  return out;
}

ResolvedChart resolve_chart(RegistryClient& client, const std::string& url, std::string version,
                            bool devel) {
  oci::Reference ref = oci::Reference::parse(url);
  if (devel && version.empty()) version = ">0.0.0-0";
  if (version.empty()) {
    version = oci::tag_to_version(ref.tag);
  } else if (!ref.tag.empty() && version != ref.tag && version != oci::tag_to_version(ref.tag)) {
    throw Error(ErrorCode::kInvalidArgument,
                "chart reference and version mismatch: " + version + " is not " + ref.tag);
  }
  if (!ref.digest.empty()) {
    if (version.empty()) return {ref, ""};
    // A pinned digest with a version: the tag must still point at that digest.
    std::string tag = oci::version_to_tag(version);
    std::optional<oci::Descriptor> found;
    try {
      found = client.head_manifest(ref.registry, ref.repository, tag);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kUnauthorized || e.code() == ErrorCode::kNetwork) throw;
    }
    if (found && !found->digest.empty() && found->digest != ref.digest)
      throw Error(ErrorCode::kDigestMismatch,
                  "chart reference digest mismatch: " + found->digest + " is not " + ref.digest);
    // The digest is what is fetched, and what Helm 4 prints ("Pulled: repo@digest") and
    // names the file after (name@sha256-<hex>.tgz).
    ref.tag.clear();
    return {ref, version, {}, {}};
  }
  if (semver::Version::try_parse(version)) {
    ref.tag = oci::version_to_tag(version);
    return {ref, version, {}, {}};
  }
  TagList list = client.list_tags_with_charts(ref.registry, ref.repository);
  std::vector<std::string> versions = chart_versions(list.tags);
  if (versions.empty())
    throw Error(ErrorCode::kNotFound,
                "Unable to locate any tags in provided repository: " + repo_str(ref));
  if (version.empty()) version = "*";
  std::vector<std::string> candidates;
  if (std::find(versions.begin(), versions.end(), version) != versions.end()) {
    candidates.push_back(version);
  } else {
    semver::Constraints constraints = semver::Constraints::parse(version);
    for (const std::string& v : versions)
      if (constraints.check(semver::Version::parse_strict(v))) candidates.push_back(v);
  }
  std::string not_found = "Could not locate a version matching provided version string " + version;
  if (candidates.empty()) throw Error(ErrorCode::kNotFound, not_found);
  ChartChoice choice = choose_chart(client, ref.registry, ref.repository, candidates, list.charts);
  if (!choice.version) {
    std::vector<std::string> lines = {not_found};
    for (const std::string& s : choice.skipped) lines.push_back("skipped " + s);
    throw Error(ErrorCode::kNotFound, join_lines(lines));
  }
  ResolvedChart out{ref, *choice.version, {}, std::move(choice.manifest)};
  out.ref.tag = oci::version_to_tag(*choice.version);
  for (const std::string& s : choice.skipped) out.warnings.push_back("Warning: skipping " + s);
  return out;
}

FetchedChart fetch_chart(RegistryClient& client, const oci::Reference& ref,
                         const FetchOptions& options) {
  const std::string& host = ref.registry;
  const std::string& repository = ref.repository;
  FetchedManifest root =
      options.root != nullptr
          ? *options.root
          : client.get_manifest(host, repository, ref.digest.empty() ? ref.tag : ref.digest);
  FetchedChart out;
  out.printed_ref = ref.str();
  out.manifest_digest = root.digest;

  Selected selected;
  std::string type = detect_media_type(root);
  size_t manifests_seen = 0;
  if (type == oci::kImageIndex) {
    for (const oci::Descriptor& child : oci::parse_index(root.bytes)) {
      if (child.media_type != oci::kImageManifest) continue;
      FetchedManifest m = client.get_manifest(host, repository, child.digest);
      select_from(oci::parse_manifest(m.bytes), selected);
      ++manifests_seen;
    }
  } else if (type == oci::kImageManifest) {
    select_from(oci::parse_manifest(root.bytes), selected);
    ++manifests_seen;
  }
  // Helm's message, then what the reference holds instead of a chart.
  auto holds = [&] {
    std::string what = non_chart_description(root);
    if (what.empty()) what = "an image index without a Helm chart (" + type + ")";
    return ": " + out.printed_ref + " holds " + what + ", not a Helm chart";
  };
  if (manifests_seen == 0)
    throw Error(ErrorCode::kInvalidArgument,
                "manifest does not contain minimum number of descriptors (2), descriptors "
                "found: 0" +
                    holds());
  if (!selected.config)
    throw Error(ErrorCode::kInvalidArgument,
                "could not load config with mediatype " + std::string(oci::kHelmConfig) + holds());
  if (!selected.chart)
    throw Error(ErrorCode::kInvalidArgument, "manifest does not contain a layer with mediatype " +
                                                 std::string(oci::kHelmChartLayer));
  if (selected.legacy)
    out.warnings.push_back("Warning: chart media type " + std::string(oci::kLegacyChartLayer) +
                           " is deprecated");

  // Config and provenance travel while the chart layer downloads.
  auto config = std::async(std::launch::async, [&] {
    return client.fetch_small_blob(host, repository, *selected.config);
  });
  std::future<std::filesystem::path> prov;
  if (options.want_prov && selected.prov)
    prov = std::async(std::launch::async,
                      [&] { return cached_blob(client, ref, *selected.prov, ".prov", {}); });
  std::exception_ptr failure;
  try {
    out.chart = cached_blob(client, ref, *selected.chart, ".chart", options.progress);
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    out.config = config.get();
    if (prov.valid()) out.prov = prov.get();
  } catch (...) {
    if (!failure) failure = std::current_exception();
  }
  if (failure) std::rethrow_exception(failure);
  check_config(out.config);
  if (options.want_prov && !selected.prov) {
    std::string message = "manifest does not contain a layer with mediatype " +
                          std::string(oci::kHelmProvenanceLayer);
    if (options.prov_required) throw Error(ErrorCode::kNotFound, message);
    out.warnings.push_back("WARNING: Verification not found for " + out.printed_ref + ": " +
                           message);
  }
  return out;
}

}  // namespace ch::client
