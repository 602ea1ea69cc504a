// JSON from registries, pushers and token servers through ch::parse_untrusted_json (depth
// pre-scan, then nlohmann). Oracles: a document deeper than the limit is refused; an accepted
// document survives Go-compatible marshalling (gojson) and nlohmann's dump unchanged.
#include <nlohmann/json.hpp>

#include "base/json_limits.hpp"
#include "fuzz.hpp"
#include "gocompat/gojson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  bool shallow = ch::json_depth_within(in);
  bool shallow8 = ch::json_depth_within(in, 8);
  CH_FUZZ_CHECK(shallow || !shallow8);

  nlohmann::json doc;
  bool refused = ch::fuzz::refuses([&] { doc = ch::parse_untrusted_json(in); });
  if (!shallow) CH_FUZZ_CHECK(refused);
  if (!refused) {
    CH_FUZZ_CHECK(doc == nlohmann::json::parse(doc.dump()));
  }

  nlohmann::ordered_json odoc;
  bool orefused = ch::fuzz::refuses([&] { odoc = ch::parse_untrusted_ordered_json(in); });
  CH_FUZZ_CHECK(orefused == refused);
  if (orefused) return 0;

  // Depth 8: the same text either passes the stricter limit or is refused by it.
  bool refused8 = ch::fuzz::refuses([&] { ch::parse_untrusted_json(in, 8); });
  CH_FUZZ_CHECK(refused8 == !shallow8);

  std::string go;
  if (ch::fuzz::refuses([&] { go = ch::gojson::marshal(odoc); })) return 0;  // NaN/Inf
  nlohmann::ordered_json back;
  CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { back = ch::parse_untrusted_ordered_json(go); }));
  CH_FUZZ_CHECK(back == odoc);
  std::string indented = ch::gojson::marshal_indent(odoc, "  ");
  CH_FUZZ_CHECK(ch::parse_untrusted_ordered_json(indented) == odoc);
  return 0;
}
