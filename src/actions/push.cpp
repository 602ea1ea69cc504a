#include "actions/push.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <future>
#include <optional>
#include <vector>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/time.hpp"
#include "gocompat/gojson.hpp"
#include "helm/loader.hpp"
#include "helm/oci_artifact.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"

namespace ch::actions {

namespace {

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

PushResult push_chart(const PushOptions& options) {
  struct stat st {};
  if (::stat(options.chart.c_str(), &st) != 0)
    throw Error(ErrorCode::kNotFound, options.chart.string() + ": no such file");
  if (S_ISDIR(st.st_mode))
    throw Error(ErrorCode::kInvalidArgument,
                "cannot push directory, must provide chart archive (.tgz)");
  std::string path = remote_path(options.remote);
  helm::Chart chart = helm::load_archive_file(options.chart);
  const helm::Metadata& meta = chart.metadata;

  oci::Reference ref =
      oci::Reference::parse(path + "/" + meta.name + ":" + oci::version_to_tag(meta.version));

  oci::Descriptor chart_desc{std::string(oci::kHelmChartLayer), digest_of_file(options.chart).str(),
                             static_cast<std::int64_t>(st.st_size)};
  std::filesystem::path prov_path = options.chart.string() + ".prov";
  std::optional<oci::Descriptor> prov_desc;
  if (std::filesystem::is_regular_file(prov_path)) {
    prov_desc =
        oci::Descriptor{std::string(oci::kHelmProvenanceLayer), digest_of_file(prov_path).str(),
                        static_cast<std::int64_t>(std::filesystem::file_size(prov_path))};
  }
  helm::ChartArtifact artifact =
      helm::build_chart_artifact(meta, chart_desc, prov_desc, rfc3339_local(st.st_mtim.tv_sec));
  const std::string& config = artifact.config;
  const oci::Descriptor& config_desc = artifact.config_desc;
  const std::string& manifest = artifact.manifest;
  const std::string& manifest_digest = artifact.manifest_digest;

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
