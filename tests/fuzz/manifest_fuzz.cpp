// Image manifests and indexes as a registry returns them (ch::oci::parse_manifest,
// ch::oci::parse_index). A manifest that parses must survive Helm's writer and parse again to
// the same descriptors; its schemaVersion must really be 2.
#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "oci/manifest.hpp"

namespace {

bool same(const ch::oci::Descriptor& a, const ch::oci::Descriptor& b) {
  return a.media_type == b.media_type && a.digest == b.digest && a.size == b.size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  std::vector<ch::oci::Descriptor> index;
  if (!ch::fuzz::refuses([&] { index = ch::oci::parse_index(in); })) {
    for (const auto& d : index) CH_FUZZ_CHECK(!d.media_type.empty() && d.size >= 0);
  }

  ch::oci::Manifest m;
  if (ch::fuzz::refuses([&] { m = ch::oci::parse_manifest(in); })) return 0;
  CH_FUZZ_CHECK(!m.config.media_type.empty() && m.config.size >= 0);
  for (const auto& d : m.layers) CH_FUZZ_CHECK(!d.media_type.empty() && d.size >= 0);

  // Accepted => the document really says schemaVersion 2 (not 2 modulo 2^32).
  auto doc = nlohmann::json::parse(in, nullptr, false);
  CH_FUZZ_CHECK(!doc.is_discarded() && doc.is_object());
  CH_FUZZ_CHECK(doc.contains("schemaVersion") && doc["schemaVersion"] == 2);

  std::string written;
  CH_FUZZ_CHECK(!ch::fuzz::refuses(
      [&] { written = ch::oci::helm_manifest_json(m.config, m.layers, m.annotations); }));
  ch::oci::Manifest again;
  CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { again = ch::oci::parse_manifest(written); }));
  CH_FUZZ_CHECK(same(again.config, m.config));
  CH_FUZZ_CHECK(again.layers.size() == m.layers.size());
  for (std::size_t i = 0; i < m.layers.size(); ++i)
    CH_FUZZ_CHECK(same(again.layers[i], m.layers[i]));
  CH_FUZZ_CHECK(again.annotations == m.annotations);
  return 0;
}
