// Chart.yaml / requirements.yaml of a chart someone else packaged: ch::helm::Metadata's
// merge_yaml (Helm's yaml.Unmarshal into Metadata), validate, and the JSON / YAML Helm writes
// back (config blob, `show chart`). Accepted metadata must be writable and read back.
#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "gocompat/gojson.hpp"
#include "helm/metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);
  // The first byte picks the file name (v1 charts read requirements.yaml the same way).
  std::string_view file = (size > 0 && (data[0] & 1)) ? "requirements.yaml" : "Chart.yaml";

  ch::helm::sanitize(in);

  ch::helm::Metadata m;
  if (ch::fuzz::refuses([&] { m.merge_yaml(in, file); })) return 0;
  nlohmann::ordered_json unvalidated = m.to_json();
  ch::fuzz::refuses([&] { ch::gojson::marshal(unvalidated); });
  if (ch::fuzz::refuses([&] { m.validate(); })) return 0;

  std::string config;
  CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { config = ch::gojson::marshal(m.to_json()); }));
  std::string yaml;
  if (ch::fuzz::refuses([&] { yaml = m.to_yaml(); })) return 0;
  ch::fuzz::refuses([&] { m.to_yaml(false); });

  // What we write as Chart.yaml must load and validate again, to the same name and version.
  ch::helm::Metadata again;
  CH_FUZZ_CHECK(!ch::fuzz::refuses([&] {
    again.merge_yaml(yaml, "Chart.yaml");
    again.validate();
  }));
  CH_FUZZ_CHECK(again.name == m.name && again.version == m.version);
  return 0;
}
