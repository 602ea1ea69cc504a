#include "helm/oci_artifact.hpp"

#include <algorithm>
#include <ctime>

#include "base/digest.hpp"
#include "gocompat/gojson.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"

namespace ch::helm {

namespace {

std::string trim_space(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n\r\v\f");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\n\r\v\f");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::map<std::string, std::string> helm_annotations(const helm::Metadata& metadata,
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
    const helm::Maintainer& m = metadata.maintainers[i];
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

ChartArtifact build_chart_artifact(const Metadata& metadata, const oci::Descriptor& chart_layer,
                                   const std::optional<oci::Descriptor>& prov_layer,
                                   const std::string& created) {
  ChartArtifact a;
  a.config = gojson::marshal(metadata.to_json());
  a.config_desc = {std::string(oci::kHelmConfig), digest_of(a.config).str(),
                   static_cast<std::int64_t>(a.config.size())};
  a.layers = {chart_layer};
  if (prov_layer) a.layers.push_back(*prov_layer);
  std::sort(a.layers.begin(), a.layers.end(),
            [](const oci::Descriptor& x, const oci::Descriptor& y) { return x.digest < y.digest; });
  a.manifest =
      oci::helm_manifest_json(a.config_desc, a.layers, helm_annotations(metadata, created));
  a.manifest_digest = digest_of(a.manifest).str();
  a.tag = oci::version_to_tag(metadata.version);
  return a;
}

}  // namespace ch::helm
