// Bearer tokens presented to `charthouse serve` (ch::server::auth::SigningKey::verify) and
// the claims of tokens that carry our signature (the same parse, reached only after the
// signature check, so the harness signs the fuzzed claims itself).
//
// The first byte picks the mode: even, the rest is a token as a client sends it; odd, the rest
// is the JSON claims, signed with the harness's key under a valid header. Oracles: a verified
// token's claims sign and verify back to the same claims.
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "base/base64.hpp"
#include "fuzz.hpp"
#include "server/auth/jwt.hpp"

namespace {

using ch::server::auth::Claims;
using ch::server::auth::SigningKey;

struct Keys {
  SigningKey key = SigningKey::generate();
  EVP_PKEY* pkey = nullptr;  // the same private key, for signing arbitrary payloads
  Keys() {
    std::string pem = key.private_pem();
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!pkey) __builtin_trap();
  }
};

Keys& keys() {
  static Keys* k = new Keys;  // never destroyed: outlives libFuzzer's exit handlers
  return *k;
}

// ES256 JWS signature (r || s, 32 bytes each) of `input`.
std::string es256(std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::string der;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, keys().pkey) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    __builtin_trap();
  der.resize(len);
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    __builtin_trap();
  EVP_MD_CTX_free(ctx);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  if (!sig) __builtin_trap();
  unsigned char rs[64];
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32) != 32)
    __builtin_trap();
  ECDSA_SIG_free(sig);
  return ch::base64url_encode(std::string_view(reinterpret_cast<char*>(rs), 64));
}

bool same(const Claims& a, const Claims& b) {
  return a.issuer == b.issuer && a.subject == b.subject && a.audience == b.audience &&
         a.jwt_id == b.jwt_id && a.issued_at == b.issued_at && a.not_before == b.not_before &&
         a.expires_at == b.expires_at && a.access == b.access && a.token_use == b.token_use;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const SigningKey& key = keys().key;
  std::string_view in = ch::fuzz::text(data + 1, size - 1);

  std::string token;
  if (data[0] & 1) {
    std::string header = R"({"alg":"ES256","typ":"JWT","kid":")" + key.key_id() + "\"}";
    token = ch::base64url_encode(header) + "." + ch::base64url_encode(in);
    token += "." + es256(token);
  } else {
    token = std::string(in);
  }

  Claims claims;
  if (ch::fuzz::refuses([&] { claims = key.verify(token); })) return 0;
  ch::server::auth::check_claims(claims, "charthouse", "charthouse", 1700000000, 30);
  ch::server::auth::check_claims(claims, claims.issuer, claims.audience, claims.not_before);

  std::string resigned;
  if (ch::fuzz::refuses([&] { resigned = key.sign(claims); })) return 0;
  Claims again;
  CH_FUZZ_CHECK(!ch::fuzz::refuses([&] { again = key.verify(resigned); }));
  CH_FUZZ_CHECK(same(again, claims));
  return 0;
}
