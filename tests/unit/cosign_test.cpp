// cosign keys, simple-signing signatures and Sigstore bundles (src/cosign/) against what
// skopeo 1.18 wrote with the fixture key (tests/fixtures/signatures/cosign-skopeo/) and the
// layouts cosign 3 writes.
#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "cosign/bundle.hpp"
#include "cosign/key.hpp"
#include "cosign/simple_signing.hpp"
#include "testing.hpp"

namespace ch::cosign {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::ordered_json;

const stdfs::path kFixture = stdfs::path(CH_FIXTURES_DIR) / "signatures/cosign-skopeo";
// The digest of chart-manifest.json, which skopeo signed.
constexpr std::string_view kChartDigest =
    "sha256:ed81fb809801843c15bc605cbdd5a34b53b369f8aac30471002c8eac8d9ad9b5";

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
// Another P-256 key (`openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8`).
constexpr std::string_view kOtherP256 = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbddqGIddASJviW/E
NaWxSHUMZ0oV4n7g1wsS3M0y+mehRANCAATVDq/6pwuBH9Twqm8s+wJn5nVYJvIz
U87Vxi6G2lL6ooz9FNFQnNxPpiA5uqNhj1+xxxV+xvTfGcTGqhR6P/cw
-----END PRIVATE KEY-----
)";
// The fixture key in SEC1 form (`openssl ec -in key.pkcs8.pem`).
constexpr std::string_view kFixtureSec1 = R"(-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIDwwfz431oBTQV2u7sRlu+d9TZEsNDQWG3sZJ/Izl1IvoAoGCCqGSM49
AwEHoUQDQgAEEOqUUUSB0M1bZQWLa4FqLxszzOs73FbExGXKn3V0Q55IMNd3HCSh
Bdu9gmstb2QvvbcQjXz6j9XVKDwFEaA0aA==
-----END EC PRIVATE KEY-----
)";

std::string fixture(const char* name) {
  return testing::read(kFixture / name);
}

// The fixture key, decrypted once (scrypt N=32768 costs ~100 ms).
const PrivateKey& fixture_key() {
  static const PrivateKey key = load_private_key(fixture("key.pem"), fixture("key.password"));
  return key;
}

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

// --- keys -------------------------------------------------------------------------------

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

// --- simple signing ---------------------------------------------------------------------

TEST(SimpleSigning, PayloadIsByteForByteWhatSkopeoSigned) {
  std::string payload =
      simple_signing_payload("127.0.0.1:5091/signed/my-app:1.0.0", kChartDigest,
                             R"({"creator":"containers/image 5.34.2","timestamp":1796628165})");
  EXPECT_EQ(payload, fixture("signature-payload.json"));
  EXPECT_EQ(kChartDigest, digest_of(fixture("chart-manifest.json")).str());
}

TEST(SimpleSigning, PayloadOfCosignHasNullOptionalAndGoEscaping) {
  EXPECT_EQ(
      simple_signing_payload("r.example/a<b>&c", kChartDigest),
      "{\"critical\":{\"identity\":{\"docker-reference\":\"r.example/a\\u003cb\\u003e\\u0026c\"}"
      ",\"image\":{\"docker-manifest-digest\":\"" +
          std::string(kChartDigest) +
          "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
  EXPECT_THROW(simple_signing_payload("r", "sha256:abc"), Error);
  EXPECT_THROW(simple_signing_payload("r", kChartDigest, "[1]"), Error);
  EXPECT_THROW(simple_signing_payload("r", kChartDigest, "{"), Error);
}

TEST(SimpleSigning, ParseRoundTripAndFixture) {
  SimpleSigning s = parse_simple_signing(simple_signing_payload("reg/repo", kChartDigest));
  EXPECT_EQ(s.docker_reference, "reg/repo");
  EXPECT_EQ(s.manifest_digest, kChartDigest);
  s = parse_simple_signing(fixture("signature-payload.json"));
  EXPECT_EQ(s.docker_reference, "127.0.0.1:5091/signed/my-app:1.0.0");
  EXPECT_EQ(s.manifest_digest, kChartDigest);
}

TEST(SimpleSigning, ParseRefusesOtherPayloads) {
  auto error = [](std::string_view payload) {
    try {
      parse_simple_signing(payload);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(std::string(e.what()).rfind("invalid signature payload: ", 0), 0u) << e.what();
      return std::string(e.what());
    }
    return std::string();
  };
  std::string digest(kChartDigest);
  auto with = [&](std::string_view type, std::string_view d) {
    return R"({"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":")" +
           std::string(d) + R"("},"type":")" + std::string(type) + R"("},"optional":null})";
  };
  EXPECT_NE(
      error(with("https://in-toto.io/Statement/v1", digest)).find("is not \"cosign container"),
      std::string::npos);
  EXPECT_NE(error(with("cosign container image signature", "sha256:ABC")).find("not a sha256"),
            std::string::npos);
  EXPECT_NE(error(with("cosign container image signature", "sha512:" + std::string(128, 'a')))
                .find("not a sha256"),
            std::string::npos);
  EXPECT_NE(error("not json").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error("{}").find("critical"), std::string::npos);
  EXPECT_NE(error(std::string(70000, ' ')).find("larger than 65536"), std::string::npos);
  EXPECT_NE(error(std::string(100, '[') + std::string(100, ']')).find("nested deeper"),
            std::string::npos);
  EXPECT_NE(error(R"({"critical":{"type":"cosign container image signature"}})").find("image"),
            std::string::npos);
  // No identity reads as an empty reference, as in Go.
  SimpleSigning s =
      parse_simple_signing(R"({"critical":{"image":{"docker-manifest-digest":")" + digest +
                           R"("},"type":"cosign container image signature"}})");
  EXPECT_EQ(s.docker_reference, "");
}

TEST(SignatureTags, NameTheDigestTheyHangUnder) {
  std::string hex(kChartDigest.substr(7));
  EXPECT_EQ(signature_tag(kChartDigest), "sha256-" + hex + ".sig");
  EXPECT_EQ(referrers_tag(kChartDigest), "sha256-" + hex);
  EXPECT_THROW(signature_tag("latest"), Error);
  EXPECT_THROW(signature_tag("sha512:" + std::string(128, 'a')), Error);
  EXPECT_THROW(referrers_tag("sha256:abc"), Error);
  for (const char* suffix : {"", ".sig", ".att", ".sbom"})
    EXPECT_EQ(attachment_subject("sha256-" + hex + suffix), kChartDigest) << suffix;
  for (const std::string& tag :
       std::vector<std::string>{"latest", "1.0.0", "sha256-" + hex + ".sig2", "sha256-" + hex + "x",
                                "sha256-" + hex.substr(1), "sha512-" + hex,
                                "sha256-" + std::string(63, 'a') + "A", "sha256:" + hex, ""}) {
    EXPECT_EQ(attachment_subject(tag), "") << tag;
  }
}

TEST(SimpleSigning, SignatureManifestIsByteForByteWhatSkopeoPushed) {
  std::vector<SignatureLayer> layers = parse_signature_manifest(fixture("signature-manifest.json"));
  SignatureManifest m = signature_manifest(layers);
  EXPECT_EQ(m.config, fixture("signature-config.json"));
  EXPECT_EQ(m.manifest, fixture("signature-manifest.json"));
  EXPECT_THROW(signature_manifest({}), Error);
  EXPECT_THROW(signature_manifest({{"sha256:abc", 1, "x"}}), Error);
}

TEST(SimpleSigning, SignatureManifestParsing) {
  std::string digest(kChartDigest);
  std::string manifest = R"({"layers":[{"mediaType":"application/octet-stream","digest":")" +
                         digest + R"(","size":1},{"mediaType":")" +
                         std::string(kSimpleSigningMediaType) + R"(","digest":")" + digest +
                         R"(","size":2,"annotations":{")" + std::string(kSignatureAnnotation) +
                         R"(":"c2ln"}}]})";
  std::vector<SignatureLayer> layers = parse_signature_manifest(manifest);
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0].digest, digest);
  EXPECT_EQ(layers[0].size, 2u);
  EXPECT_EQ(layers[0].signature, "c2ln");
  std::string sig_layer = R"({"layers":[{"mediaType":")" + std::string(kSimpleSigningMediaType) +
                          R"(","digest":")" + digest + R"(","size":2}]})";
  EXPECT_THROW(parse_signature_manifest(sig_layer), Error);  // no signature annotation
  EXPECT_THROW(parse_signature_manifest("{}"), Error);
  EXPECT_THROW(parse_signature_manifest("nope"), Error);
  EXPECT_THROW(parse_signature_manifest(R"({"layers":[1]})"), Error);
  EXPECT_TRUE(parse_signature_manifest(R"({"layers":[]})").empty());
}

// --- Sigstore bundles -------------------------------------------------------------------

std::string bundle_error(const PublicKey& key, std::string_view bundle) {
  try {
    verify_bundle(key, bundle);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

// A bundle around `statement`, signed by `key` (for statements make_bundle does not write).
std::string bundle_of(const PrivateKey& key, const std::string& statement) {
  std::string type = "application/vnd.in-toto+json";
  std::string pae = "DSSEv1 " + std::to_string(type.size()) + " " + type + " " +
                    std::to_string(statement.size()) + " " + statement;
  json b = {{"mediaType", kBundleMediaType},
            {"verificationMaterial", {{"publicKey", {{"hint", key.public_key().hint()}}}}},
            {"dsseEnvelope",
             {{"payload", base64_encode(statement)},
              {"payloadType", type},
              {"signatures", json::array({{{"sig", base64_encode(key.sign(pae))}}})}}}};
  return b.dump();
}

TEST(SigstoreBundle, MakeAndVerifyRoundTrip) {
  const PrivateKey& key = fixture_key();
  PublicKey pub = load_public_key(fixture("pub.pem"));
  std::string bundle = make_bundle(key, kChartDigest);
  EXPECT_EQ(verify_bundle(pub, bundle), kChartDigest);

  json b = json::parse(bundle);
  EXPECT_EQ(b["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json");
  EXPECT_EQ(b["verificationMaterial"].dump(), R"({"publicKey":{"hint":")" + pub.hint() + R"("}})");
  EXPECT_EQ(b["dsseEnvelope"]["payloadType"], "application/vnd.in-toto+json");
  ASSERT_EQ(b["dsseEnvelope"]["signatures"].size(), 1u);
  EXPECT_FALSE(b["dsseEnvelope"]["signatures"][0].contains("keyid"));
  EXPECT_EQ(*base64_decode(b["dsseEnvelope"]["payload"].get<std::string>()),
            R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":")" +
                std::string(kChartDigest.substr(7)) +
                R"("},"annotations":{}}],"predicateType":"https://sigstore.dev/cosign/sign/v1",)"
                R"("predicate":{}})");
  std::vector<std::string> keys;
  for (auto it = b.begin(); it != b.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"mediaType", "verificationMaterial", "dsseEnvelope"}));
  EXPECT_THROW(make_bundle(key, "sha256:abc"), Error);
}

TEST(SigstoreBundle, BundlesByOtherKeysOrTamperedAreRejected) {
  PublicKey pub = load_public_key(fixture("pub.pem"));
  PrivateKey other = load_private_key(kOtherP256, "");
  std::string error = bundle_error(pub, make_bundle(other, kChartDigest));
  EXPECT_NE(error.find("does not verify with the given public key"), std::string::npos) << error;
  EXPECT_EQ(verify_bundle(other.public_key(), make_bundle(other, kChartDigest)), kChartDigest);

  // The payload swapped for a statement naming another digest.
  json b = json::parse(make_bundle(fixture_key(), kChartDigest));
  std::string payload = *base64_decode(b["dsseEnvelope"]["payload"].get<std::string>());
  std::string hex(kChartDigest.substr(7));
  payload.replace(payload.find(hex), 1, hex[0] == 'e' ? "f" : "e");
  b["dsseEnvelope"]["payload"] = base64_encode(payload);
  error = bundle_error(pub, b.dump());
  EXPECT_NE(error.find("does not verify"), std::string::npos) << error;

  // The signature changed, the payload type changed.
  b = json::parse(make_bundle(fixture_key(), kChartDigest));
  json c = b;
  std::string sig = *base64_decode(c["dsseEnvelope"]["signatures"][0]["sig"].get<std::string>());
  sig[sig.size() - 1] ^= 1;
  c["dsseEnvelope"]["signatures"][0]["sig"] = base64_encode(sig);
  EXPECT_NE(bundle_error(pub, c.dump()).find("does not verify"), std::string::npos);
  c = b;
  c["dsseEnvelope"]["payloadType"] = "application/json";
  EXPECT_NE(bundle_error(pub, c.dump()).find("payload type"), std::string::npos);
}

TEST(SigstoreBundle, MalformedBundlesAreRejected) {
  PublicKey pub = load_public_key(fixture("pub.pem"));
  json b = json::parse(make_bundle(fixture_key(), kChartDigest));
  auto edited = [&](const std::function<void(json&)>& edit) {
    json c = b;
    edit(c);
    return bundle_error(pub, c.dump());
  };
  EXPECT_NE(edited([](json& c) { c["dsseEnvelope"]["payload"] = "%%%"; }).find("not valid base64"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["dsseEnvelope"]["signatures"][0]["sig"] = "a!b";
            }).find("not valid base64"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["dsseEnvelope"]["signatures"] = json::array();
            }).find("exactly one signature"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["dsseEnvelope"]["signatures"].push_back(c["dsseEnvelope"]["signatures"][0]);
            }).find("exactly one signature"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.1+json";
            }).find("media type"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) { c.erase("dsseEnvelope"); }).find("dsseEnvelope"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c.erase("dsseEnvelope");
              c["messageSignature"] = {{"signature", "AAAA"}};
            }).find("message signature"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["verificationMaterial"] = {{"certificate", {{"rawBytes", "AAAA"}}}};
            }).find("certificate"),
            std::string::npos);
  // Transparency-log entries are carried along, not checked: the key is the trust.
  EXPECT_EQ(edited([](json& c) { c["verificationMaterial"]["tlogEntries"] = json::array(); }), "");
  EXPECT_NE(bundle_error(pub, "{").find("invalid JSON"), std::string::npos);
  EXPECT_NE(bundle_error(pub, "[]").find("not a JSON object"), std::string::npos);
  std::string big = b.dump();
  big.insert(big.size() - 1, ",\"pad\":\"" + std::string(1 << 20, 'x') + "\"");
  EXPECT_NE(bundle_error(pub, big).find("larger than 1048576"), std::string::npos);
  EXPECT_NE(bundle_error(pub, std::string(200, '[') + std::string(200, ']')).find("nested"),
            std::string::npos);
}

TEST(SigstoreBundle, SignedStatementsThatAreNotSignaturesAreRejected) {
  const PrivateKey& key = fixture_key();
  PublicKey pub = key.public_key();
  std::string hex(kChartDigest.substr(7));
  std::string subject = R"({"digest":{"sha256":")" + hex + R"("}})";
  auto statement = [](std::string type, std::string subjects, std::string predicate_type) {
    return R"({"_type":")" + type + R"(","subject":)" + subjects + R"(,"predicateType":")" +
           predicate_type + R"(","predicate":{}})";
  };
  std::string ok = statement("https://in-toto.io/Statement/v1", "[" + subject + "]",
                             "https://sigstore.dev/cosign/sign/v1");
  EXPECT_EQ(verify_bundle(pub, bundle_of(key, ok)), kChartDigest);  // name and annotations optional
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       "[" + subject + "]",
                                                       "https://slsa.dev/provenance/v1")))
                .find("predicate type"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v0.1",
                                                       "[" + subject + "]",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("statement type"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       "[" + subject + "," + subject + "]",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("exactly one subject"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       R"([{"digest":{"sha512":"aa"}}])",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("sha256"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, statement("https://in-toto.io/Statement/v1",
                                                       R"([{"digest":{"sha256":"ABC"}}])",
                                                       "https://sigstore.dev/cosign/sign/v1")))
                .find("not valid"),
            std::string::npos);
  EXPECT_NE(bundle_error(pub, bundle_of(key, "not json")).find("in-toto statement"),
            std::string::npos);
}

TEST(SigstoreBundle, ManifestIsCosignsReferrerLayout) {
  std::string bundle_digest = "sha256:" + std::string(64, 'b');
  std::string m = bundle_manifest(
      {"application/vnd.oci.image.manifest.v1+json", std::string(kChartDigest), 577}, bundle_digest,
      1234, "2026-12-07T07:22:44Z");
  EXPECT_EQ(m,
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
            R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,)"
            R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",)"
            R"("artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"},)"
            R"("layers":[{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",)"
            R"("size":1234,"digest":")" +
                bundle_digest +
                R"("}],"annotations":{"dev.sigstore.bundle.content":"dsse-envelope",)"
                R"("dev.sigstore.bundle.predicateType":"https://sigstore.dev/cosign/sign/v1",)"
                R"("org.opencontainers.image.created":"2026-12-07T07:22:44Z"},)"
                R"("subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                R"("size":577,"digest":")" +
                std::string(kChartDigest) +
                R"("},"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"})");
  EXPECT_EQ(digest_of("{}").str(),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  // Without a time, now, in seconds.
  json now = json::parse(bundle_manifest({"m", std::string(kChartDigest), 1}, bundle_digest, 1));
  std::string created = now["annotations"]["org.opencontainers.image.created"];
  EXPECT_EQ(created.size(), 20u) << created;
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_THROW(bundle_manifest({"", std::string(kChartDigest), 1}, bundle_digest, 1), Error);
  EXPECT_THROW(bundle_manifest({"m", "sha256:x", 1}, bundle_digest, 1), Error);
  EXPECT_THROW(bundle_manifest({"m", std::string(kChartDigest), 1}, "sha256:x", 1), Error);
}

}  // namespace
}  // namespace ch::cosign
