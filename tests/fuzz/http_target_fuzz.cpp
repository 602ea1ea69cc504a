// The request-target of every request `charthouse serve` receives, before routing or
// authentication: ch::server::http::parse_target and percent_decode. Oracles: a decoded path
// holds no NUL byte, and decoding undoes ch::percent_encode.
#include <string>

#include "base/percent.hpp"
#include "fuzz.hpp"
#include "server/http/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = ch::server::http;
  std::string_view in = ch::fuzz::text(data, size);

  std::optional<http::Target> t;
  if (!ch::fuzz::refuses([&] { t = http::parse_target(in); }) && t) {
    CH_FUZZ_CHECK(t->path.find('\0') == std::string::npos);
    CH_FUZZ_CHECK(t->path.size() <= in.size());
  }
  std::optional<std::string> d;
  ch::fuzz::refuses([&] { d = http::percent_decode(in, false); });
  if (d) CH_FUZZ_CHECK(d->size() <= in.size());
  ch::fuzz::refuses([&] { http::percent_decode(in, true); });

  std::string encoded = ch::percent_encode(in);
  auto back = http::percent_decode(encoded, false);
  CH_FUZZ_CHECK(back && *back == in);
  auto back_plus = http::percent_decode(encoded, true);
  CH_FUZZ_CHECK(back_plus && *back_plus == in);
  return 0;
}
