#include "cosign/key.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "base/openssl.hpp"

namespace ch::cosign {

namespace {

// A key file is a few hundred bytes; these bounds only keep hostile files cheap.
constexpr std::size_t kMaxPemBytes = 64 * 1024;
constexpr std::size_t kMaxSaltBytes = 1024;
constexpr std::size_t kMaxCiphertextBytes = 16 * 1024;
// scrypt: cosign writes N=32768, r=8, p=1 (32 MiB). Bounded so a hostile file cannot ask for
// more than 1 GiB (128·N·r bytes) or an unbounded amount of work.
constexpr std::uint64_t kMaxScryptN = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxScryptR = 32;
constexpr std::uint64_t kMaxScryptP = 16;
constexpr std::uint64_t kMaxScryptMemory = std::uint64_t{1} << 30;

struct Pkcs8Free {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
using ossl::MdCtxPtr;
using ossl::PkeyPtr;

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message);
}

std::string openssl_error() {
  return ossl::last_error();
}

// Wipes a buffer that held a secret when it goes out of scope.
struct Wipe {
  std::string& s;
  ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
};

struct Pem {
  std::string type;
  std::string der;
};

// The first PEM block of `text` (skipping the "EC PARAMETERS" block `openssl ecparam -genkey`
// writes before the key): its type and decoded body. Encapsulated headers ("Proc-Type: ...",
// legacy OpenSSL encryption) are refused.
Pem decode_pem(std::string_view text, std::string_view what) {
  if (text.size() > kMaxPemBytes)
    invalid(std::string(what) + ": larger than " + std::to_string(kMaxPemBytes) + " bytes");
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kDashes = "-----";
  std::size_t from = 0;
  for (;;) {
    auto begin = text.find(kBegin, from);
    if (begin == std::string_view::npos) invalid(std::string(what) + ": not PEM (no BEGIN line)");
    auto type_start = begin + kBegin.size();
    auto type_end = text.find(kDashes, type_start);
    auto line_end = text.find('\n', type_start);
    if (type_end == std::string_view::npos ||
        (line_end != std::string_view::npos && line_end < type_end))
      invalid(std::string(what) + ": malformed PEM BEGIN line");
    Pem pem;
    pem.type = std::string(text.substr(type_start, type_end - type_start));
    std::string end_line = "-----END " + pem.type + "-----";
    auto body_start = type_end + kDashes.size();
    auto end = text.find(end_line, body_start);
    if (end == std::string_view::npos)
      invalid(std::string(what) + ": PEM block \"" + pem.type + "\" has no END line");
    from = end + end_line.size();
    if (pem.type == "EC PARAMETERS") continue;
    std::string body;
    for (char c : text.substr(body_start, end - body_start)) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      if (c == ':') invalid(std::string(what) + ": PEM headers are not supported");
      body.push_back(c);
    }
    auto der = base64_decode(body);
    if (!der || der->empty()) invalid(std::string(what) + ": PEM body is not valid base64");
    pem.der = std::move(*der);
    return pem;
  }
}

// Only ECDSA P-256 keys: what cosign generates and what its bundles are verified with here.
void check_p256(EVP_PKEY* pkey, std::string_view what) {
  if (!EVP_PKEY_is_a(pkey, "EC")) {
    const char* name = EVP_PKEY_get0_type_name(pkey);
    invalid(std::string(what) + ": unsupported key type " + (name ? name : "unknown") +
            " (only ECDSA P-256 keys are supported)");
  }
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) !=
      1)
    invalid(std::string(what) + ": EC key without a named curve (only P-256 is supported)");
  if (std::string_view(group, len) != "prime256v1")
    invalid(std::string(what) + ": unsupported curve " + std::string(group, len) +
            " (only ECDSA P-256 keys are supported)");
}

std::shared_ptr<void> share(PkeyPtr pkey) {
  return std::shared_ptr<void>(pkey.release(),
                               [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

EVP_PKEY* raw(const std::shared_ptr<void>& handle) {
  if (!handle) throw Error(ErrorCode::kInternal, "cosign key used before it was loaded");
  return static_cast<EVP_PKEY*>(handle.get());
}

PkeyPtr parse_pkcs8(const std::string& der, std::string_view what) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, Pkcs8Free> info(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!info || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    invalid(std::string(what) + ": not a PKCS#8 private key (" + openssl_error() + ")");
  PkeyPtr pkey(EVP_PKCS82PKEY(info.get()));
  if (!pkey)
    invalid(std::string(what) + ": unreadable PKCS#8 private key (" + openssl_error() + ")");
  return pkey;
}

PkeyPtr parse_sec1(const std::string& der, std::string_view what) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  PkeyPtr pkey(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, static_cast<long>(der.size())));
  if (!pkey || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    invalid(std::string(what) + ": not an EC private key (" + openssl_error() + ")");
  return pkey;
}

// A non-negative JSON integer within [min, max].
std::uint64_t scrypt_param(const nlohmann::json& params, const char* name, std::uint64_t min,
                           std::uint64_t max) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_number_unsigned())
    invalid(std::string("encrypted private key: scrypt parameter ") + name +
            " missing or not a non-negative integer");
  std::uint64_t v = it->get<std::uint64_t>();
  if (v < min || v > max)
    invalid(std::string("encrypted private key: scrypt parameter ") + name + " = " +
            std::to_string(v) + " outside [" + std::to_string(min) + ", " + std::to_string(max) +
            "]");
  return v;
}

std::string b64_field(const nlohmann::json& obj, const char* name, const char* where) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string())
    invalid(std::string("encrypted private key: ") + where + "." + name +
            " missing or not a string");
  auto bytes = base64_decode(it->get<std::string>());
  if (!bytes)
    invalid(std::string("encrypted private key: ") + where + "." + name + " is not valid base64");
  return *bytes;
}

const nlohmann::json& object_field(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_object())
    invalid(std::string("encrypted private key: \"") + name + "\" missing or not an object");
  return *it;
}

std::string string_field(const nlohmann::json& obj, const char* name, const char* where) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string())
    invalid(std::string("encrypted private key: ") + where + "." + name +
            " missing or not a string");
  return it->get<std::string>();
}

// cosign's encrypted key document (github.com/secure-systems-lab/go-securesystemslib
// encrypted): scrypt derives the secretbox key from the password; the plaintext is PKCS#8 DER.
std::string decrypt_cosign_key(const std::string& document, const std::string& password) {
  nlohmann::json doc = parse_untrusted_json(document, 8);
  if (!doc.is_object()) invalid("encrypted private key: not a JSON object");
  const nlohmann::json& kdf = object_field(doc, "kdf");
  const nlohmann::json& cipher = object_field(doc, "cipher");
  if (std::string name = string_field(kdf, "name", "kdf"); name != "scrypt")
    invalid("encrypted private key: unsupported key derivation \"" + name + "\" (only scrypt)");
  if (std::string name = string_field(cipher, "name", "cipher"); name != "nacl/secretbox")
    invalid("encrypted private key: unsupported cipher \"" + name + "\" (only nacl/secretbox)");
  auto params_it = kdf.find("params");
  if (params_it == kdf.end() || !params_it->is_object())
    invalid("encrypted private key: kdf.params missing or not an object");
  std::uint64_t n = scrypt_param(*params_it, "N", 2, kMaxScryptN);
  if ((n & (n - 1)) != 0)
    invalid("encrypted private key: scrypt parameter N = " + std::to_string(n) +
            " is not a power of two");
  std::uint64_t r = scrypt_param(*params_it, "r", 1, kMaxScryptR);
  std::uint64_t p = scrypt_param(*params_it, "p", 1, kMaxScryptP);
  if (128 * n * r > kMaxScryptMemory)
    invalid("encrypted private key: scrypt parameters N = " + std::to_string(n) +
            ", r = " + std::to_string(r) + " need more than 1 GiB of memory");
  std::string salt = b64_field(kdf, "salt", "kdf");
  if (salt.size() > kMaxSaltBytes) invalid("encrypted private key: salt too long");
  std::string nonce = b64_field(cipher, "nonce", "cipher");
  if (nonce.size() != crypto_secretbox_NONCEBYTES)
    invalid("encrypted private key: nonce is " + std::to_string(nonce.size()) + " bytes, not " +
            std::to_string(crypto_secretbox_NONCEBYTES));
  std::string ciphertext = b64_field(doc, "ciphertext", "document");
  if (ciphertext.size() < crypto_secretbox_MACBYTES)
    invalid("encrypted private key: ciphertext too short (" + std::to_string(ciphertext.size()) +
            " bytes, truncated?)");
  if (ciphertext.size() > kMaxCiphertextBytes)
    invalid("encrypted private key: ciphertext too long");

  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  Wipe wipe_key{key};
  if (crypto_pwhash_scryptsalsa208sha256_ll(
          reinterpret_cast<const std::uint8_t*>(password.data()), password.size(),
          reinterpret_cast<const std::uint8_t*>(salt.data()), salt.size(), n,
          static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(p),
          reinterpret_cast<std::uint8_t*>(key.data()), key.size()) != 0)
    invalid("encrypted private key: scrypt key derivation failed (out of memory?)");
  std::string plain(ciphertext.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 reinterpret_cast<const unsigned char*>(ciphertext.data()),
                                 ciphertext.size(),
                                 reinterpret_cast<const unsigned char*>(nonce.data()),
                                 reinterpret_cast<const unsigned char*>(key.data())) != 0)
    invalid(
        "encrypted private key: decryption failed: incorrect passphrase (or a damaged key file)");
  return plain;
}

}  // namespace

std::string PublicKey::pem() const {
  std::string b64 = base64_encode(der_);
  std::string out = "-----BEGIN PUBLIC KEY-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END PUBLIC KEY-----\n";
  return out;
}

std::string PublicKey::hint() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(der_.data(), der_.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw Error(ErrorCode::kInternal, "SHA-256: " + openssl_error());
  return base64_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

bool PublicKey::verify(std::string_view message, std::string_view der_signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, raw(handle)) != 1)
    throw Error(ErrorCode::kInternal, "ECDSA verify init: " + openssl_error());
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()),
                            der_signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();  // a malformed signature leaves errors behind
  return rc == 1;
}

PublicKey PrivateKey::public_key() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(raw(handle), &der);
  if (len <= 0) throw Error(ErrorCode::kInternal, "encoding the public key: " + openssl_error());
  PublicKey pub;
  pub.der_.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(pub.der_.data());
  PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, len));
  if (!pkey) throw Error(ErrorCode::kInternal, "decoding the public key: " + openssl_error());
  pub.handle = share(std::move(pkey));
  return pub;
}

std::string PrivateKey::sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, raw(handle)) != 1)
    throw Error(ErrorCode::kInternal, "ECDSA sign init: " + openssl_error());
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data, message.size()) != 1)
    throw Error(ErrorCode::kInternal, "ECDSA sign: " + openssl_error());
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                     message.size()) != 1)
    throw Error(ErrorCode::kInternal, "ECDSA sign: " + openssl_error());
  sig.resize(len);
  return sig;
}

PrivateKey load_private_key(std::string_view pem_text, const std::string& password) {
  constexpr std::string_view kWhat = "private key";
  Pem pem = decode_pem(pem_text, kWhat);
  Wipe wipe_der{pem.der};
  PkeyPtr pkey;
  if (pem.type == "ENCRYPTED SIGSTORE PRIVATE KEY" || pem.type == "ENCRYPTED COSIGN PRIVATE KEY") {
    std::string der = decrypt_cosign_key(pem.der, password);
    Wipe wipe_plain{der};
    pkey = parse_pkcs8(der, kWhat);
  } else if (pem.type == "PRIVATE KEY") {
    pkey = parse_pkcs8(pem.der, kWhat);
  } else if (pem.type == "EC PRIVATE KEY") {
    pkey = parse_sec1(pem.der, kWhat);
  } else {
    invalid("private key: unsupported PEM type \"" + pem.type +
            "\" (expected ENCRYPTED SIGSTORE PRIVATE KEY, PRIVATE KEY or EC PRIVATE KEY)");
  }
  check_p256(pkey.get(), kWhat);
  PrivateKey key;
  key.handle = share(std::move(pkey));
  return key;
}

PublicKey load_public_key(std::string_view pem_text) {
  constexpr std::string_view kWhat = "public key";
  Pem pem = decode_pem(pem_text, kWhat);
  if (pem.type != "PUBLIC KEY")
    invalid("public key: unsupported PEM type \"" + pem.type + "\" (expected PUBLIC KEY)");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(pem.der.data());
  PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(pem.der.size())));
  if (!pkey || p != reinterpret_cast<const unsigned char*>(pem.der.data()) + pem.der.size())
    invalid("public key: not a DER SubjectPublicKeyInfo (" + openssl_error() + ")");
  check_p256(pkey.get(), kWhat);
  PublicKey key;
  key.der_ = std::move(pem.der);
  key.handle = share(std::move(pkey));
  return key;
}

}  // namespace ch::cosign
