// Chart.lock / requirements.lock of a downloaded chart (ch::helm::Lock::parse) and the YAML
// `helm dependency` writes back, which must parse again.
#include "fuzz.hpp"
#include "helm/metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  ch::helm::Lock lock;
  if (ch::fuzz::refuses([&] { lock = ch::helm::Lock::parse(in, "Chart.lock"); })) return 0;
  for (const auto& d : lock.dependencies) d.to_json();
  std::string yaml;
  if (ch::fuzz::refuses([&] { yaml = lock.to_yaml(); })) return 0;
  ch::helm::Lock again;
  CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { again = ch::helm::Lock::parse(yaml, "Chart.lock"); }));
  CH_FUZZ_CHECK(again.dependencies.size() == lock.dependencies.size());
  return 0;
}
