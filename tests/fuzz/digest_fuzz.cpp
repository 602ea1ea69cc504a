// Digests ("sha256:<hex>", "sha512:<hex>") as registries and manifests send them:
// ch::Digest::parse and ch::Digest::is_valid must agree, and a parsed digest prints back as
// the input. The same bytes are also hashed whole and in chunks through VerifyingSink.
#include <string>

#include "base/digest.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  bool valid = ch::Digest::is_valid(in);
  ch::Digest d;
  bool refused = ch::fuzz::refuses([&] { d = ch::Digest::parse(in); });
  CH_FUZZ_CHECK(valid == !refused);
  if (!refused) {
    CH_FUZZ_CHECK(d.str() == in);
    CH_FUZZ_CHECK(d.hex.size() == ch::hex_length(d.algorithm));
  }

  // Hashing in chunks (split where the first byte says) verifies against the one-shot digest.
  auto algorithm =
      (size > 0 && (data[0] & 1)) ? ch::DigestAlgorithm::kSha512 : ch::DigestAlgorithm::kSha256;
  ch::Digest whole = ch::digest_of(in, algorithm);
  CH_FUZZ_CHECK(ch::Digest::is_valid(whole.str()));
  std::size_t split = size > 0 ? data[0] % (size + 1) : 0;
  std::string sunk;
  ch::VerifyingSink sink(
      whole, [&](std::string_view chunk) { sunk += chunk; }, static_cast<std::int64_t>(size));
  sink.write(in.substr(0, split));
  sink.write(in.substr(split));
  CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { sink.finish(); }));
  CH_FUZZ_CHECK(sunk == in);
  return 0;
}
