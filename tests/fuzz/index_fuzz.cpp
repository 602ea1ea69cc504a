// A classic repository's index.yaml (or index.json) fetched from anywhere:
// ch::helm::IndexFile::parse, lookups by name and constraint, sorting, and the YAML / JSON
// writers; what we write must parse again with the same charts.
#include <string>

#include "fuzz.hpp"
#include "helm/index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  ch::helm::IndexFile index;
  if (ch::fuzz::refuses([&] { index = ch::helm::IndexFile::parse(in, "index.yaml"); })) return 0;

  std::size_t versions = 0;
  for (const auto& entry : index.entries) {
    const std::string& name = entry.first;
    const auto& entries = entry.second;
    versions += entries.size();
    ch::fuzz::refuses([&] { index.get(name, ""); });
    ch::fuzz::refuses([&] { index.get(name, ">=1.0.0 <2"); });
    if (!entries.empty()) {
      const std::string& v = entries.front().metadata.version;
      ch::fuzz::refuses([&] { index.get(name, v); });
      ch::fuzz::refuses([&] { index.has(name, v); });
    }
  }
  ch::fuzz::refuses([&] { index.sort_entries(); });

  std::string yaml, json;
  if (ch::fuzz::refuses([&] { yaml = index.to_yaml(); })) return 0;
  ch::fuzz::refuses([&] { json = index.to_json(); });

  ch::helm::IndexFile again;
  CH_FUZZ_CHECK(
      !ch::fuzz::refuses([&] { again = ch::helm::IndexFile::parse(yaml, "index.yaml"); }));
  std::size_t versions_again = 0;
  for (const auto& [name, entries] : again.entries) versions_again += entries.size();
  CH_FUZZ_CHECK(versions_again == versions);
  return 0;
}
