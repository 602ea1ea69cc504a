// Owning pointers for the OpenSSL objects charthouse uses, and OpenSSL's last error as text.
// For the code that signs and verifies (JWTs, cosign keys) and hashes.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace ch::ossl {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  void operator()(BIO* b) const { BIO_free(b); }
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free>;
using BioPtr = std::unique_ptr<BIO, Free>;
using SigPtr = std::unique_ptr<ECDSA_SIG, Free>;
using BnPtr = std::unique_ptr<BIGNUM, Free>;

// The oldest error of this thread's OpenSSL error queue as text (then clears the queue);
// "unknown OpenSSL error" when it is empty.
std::string last_error();

}  // namespace ch::ossl
