#include "server/auth/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/json_limits.hpp"
#include "base/openssl.hpp"

namespace ch::server::auth {

namespace {

using json = nlohmann::ordered_json;

constexpr size_t kCoordBytes = 32;            // P-256
constexpr size_t kMaxTokenBytes = 64 * 1024;  // far above any token we issue
constexpr std::uint64_t kMaxKeyFileBytes = 1 << 20;

using ossl::BioPtr;
using ossl::BnPtr;
using ossl::MdCtxPtr;
using ossl::PkeyPtr;
using ossl::SigPtr;

std::string openssl_error() {
  return ossl::last_error();
}

[[noreturn]] void invalid_token(const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument, "invalid token: " + why);
}

std::string coordinate(EVP_PKEY* pkey, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &raw) != 1)
    throw Error(ErrorCode::kInternal, "reading EC public key: " + openssl_error());
  BnPtr bn(raw);
  std::string out(kCoordBytes, '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), kCoordBytes) < 0)
    throw Error(ErrorCode::kInternal, "EC coordinate too large");
  return out;
}

// RFC 7638 thumbprint: members in lexicographic order, no whitespace.
std::string thumbprint(EVP_PKEY* pkey) {
  std::string jwk = R"({"crv":"P-256","kty":"EC","x":")" +
                    base64url_encode(coordinate(pkey, OSSL_PKEY_PARAM_EC_PUB_X)) + R"(","y":")" +
                    base64url_encode(coordinate(pkey, OSSL_PKEY_PARAM_EC_PUB_Y)) + R"("})";
  Digest d = digest_of(jwk);
  std::string bytes;
  for (size_t i = 0; i < d.hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(d.hex.substr(i, 2), nullptr, 16)));
  return base64url_encode(bytes);
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

const std::string* get_string(const json& obj, const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) invalid_token(std::string("missing claim \"") + key + "\"");
    return nullptr;
  }
  if (!it->is_string()) invalid_token(std::string("claim \"") + key + "\" is not a string");
  return it->get_ptr<const std::string*>();
}

std::int64_t get_time(const json& obj, const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) invalid_token(std::string("missing claim \"") + key + "\"");
    return 0;
  }
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (d > -9e15 && d < 9e15) return static_cast<std::int64_t>(d);
  }
  invalid_token(std::string("claim \"") + key + "\" is not a number");
}

Claims claims_from_json(const json& p) {
  if (!p.is_object()) invalid_token("claims are not a JSON object");
  Claims c;
  if (auto s = get_string(p, "iss", false)) c.issuer = *s;
  if (auto s = get_string(p, "sub", false)) c.subject = *s;
  if (auto s = get_string(p, "jti", false)) c.jwt_id = *s;
  if (auto s = get_string(p, "token_use", false)) c.token_use = *s;
  if (auto it = p.find("aud"); it != p.end()) {
    if (it->is_string()) {
      c.audience = it->get<std::string>();
    } else if (it->is_array() && it->size() == 1 && (*it)[0].is_string()) {
      c.audience = (*it)[0].get<std::string>();
    } else {
      invalid_token("claim \"aud\" is not a single audience");
    }
  }
  c.expires_at = get_time(p, "exp", true);
  c.not_before = get_time(p, "nbf", false);
  c.issued_at = get_time(p, "iat", false);
  if (auto it = p.find("access"); it != p.end() && !it->is_null()) {
    if (!it->is_array()) invalid_token("claim \"access\" is not a list");
    for (const auto& a : *it) {
      if (!a.is_object()) invalid_token("an \"access\" entry is not an object");
      Scope s;
      s.type = *get_string(a, "type", true);
      s.name = *get_string(a, "name", true);
      auto acts = a.find("actions");
      if (acts != a.end() && !acts->is_null()) {
        if (!acts->is_array()) invalid_token("\"actions\" is not a list");
        for (const auto& x : *acts) {
          if (!x.is_string()) invalid_token("an action is not a string");
          s.actions.push_back(x.get<std::string>());
        }
      }
      c.access.push_back(std::move(s));
    }
  }
  return c;
}

json claims_to_json(const Claims& c) {
  json p = json::object();
  p["iss"] = c.issuer;
  p["sub"] = c.subject;
  p["aud"] = c.audience;
  p["exp"] = c.expires_at;
  p["nbf"] = c.not_before;
  p["iat"] = c.issued_at;
  p["jti"] = c.jwt_id;
  if (!c.token_use.empty()) {
    p["token_use"] = c.token_use;
  } else {
    json access = json::array();
    for (const auto& s : c.access)
      access.push_back(json{{"type", s.type}, {"name", s.name}, {"actions", s.actions}});
    p["access"] = std::move(access);
  }
  return p;
}

PkeyPtr check_p256(EVP_PKEY* raw, std::string_view source) {
  PkeyPtr pkey(raw);
  if (!EVP_PKEY_is_a(pkey.get(), "EC"))
    throw Error(ErrorCode::kInvalidArgument,
                std::string(source) + ": not an EC key (ES256 needs a P-256 EC private key)");
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &len) != 1 ||
      std::string_view(group, len) != "prime256v1")
    throw Error(ErrorCode::kInvalidArgument,
                std::string(source) + ": EC key is not on curve P-256 (ES256 needs P-256)");
  return pkey;
}

}  // namespace

struct SigningKey::Impl {
  PkeyPtr pkey;
  std::string kid;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->kid = thumbprint(impl_->pkey.get());
}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::generate() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (raw == nullptr)
    throw Error(ErrorCode::kInternal, "generating a P-256 key: " + openssl_error());
  auto impl = std::make_unique<Impl>();
  impl->pkey.reset(raw);
  return SigningKey(std::move(impl));
}

SigningKey SigningKey::from_pem(std::string_view pem, std::string_view source) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw Error(ErrorCode::kInternal, "BIO_new_mem_buf failed");
  // A callback that supplies no passphrase: an encrypted key fails instead of prompting.
  auto no_pass = [](char*, int, int, void*) -> int { return 0; };
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass, nullptr);
  if (raw == nullptr) {
    std::string why = openssl_error();
    throw Error(ErrorCode::kInvalidArgument,
                std::string(source) + ": not an unencrypted PEM private key (" + why + ")");
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey = check_p256(raw, source);
  return SigningKey(std::move(impl));
}

SigningKey SigningKey::load_or_create(const std::filesystem::path& file) {
  auto load = [&] { return from_pem(fs::read_file(file, kMaxKeyFileBytes), file.string()); };
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) return load();
  if (errno != ENOENT) throw_errno("stat " + file.string());

  SigningKey key = generate();
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  fs::AtomicFile out(file, 0600);
  out.write(key.private_pem());
  if (::fsync(out.fd()) != 0) throw_errno("fsync " + out.temp_path().string());
  // link(2) publishes the complete file under its name but never replaces one that another
  // process created meanwhile; that one wins and is used. The temporary name is removed when
  // `out` goes away uncommitted.
  if (::link(out.temp_path().c_str(), file.c_str()) == 0) return key;
  if (errno == EEXIST) return load();
  if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) {
    out.commit();  // a file system without hard links: rename instead
    return key;
  }
  throw_errno("link " + out.temp_path().string() + " to " + file.string());
}

std::string SigningKey::private_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1)
    throw Error(ErrorCode::kInternal, "writing PEM key: " + openssl_error());
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio.get(), &mem);
  return std::string(mem->data, mem->length);
}

const std::string& SigningKey::key_id() const {
  return impl_->kid;
}

std::string SigningKey::sign(const Claims& claims) const {
  json header = json::object();
  header["alg"] = "ES256";
  header["typ"] = "JWT";
  header["kid"] = impl_->kid;
  std::string input =
      base64url_encode(dump(header)) + "." + base64url_encode(dump(claims_to_json(claims)));

  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t der_len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw Error(ErrorCode::kInternal, "signing token: " + openssl_error());
  std::string der(der_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw Error(ErrorCode::kInternal, "signing token: " + openssl_error());

  // DER ECDSA-Sig-Value -> JWS r||s, each left-padded to 32 bytes.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) throw Error(ErrorCode::kInternal, "decoding ECDSA signature: " + openssl_error());
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(2 * kCoordBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kCoordBytes) < 0 || BN_bn2binpad(s, out + kCoordBytes, kCoordBytes) < 0)
    throw Error(ErrorCode::kInternal, "ECDSA signature too large");
  return input + "." + base64url_encode(raw);
}

Claims SigningKey::verify(std::string_view token) const {
  if (token.size() > kMaxTokenBytes) invalid_token("too long");
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    invalid_token("not a JWS compact serialization (want header.payload.signature)");
  std::string_view input = token.substr(0, dot2);
  auto header_text = base64url_decode(token.substr(0, dot1));
  auto payload_text = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto raw_sig = base64url_decode(token.substr(dot2 + 1));
  if (!header_text || !payload_text || !raw_sig) invalid_token("malformed base64url");

  json header;
  try {
    header = parse_untrusted_json(*header_text);
  } catch (const Error&) {
    invalid_token("header is not JSON");
  }
  if (!header.is_object()) invalid_token("header is not a JSON object");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || *alg != "ES256")
    invalid_token("unsupported signing algorithm (want ES256)");
  if (auto typ = header.find("typ"); typ != header.end() && *typ != "JWT")
    invalid_token("header \"typ\" is not JWT");
  if (header.contains("crit")) invalid_token("unsupported critical header parameters");
  auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string() || *kid != impl_->kid)
    invalid_token("signed by an unknown key");

  if (raw_sig->size() != 2 * kCoordBytes) invalid_token("bad signature length");
  const auto* rs = reinterpret_cast<const unsigned char*>(raw_sig->data());
  SigPtr sig(ECDSA_SIG_new());
  BnPtr r(BN_bin2bn(rs, kCoordBytes, nullptr));
  BnPtr s(BN_bin2bn(rs + kCoordBytes, kCoordBytes, nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
    throw Error(ErrorCode::kInternal, "building ECDSA signature: " + openssl_error());
  r.release();  // owned by sig now
  s.release();
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) throw Error(ErrorCode::kInternal, "encoding ECDSA signature");
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owner(
      der, [](unsigned char* d) { OPENSSL_free(d); });

  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->pkey.get()) != 1)
    throw Error(ErrorCode::kInternal, "verifying token: " + openssl_error());
  int ok = EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_len),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size());
  ERR_clear_error();
  if (ok != 1) invalid_token("bad signature");

  json payload;
  try {
    payload = parse_untrusted_json(*payload_text);
  } catch (const Error&) {
    invalid_token("claims are not JSON");
  }
  return claims_from_json(payload);
}

std::string check_claims(const Claims& claims, std::string_view issuer, std::string_view audience,
                         std::int64_t now, std::int64_t leeway_seconds) {
  if (claims.issuer != issuer) return "token from another issuer";
  if (claims.audience != audience) return "token for another service";
  if (now >= claims.expires_at + leeway_seconds) return "token has expired";
  if (now < claims.not_before - leeway_seconds) return "token is not valid yet";
  return {};
}

}  // namespace ch::server::auth
