#include "actions/push.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <future>
#include <optional>
#include <vector>

#include "chart/loader.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/gojson.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"

namespace ch::actions {

namespace {

std::string trim_space(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n\r\v\f");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\n\r\v\f");
  return s.substr(b, e - b + 1);
}

// The namespace part of oci://host/ns, with Helm's messages for other forms.
std::string remote_path(const std::string& remote) {
  auto scheme_end = remote.find("://");
  if (scheme_end == std::string::npos)
    throw Error(ErrorCode::kInvalidArgument, "scheme prefix missing from remote (e.g. \"oci://\")");
  std::string scheme = remote.substr(0, scheme_end);
  if (scheme != "oci")
    throw Error(ErrorCode::kInvalidArgument, "scheme \"" + scheme + "\" not supported");
  std::string rest = remote.substr(scheme_end + 3);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find_first_of(" ?#") != std::string::npos)
    throw Error(ErrorCode::kInvalidArgument, "invalid chart URL format: " + remote);
  return rest;
}

}  // namespace

std::string rfc3339_local(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  long offset = tm.tm_gmtoff;
  if (offset == 0) return out + "Z";
  char sign = offset < 0 ? '-' : '+';
  offset = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", sign, offset / 3600, (offset % 3600) / 60);
  return out + buf;
}

std::map<std::string, std::string> helm_annotations(const chart::Metadata& metadata,
                                                    const std::string& created) {
  std::map<std::string, std::string> a;
  auto add = [&a](const char* key, const std::string& value) {
    if (!trim_space(value).empty()) a[key] = value;
  };
  add("org.opencontainers.image.description", metadata.description);
  add("org.opencontainers.image.title", metadata.name);
  add("org.opencontainers.image.version", metadata.version);
  add("org.opencontainers.image.url", metadata.home);
  add("org.opencontainers.image.created", created);
  if (!metadata.sources.empty()) add("org.opencontainers.image.source", metadata.sources[0]);
  std::string authors;
  for (size_t i = 0; i < metadata.maintainers.size(); ++i) {
    const chart::Maintainer& m = metadata.maintainers[i];
    if (i > 0) authors += ", ";
    authors += m.name;
    if (!m.email.empty()) authors += " (" + m.email + ")";
  }
  add("org.opencontainers.image.authors", authors);
  for (const auto& [k, v] : metadata.annotations) {
    if (k == "org.opencontainers.image.version" || k == "org.opencontainers.image.title") continue;
    a[k] = v;
  }
  return a;
}

PushResult push_chart(const PushOptions& options) {
  struct stat st {};
  if (::stat(options.chart.c_str(), &st) != 0)
    throw Error(ErrorCode::kNotFound, options.chart.string() + ": no such file");
  if (S_ISDIR(st.st_mode))
    throw Error(ErrorCode::kInvalidArgument,
                "cannot push directory, must provide chart archive (.tgz)");
  std::string path = remote_path(options.remote);
  chart::Chart chart = chart::load_archive_file(options.chart);
  const chart::Metadata& meta = chart.metadata;

  oci::Reference ref =
      oci::Reference::parse(path + "/" + meta.name + ":" + oci::version_to_tag(meta.version));

  std::string config = gojson::marshal(meta.to_json());
  oci::Descriptor config_desc{std::string(oci::kHelmConfig), digest_of(config).str(),
                              static_cast<std::int64_t>(config.size())};
  oci::Descriptor chart_desc{std::string(oci::kHelmChartLayer), digest_of_file(options.chart).str(),
                             static_cast<std::int64_t>(st.st_size)};
  std::vector<oci::Descriptor> layers = {chart_desc};
  std::filesystem::path prov_path = options.chart.string() + ".prov";
  std::optional<oci::Descriptor> prov_desc;
  if (std::filesystem::is_regular_file(prov_path)) {
    prov_desc =
        oci::Descriptor{std::string(oci::kHelmProvenanceLayer), digest_of_file(prov_path).str(),
                        static_cast<std::int64_t>(std::filesystem::file_size(prov_path))};
    layers.push_back(*prov_desc);
  }
  std::sort(layers.begin(), layers.end(),
            [](const oci::Descriptor& a, const oci::Descriptor& b) { return a.digest < b.digest; });
  std::string manifest = oci::helm_manifest_json(
      config_desc, layers, helm_annotations(meta, rfc3339_local(st.st_mtim.tv_sec)));
  std::string manifest_digest = digest_of(manifest).str();

  client::RegistryClient client(options.client);
  const std::string& host = ref.registry;
  const std::string& repository = ref.repository;
  // A manifest already stored means its blobs are too (what oras's Copy assumes).
  if (!client.head_manifest(host, repository, manifest_digest, true)) {
    auto upload = [&](const oci::Descriptor& blob, const std::filesystem::path& file,
                      const std::string& data, client::ProgressFn progress) {
      if (client.blob_exists(host, repository, blob.digest)) return;
      client.upload_blob(host, repository, blob, file, data, progress);
    };
    auto config_done = std::async(std::launch::async, upload, config_desc, std::filesystem::path(),
                                  config, client::ProgressFn());
    std::future<void> prov_done;
    if (prov_desc)
      prov_done = std::async(std::launch::async, upload, *prov_desc, prov_path, std::string(),
                             client::ProgressFn());
    std::exception_ptr failure;
    try {
      upload(chart_desc, options.chart, {}, options.progress);
    } catch (...) {
      failure = std::current_exception();
    }
    for (auto* f : {&config_done, &prov_done}) {
      try {
        if (f->valid()) f->get();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
  }
  client.put_manifest(host, repository, ref.tag, manifest, std::string(oci::kImageManifest));
  return {ref.str(), manifest_digest, manifest};
}

}  // namespace ch::actions
