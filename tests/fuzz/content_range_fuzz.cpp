// Content-Range of chunked uploads (ch::server::parse_content_range). Oracle: an
// accepted range prints back to the input (with or without "bytes "), numbers never wrap.
#include <string>

#include "fuzz.hpp"
#include "server/routes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);
  std::uint64_t first = 0, last = 0;
  bool ok = false;
  if (ch::fuzz::refuses([&] { ok = ch::server::parse_content_range(in, &first, &last); })) return 0;
  if (!ok) return 0;
  std::string_view body = in.substr(0, 6) == "bytes " ? in.substr(6) : in;
  // Leading zeros are accepted, so compare numerically per side.
  auto dash = body.find('-');
  CH_FUZZ_CHECK(dash != std::string_view::npos);
  auto value = [](std::string_view digits) {
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    return std::string(digits);
  };
  CH_FUZZ_CHECK(value(body.substr(0, dash)) == std::to_string(first));
  CH_FUZZ_CHECK(value(body.substr(dash + 1)) == std::to_string(last));
  return 0;
}
