// YAML as Helm reads values.yaml and every other YAML document (ch::yamlconv::parse: yaml-cpp
// events typed like yaml.v2), then what the readers do with the result: Go-string conversion
// and type names of every node, and Helm's writers (sigs.k8s.io/yaml output, Go JSON).
// Alias bombs and deep nesting must be refused with ch::Error, not run out of memory or stack.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz.hpp"
#include "gocompat/gojson.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/yamlconv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  nlohmann::ordered_json doc;
  if (ch::fuzz::refuses([&] { doc = ch::yamlconv::parse(in); })) return 0;

  // Every node, iteratively (the harness itself must not recurse on input depth).
  std::vector<const nlohmann::ordered_json*> todo{&doc};
  std::string s;
  while (!todo.empty()) {
    const nlohmann::ordered_json* v = todo.back();
    todo.pop_back();
    CH_FUZZ_CHECK(!ch::yamlconv::go_type_name(*v).empty());
    bool scalar = ch::yamlconv::scalar_to_go_string(*v, &s);
    CH_FUZZ_CHECK(scalar == !(v->is_null() || v->is_array() || v->is_object()));
    if (v->is_structured())
      for (const auto& child : *v) todo.push_back(&child);
  }

  std::string yaml;
  if (!ch::fuzz::refuses([&] { yaml = ch::goyaml::json_to_yaml(doc); })) {
    // What Helm's writer produced must be YAML Helm's reader accepts.
    CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { ch::yamlconv::parse(yaml); }));
  }
  ch::fuzz::refuses([&] { ch::gojson::marshal(doc); });
  return 0;
}
