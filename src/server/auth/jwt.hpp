// JSON Web Tokens of the token auth flow, signed ES256 (ECDSA P-256 + SHA-256, RFC 7518
// §3.4) with OpenSSL 3: header {"alg":"ES256","typ":"JWT","kid":<key id>}, claims iss, sub,
// aud, exp, nbf, iat, jti and access:[{type,name,actions}] (distribution
// docs/spec/auth/jwt.md). The key id is the RFC 7638 JWK thumbprint of the public key.
// Refresh tokens are JWTs too, told apart by the claim "token_use":"refresh".
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/scope.hpp"

namespace ch::server::auth {

struct Claims {
  std::string issuer;    // iss
  std::string subject;   // sub: user name, empty for anonymous
  std::string audience;  // aud: the service
  std::string jwt_id;    // jti
  std::int64_t issued_at = 0, not_before = 0, expires_at = 0;  // iat, nbf, exp (Unix seconds)
  std::vector<Scope> access;                                   // access
  std::string token_use;  // "" for access tokens, "refresh" for refresh tokens
};

// A P-256 private key that signs and verifies tokens. Safe to use from many threads.
class SigningKey {
 public:
  static SigningKey generate();
  // Throws Error(kInvalidArgument) unless `pem` holds an unencrypted P-256 private key.
  static SigningKey from_pem(std::string_view pem, std::string_view source = "key");
  // Loads the key file; when it does not exist, generates a key and writes it there (PEM,
  // mode 0600) atomically and without replacing a file another process wrote meanwhile.
  static SigningKey load_or_create(const std::filesystem::path& file);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  std::string private_pem() const;  // PKCS#8 PEM
  const std::string& key_id() const;

  // The compact JWS of `claims`.
  std::string sign(const Claims& claims) const;
  // Checks the token's form, its header (alg ES256, typ JWT if present, our kid) and its
  // signature, and returns its claims. Does not look at times or audience (check_claims).
  // Throws Error(kInvalidArgument) saying what is wrong.
  Claims verify(std::string_view token) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Empty when the claims are acceptable at `now`: issuer and audience match, nbf - leeway <= now
// < exp + leeway. Otherwise the reason ("token has expired", ...).
std::string check_claims(const Claims& claims, std::string_view issuer, std::string_view audience,
                         std::int64_t now, std::int64_t leeway_seconds = 0);

}  // namespace ch::server::auth
