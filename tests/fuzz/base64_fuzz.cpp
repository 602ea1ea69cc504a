// Base64 of HTTP Basic credentials, Docker config "auth" fields and JWS parts:
// ch::base64_decode / base64url_decode on anything, and both directions round-tripping.
#include <string>

#include "base/base64.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  if (auto d = ch::base64_decode(in)) {
    CH_FUZZ_CHECK(d->size() <= in.size());
    CH_FUZZ_CHECK(ch::base64_decode(ch::base64_encode(*d)) == d);
  }
  if (auto d = ch::base64url_decode(in)) {
    CH_FUZZ_CHECK(d->size() <= in.size());
    CH_FUZZ_CHECK(ch::base64url_encode(*d) == in);  // no padding, so one spelling only
  }
  CH_FUZZ_CHECK(ch::base64_decode(ch::base64_encode(in)) == in);
  CH_FUZZ_CHECK(ch::base64url_decode(ch::base64url_encode(in)) == in);
  return 0;
}
