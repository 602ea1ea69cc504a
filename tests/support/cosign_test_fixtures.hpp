// Fixtures shared by the unit tests of src/cosign/: the key skopeo 1.18 signed with
// (tests/fixtures/signatures/cosign-skopeo/), the chart digest it signed and another P-256 key.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "cosign/key.hpp"
#include "testing.hpp"

namespace ch::cosign::test_support {

inline const std::filesystem::path kFixture =
    std::filesystem::path(CH_FIXTURES_DIR) / "signatures/cosign-skopeo";
// The digest of chart-manifest.json, which skopeo signed.
inline constexpr std::string_view kChartDigest =
    "sha256:ed81fb809801843c15bc605cbdd5a34b53b369f8aac30471002c8eac8d9ad9b5";

// Another P-256 key (`openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8`).
inline constexpr std::string_view kOtherP256 = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbddqGIddASJviW/E
NaWxSHUMZ0oV4n7g1wsS3M0y+mehRANCAATVDq/6pwuBH9Twqm8s+wJn5nVYJvIz
U87Vxi6G2lL6ooz9FNFQnNxPpiA5uqNhj1+xxxV+xvTfGcTGqhR6P/cw
-----END PRIVATE KEY-----
)";

inline std::string fixture(const char* name) {
  return testing::read(kFixture / name);
}

// The fixture key, decrypted once (scrypt N=32768 costs ~100 ms).
inline const PrivateKey& fixture_key() {
  static const PrivateKey key = load_private_key(fixture("key.pem"), fixture("key.password"));
  return key;
}

}  // namespace ch::cosign::test_support
