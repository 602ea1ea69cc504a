// What signature verification reads from a registry (ch::cosign): simple-signing payloads,
// `.sig` signature manifests, Sigstore bundles, public keys. Encrypted private keys are not
// fuzzed here: their scrypt parameters (bounded to 1 GiB) make single inputs slow by design.
// A payload that parses names a sha256 digest; a signature manifest that parses rebuilds to
// one with the same layers; a bundle never verifies with a key that did not sign it.
#include "cosign/bundle.hpp"
#include "cosign/key.hpp"
#include "cosign/simple_signing.hpp"
#include "cosign/tags.hpp"
#include "fuzz.hpp"

namespace {

// The public key of tests/fixtures/signatures/cosign-skopeo (its private key is not here, so
// no input can carry a valid signature by it).
constexpr std::string_view kPublicKey =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEOqUUUSB0M1bZQWLa4FqLxszzOs7\n"
    "3FbExGXKn3V0Q55IMNd3HCShBdu9gmstb2QvvbcQjXz6j9XVKDwFEaA0aA==\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);
  static const ch::cosign::PublicKey key = ch::cosign::load_public_key(kPublicKey);

  ch::cosign::SimpleSigning p;
  if (!ch::fuzz::refuses([&] { p = ch::cosign::parse_simple_signing(in); }))
    CH_FUZZ_CHECK(ch::cosign::attachment_subject(ch::cosign::referrers_tag(p.manifest_digest)) ==
                  p.manifest_digest);

  std::vector<ch::cosign::SignatureLayer> layers;
  if (!ch::fuzz::refuses([&] { layers = ch::cosign::parse_signature_manifest(in); }) &&
      !layers.empty()) {
    ch::cosign::SignatureManifest built;
    if (!ch::fuzz::refuses([&] { built = ch::cosign::signature_manifest(layers); })) {
      auto again = ch::cosign::parse_signature_manifest(built.manifest);
      CH_FUZZ_CHECK(again.size() == layers.size());
      for (std::size_t i = 0; i < layers.size(); ++i)
        CH_FUZZ_CHECK(again[i].digest == layers[i].digest &&
                      again[i].signature == layers[i].signature);
    }
  }

  // Nobody holds the private key: a bundle may be refused, never accepted.
  CH_FUZZ_CHECK(ch::fuzz::refuses([&] { ch::cosign::verify_bundle(key, in); }));
  CH_FUZZ_CHECK(!key.verify(in, in));

  ch::fuzz::refuses([&] { ch::cosign::load_public_key(in); });
  ch::cosign::attachment_subject(in);
  return 0;
}
