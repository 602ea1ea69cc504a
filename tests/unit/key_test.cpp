// Tests of cosign/key.cpp: cosign's encrypted ECDSA P-256 keys, PEM forms, signing, hints.
// Against what skopeo 1.18 wrote with the fixture key (tests/fixtures/signatures/cosign-skopeo/).
#include "cosign/key.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "cosign/simple_signing.hpp"
#include "cosign_test_fixtures.hpp"

namespace ch::cosign {
namespace {

using namespace test_support;
using json = nlohmann::ordered_json;

// `openssl genpkey -algorithm ed25519` and its public key.
constexpr std::string_view kEd25519Private = R"(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIN7G4P2kw6yrtLtxJJtDrM/XrS9mnFGy1TwDNoT12lgi
-----END PRIVATE KEY-----
)";
constexpr std::string_view kEd25519Public = R"(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEACUL7AIlo7Nw1fwPWQKYb+rsUVZQ4QLlEzFM/aLl1QfQ=
-----END PUBLIC KEY-----
)";
// `openssl ecparam -name secp384r1 -genkey -noout | openssl pkey`.
constexpr std::string_view kP384Private = R"(-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBFW9a8ElR6jpybZoxf
Zs9iCAKktBx7r1mkPFHWrfV8b/VkSuHZvqji/N+uXGc3kTahZANiAATqAe8Z7OZ1
DyD572fac1jp8bpRubYD76OcIqODsex0fxZBaNdpi18rbYJzhTP1Nfsx0MZChsZJ
DnzvgEvoA80s9HgIX05F4o5lCeohk+Fe1qYW+kEM/Zc8M6HNw5ouyfo=
-----END PRIVATE KEY-----
)";
// The fixture key in SEC1 form (`openssl ec -in key.pkcs8.pem`).
constexpr std::string_view kFixtureSec1 = R"(-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIDwwfz431oBTQV2u7sRlu+d9TZEsNDQWG3sZJ/Izl1IvoAoGCCqGSM49
AwEHoUQDQgAEEOqUUUSB0M1bZQWLa4FqLxszzOs73FbExGXKn3V0Q55IMNd3HCSh
Bdu9gmstb2QvvbcQjXz6j9XVKDwFEaA0aA==
-----END EC PRIVATE KEY-----
)";

std::string pem(std::string_view type, std::string_view der) {
  std::string b64 = base64_encode(der);
  std::string out = "-----BEGIN " + std::string(type) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + std::string(type) + "-----\n";
}

// The JSON document inside the fixture's encrypted key.
json fixture_document() {
  std::string text = fixture("key.pem");
  auto start = text.find('\n') + 1;
  auto end = text.find("-----END");
  std::string body;
  for (char c : text.substr(start, end - start))
    if (c != '\n') body.push_back(c);
  return json::parse(*base64_decode(body));
}

std::string encrypted_pem(const json& doc) {
  return pem("ENCRYPTED SIGSTORE PRIVATE KEY", doc.dump());
}

// The error message of load_private_key, or "" when it loads.
std::string load_error(std::string_view text, const std::string& password = "test-password") {
  try {
    load_private_key(text, password);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

// Encrypts PKCS#8 DER the way cosign does, with small scrypt parameters.
std::string encrypt_key(std::string_view pkcs8_der, const std::string& password,
                        std::uint64_t n = 1024) {
  EXPECT_GE(sodium_init(), 0);
  std::string salt(32, '\0'), nonce(crypto_secretbox_NONCEBYTES, '\0');
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  unsigned char key[crypto_secretbox_KEYBYTES];
  EXPECT_EQ(crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>(password.data()),
                                                  password.size(),
                                                  reinterpret_cast<const uint8_t*>(salt.data()),
                                                  salt.size(), n, 8, 1, key, sizeof key),
            0);
  std::string box(pkcs8_der.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()),
                        reinterpret_cast<const unsigned char*>(pkcs8_der.data()), pkcs8_der.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()), key);
  json doc = {{"kdf",
               {{"name", "scrypt"},
                {"params", {{"N", n}, {"r", 8}, {"p", 1}}},
                {"salt", base64_encode(salt)}}},
              {"cipher", {{"name", "nacl/secretbox"}, {"nonce", base64_encode(nonce)}}},
              {"ciphertext", base64_encode(box)}};
  return encrypted_pem(doc);
}

std::string pem_der(std::string_view text) {
  auto start = text.find('\n') + 1;
  auto end = text.find("-----END");
  std::string body;
  for (char c : text.substr(start, end - start))
    if (c != '\n') body.push_back(c);
  return *base64_decode(body);
}

TEST(CosignKey, EncryptedKeyLoadsWithItsPasswordAndMatchesPubPem) {
  EXPECT_EQ(fixture("key.password"), "test-password");
  PublicKey pub = load_public_key(fixture("pub.pem"));
  EXPECT_EQ(fixture_key().public_key().der(), pub.der());
  EXPECT_EQ(fixture_key().public_key().pem(), fixture("pub.pem"));
  EXPECT_EQ(pub.pem(), fixture("pub.pem"));
}

TEST(CosignKey, WrongPasswordIsAnIncorrectPassphrase) {
  std::string error = load_error(fixture("key.pem"), "wrong-password");
  EXPECT_NE(error.find("incorrect passphrase"), std::string::npos) << error;
  error = load_error(fixture("key.pem"), "");
  EXPECT_NE(error.find("incorrect passphrase"), std::string::npos) << error;
}

TEST(CosignKey, OlderCosignPemTypeLoads) {
  std::string text = encrypted_pem(fixture_document());
  EXPECT_EQ(load_error(text), "");
  std::string older = pem("ENCRYPTED COSIGN PRIVATE KEY", fixture_document().dump());
  EXPECT_EQ(load_private_key(older, "test-password").public_key().der(),
            load_public_key(fixture("pub.pem")).der());
}

TEST(CosignKey, Pkcs8AndSec1KeysLoad) {
  std::string pub = load_public_key(fixture("pub.pem")).der();
  EXPECT_EQ(load_private_key(fixture("key.pkcs8.pem"), "").public_key().der(), pub);
  EXPECT_EQ(load_private_key(kFixtureSec1, "").public_key().der(), pub);
  // `openssl ecparam -genkey` writes an EC PARAMETERS block first.
  std::string with_params =
      "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
      "-----END EC PARAMETERS-----\n" +
      std::string(kFixtureSec1);
  EXPECT_EQ(load_private_key(with_params, "").public_key().der(), pub);
}

TEST(CosignKey, KeysEncryptedWithOtherScryptParametersLoad) {
  std::string der = pem_der(fixture("key.pkcs8.pem"));
  std::string text = encrypt_key(der, "pw", 2048);
  EXPECT_EQ(load_private_key(text, "pw").public_key().der(),
            load_public_key(fixture("pub.pem")).der());
  EXPECT_NE(load_error(text, "pw2").find("incorrect passphrase"), std::string::npos);
}

TEST(CosignKey, SignAndVerifyRoundTrip) {
  const PrivateKey& key = fixture_key();
  PublicKey pub = key.public_key();
  std::string sig = key.sign("hello");
  EXPECT_EQ(sig[0], 0x30);  // DER SEQUENCE
  EXPECT_TRUE(pub.verify("hello", sig));
  EXPECT_FALSE(pub.verify("hellO", sig));
  EXPECT_FALSE(pub.verify("hello", sig.substr(0, sig.size() - 1)));
  EXPECT_FALSE(pub.verify("hello", ""));
  EXPECT_FALSE(pub.verify("hello", "not a signature"));
  PublicKey other = load_private_key(kOtherP256, "").public_key();
  EXPECT_FALSE(other.verify("hello", sig));
  EXPECT_TRUE(load_public_key(fixture("pub.pem")).verify("hello", sig));
}

TEST(CosignKey, SkopeosSignatureVerifiesWithPubPem) {
  std::vector<SignatureLayer> layers = parse_signature_manifest(fixture("signature-manifest.json"));
  ASSERT_EQ(layers.size(), 1u);
  std::string payload = fixture("signature-payload.json");
  EXPECT_EQ(layers[0].digest, digest_of(payload).str());
  EXPECT_EQ(layers[0].size, payload.size());
  auto sig = base64_decode(layers[0].signature);
  ASSERT_TRUE(sig);
  PublicKey pub = load_public_key(fixture("pub.pem"));
  EXPECT_TRUE(pub.verify(payload, *sig));
  for (size_t i : {size_t{0}, payload.size() / 2, payload.size() - 1}) {
    std::string modified = payload;
    modified[i] ^= 1;
    EXPECT_FALSE(pub.verify(modified, *sig)) << "byte " << i;
  }
  EXPECT_FALSE(pub.verify(payload + " ", *sig));
  EXPECT_FALSE(load_private_key(kOtherP256, "").public_key().verify(payload, *sig));
}

TEST(CosignKey, HintIsBase64OfSha256OfTheSpki) {
  PublicKey pub = load_public_key(fixture("pub.pem"));
  std::string hex = digest_of(pub.der()).hex;
  std::string raw;
  for (size_t i = 0; i < hex.size(); i += 2)
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  EXPECT_EQ(pub.hint(), base64_encode(raw));
  EXPECT_EQ(pub.hint().size(), 44u);
  EXPECT_EQ(fixture_key().public_key().hint(), pub.hint());
}

TEST(CosignKey, OnlyEcdsaP256KeysAreAccepted) {
  std::string error = load_error(kEd25519Private);
  EXPECT_NE(error.find("unsupported key type ED25519"), std::string::npos) << error;
  EXPECT_NE(error.find("only ECDSA P-256"), std::string::npos) << error;
  error = load_error(kP384Private);
  EXPECT_NE(error.find("unsupported curve secp384r1"), std::string::npos) << error;
  try {
    load_public_key(kEd25519Public);
    ADD_FAILURE() << "an Ed25519 public key loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported key type ED25519"), std::string::npos)
        << e.what();
  }
  // The same check after decryption.
  error = load_error(encrypt_key(pem_der(kEd25519Private), "pw"), "pw");
  EXPECT_NE(error.find("unsupported key type ED25519"), std::string::npos) << error;
}

TEST(CosignKey, MalformedPemIsRefusedClearly) {
  EXPECT_NE(load_error("").find("not PEM"), std::string::npos);
  EXPECT_NE(load_error("just text").find("not PEM"), std::string::npos);
  EXPECT_NE(load_error("-----BEGIN PRIVATE KEY-----\nAAAA\n").find("no END line"),
            std::string::npos);
  EXPECT_NE(
      load_error("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n").find("base64"),
      std::string::npos);
  EXPECT_NE(load_error(pem("ENCRYPTED SIGSTORE PRIVATE KEY", "{")).find("invalid JSON"),
            std::string::npos);
  EXPECT_NE(load_error(pem("PRIVATE KEY", "garbage")).find("not a PKCS#8"), std::string::npos);
  EXPECT_NE(load_error(pem("RSA PRIVATE KEY", "garbage")).find("unsupported PEM type"),
            std::string::npos);
  EXPECT_NE(load_error("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n"
                       "-----END EC PRIVATE KEY-----\n")
                .find("PEM headers"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(70000, 'A')).find("larger than"), std::string::npos);
  try {
    load_public_key(fixture("key.pkcs8.pem"));
    ADD_FAILURE() << "a private key loaded as a public key";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported PEM type"), std::string::npos);
  }
}

TEST(CosignKey, HostileEncryptedDocumentsAreRefusedBeforeScrypt) {
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    const char* expected;
  };
  std::vector<Case> cases = {
      {"huge N", [](json& d) { d["kdf"]["params"]["N"] = 1ull << 40; }, "outside [2, 1048576]"},
      {"N 2^21", [](json& d) { d["kdf"]["params"]["N"] = 1 << 21; }, "outside"},
      {"N not a power of two", [](json& d) { d["kdf"]["params"]["N"] = 30000; }, "power of two"},
      {"N negative", [](json& d) { d["kdf"]["params"]["N"] = -1; }, "non-negative integer"},
      {"N float", [](json& d) { d["kdf"]["params"]["N"] = 32768.5; }, "non-negative integer"},
      {"r too big", [](json& d) { d["kdf"]["params"]["r"] = 33; }, "parameter r"},
      {"p too big", [](json& d) { d["kdf"]["params"]["p"] = 17; }, "parameter p"},
      {"r zero", [](json& d) { d["kdf"]["params"]["r"] = 0; }, "parameter r"},
      {"memory",
       [](json& d) {
         d["kdf"]["params"]["N"] = 1 << 20;
         d["kdf"]["params"]["r"] = 16;
       },
       "more than 1 GiB"},
      {"no kdf", [](json& d) { d.erase("kdf"); }, "\"kdf\" missing"},
      {"other kdf", [](json& d) { d["kdf"]["name"] = "argon2"; }, "unsupported key derivation"},
      {"other cipher", [](json& d) { d["cipher"]["name"] = "aes"; }, "unsupported cipher"},
      {"salt not base64", [](json& d) { d["kdf"]["salt"] = "@@@"; },
       "kdf.salt is not valid base64"},
      {"nonce short", [](json& d) { d["cipher"]["nonce"] = base64_encode("12345"); },
       "nonce is 5 bytes"},
      {"ciphertext not base64", [](json& d) { d["ciphertext"] = "not base64!"; },
       "ciphertext is not valid base64"},
      {"ciphertext truncated below the MAC",
       [](json& d) { d["ciphertext"] = base64_encode("0123456789"); }, "ciphertext too short"},
      {"not an object", [](json& d) { d = json::array(); }, "not a JSON object"},
  };
  for (const Case& c : cases) {
    json doc = fixture_document();
    c.edit(doc);
    std::string error = load_error(encrypted_pem(doc));
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.what << ": " << error;
  }
}

TEST(CosignKey, TruncatedOrModifiedCiphertextFailsAuthentication) {
  json doc = fixture_document();
  std::string ct = *base64_decode(doc["ciphertext"].get<std::string>());
  doc["ciphertext"] = base64_encode(ct.substr(0, ct.size() - 10));
  EXPECT_NE(load_error(encrypted_pem(doc)).find("incorrect passphrase"), std::string::npos);
  ct[20] ^= 1;
  doc["ciphertext"] = base64_encode(ct);
  EXPECT_NE(load_error(encrypted_pem(doc)).find("incorrect passphrase"), std::string::npos);
}

}  // namespace
}  // namespace ch::cosign
