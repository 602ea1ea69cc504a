// multipart/form-data bodies of ChartMuseum uploads (ch::server::parse_multipart).
// Input: content-type '\n' body. Oracles: at most 16 fields, each field's value lies within
// the body.
#include <string>

#include "fuzz.hpp"
#include "server/routes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);
  std::string_view content_type, body;
  std::tie(content_type, body) = ch::fuzz::split_once(in, '\n');

  std::map<std::string, std::string> fields;
  if (ch::fuzz::refuses([&] { fields = ch::server::parse_multipart(body, content_type); }))
    return 0;
  CH_FUZZ_CHECK(fields.size() <= 16);
  for (const auto& [name, value] : fields) {
    CH_FUZZ_CHECK(body.find(value) != std::string_view::npos);
    CH_FUZZ_CHECK(name.find('"') == std::string::npos);
  }
  return 0;
}
