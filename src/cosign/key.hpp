// ECDSA P-256 keys as cosign and skopeo write them, and signatures over SHA-256 with them.
// Private keys: cosign's encrypted PEM ("ENCRYPTED SIGSTORE PRIVATE KEY", older "ENCRYPTED
// COSIGN PRIVATE KEY": scrypt-derived key, NaCl secretbox around PKCS#8 DER) and plain PKCS#8
// ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM. Public keys: SPKI PEM ("PUBLIC KEY").
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace ch::cosign {

class PublicKey {
 public:
  // DER SubjectPublicKeyInfo.
  const std::string& der() const { return der_; }
  std::string pem() const;
  // The key hint Sigstore bundles carry (verificationMaterial.publicKey.hint): standard
  // base64 of SHA-256 over the DER SubjectPublicKeyInfo, as cosign writes it.
  std::string hint() const;
  // DER ECDSA signature over SHA-256(message).
  bool verify(std::string_view message, std::string_view der_signature) const;

  std::shared_ptr<void> handle;  // EVP_PKEY

 private:
  friend PublicKey load_public_key(std::string_view pem);
  friend class PrivateKey;
  std::string der_;
};

class PrivateKey {
 public:
  PublicKey public_key() const;
  // DER ECDSA signature over SHA-256(message).
  std::string sign(std::string_view message) const;

  std::shared_ptr<void> handle;  // EVP_PKEY
};

// Throws Error(kInvalidArgument, "...") with a reason a person can act on: not PEM, an
// unsupported key type or curve (only ECDSA P-256), "incorrect passphrase" for a wrong
// password of an encrypted key, a malformed encrypted-key document (bounded sizes; scrypt
// parameters limited to N <= 2^20 (a power of two), r <= 32, p <= 16 and 128·N·r <= 1 GiB so
// a hostile file cannot exhaust memory; PEM at most 64 KiB). A password is ignored for
// unencrypted keys.
PrivateKey load_private_key(std::string_view pem, const std::string& password);
PublicKey load_public_key(std::string_view pem);

}  // namespace ch::cosign
