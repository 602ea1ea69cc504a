// Tests of server/auth/jwt.cpp: ES256 JWTs, their claims, and the token signing key file.
#include "server/auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth_test_helpers.hpp"
#include "base/base64.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"

namespace ch::server::auth {
namespace {

using namespace test_support;
using json = nlohmann::json;

TEST(Jwt, RoundTripKeepsClaimsAndHeader) {
  auto key = SigningKey::generate();
  auto t = now();
  std::string token = key.sign(sample_claims(t));
  json header = jwt_part(token, 0);
  EXPECT_EQ(header, json({{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.key_id()}}));
  EXPECT_EQ(key.key_id().size(), 43u);  // base64url of a SHA-256 thumbprint
  Claims c = key.verify(token);
  EXPECT_EQ(c.issuer, "charthouse");
  EXPECT_EQ(c.subject, "alice");
  EXPECT_EQ(c.audience, "charthouse");
  EXPECT_EQ(c.expires_at, t + 300);
  EXPECT_EQ(c.not_before, t);
  EXPECT_EQ(c.issued_at, t);
  ASSERT_EQ(c.access.size(), 1u);
  EXPECT_EQ(c.access[0].str(), "repository:team/app:pull,push");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t), "");
  // The signature is raw r||s (64 bytes), not DER.
  auto sig = base64url_decode(token.substr(token.rfind('.') + 1));
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->size(), 64u);
}

TEST(Jwt, TamperedPayloadOrSignatureIsRejected) {
  auto key = SigningKey::generate();
  std::string token = key.sign(sample_claims(now()));
  size_t d1 = token.find('.'), d2 = token.rfind('.');

  Claims evil = sample_claims(now());
  evil.access = {scope("repository:team/app:pull,push,delete")};
  std::string other = key.sign(evil);
  std::string swapped = token.substr(0, d1) +
                        other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                        token.substr(d2);
  EXPECT_THROW(key.verify(swapped), Error);

  std::string flipped = token;
  char& c = flipped[d2 + 5];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_THROW(key.verify(flipped), Error);

  EXPECT_THROW(key.verify(token.substr(0, d2)), Error);
  EXPECT_THROW(key.verify(token + "x"), Error);
  // Signed by another key.
  EXPECT_THROW(SigningKey::generate().verify(token), Error);
  // alg "none".
  std::string none =
      base64url_encode(R"({"alg":"none","typ":"JWT"})") + token.substr(d1, d2 - d1) + ".";
  try {
    key.verify(none);
    FAIL() << "accepted alg none";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ES256"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(key.verify(token));
}

TEST(Jwt, ExpiredWrongAudienceOrIssuerRejected) {
  auto key = SigningKey::generate();
  auto t = now();
  Claims c = key.verify(key.sign(sample_claims(t)));
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t + 299), "");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t + 300), "token has expired");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t + 310, 30), "");
  EXPECT_EQ(check_claims(c, "charthouse", "charthouse", t - 1), "token is not valid yet");
  EXPECT_EQ(check_claims(c, "charthouse", "other-registry", t), "token for another service");
  EXPECT_EQ(check_claims(c, "someone-else", "charthouse", t), "token from another issuer");
}

TEST(SigningKeyFile, GeneratedWithMode0600AndReused) {
  fs::TempDir dir;
  auto file = dir.path() / "keys" / "token.pem";
  auto first = SigningKey::load_or_create(file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(testing::read(file).find("BEGIN PRIVATE KEY"), std::string::npos);
  auto second = SigningKey::load_or_create(file);
  EXPECT_EQ(first.key_id(), second.key_id());
  EXPECT_NO_THROW(second.verify(first.sign(sample_claims(now()))));
  // No temporary files left next to it.
  EXPECT_EQ(testing::list_files(dir.path()), std::vector<std::string>{"keys/token.pem"});
}

TEST(SigningKeyFile, RejectsGarbageAndOtherCurves) {
  fs::TempDir dir;
  testing::write(dir.path() / "garbage.pem", "not a key\n");
  EXPECT_THROW(SigningKey::load_or_create(dir.path() / "garbage.pem"), Error);
  EVP_PKEY* p384 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  ASSERT_NE(p384, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, p384, nullptr, nullptr, 0, nullptr, nullptr);
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio, &mem);
  std::string pem(mem->data, mem->length);
  BIO_free(bio);
  EVP_PKEY_free(p384);
  try {
    SigningKey::from_pem(pem, "p384.pem");
    FAIL() << "accepted P-384";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p384.pem: EC key is not on curve P-256"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ch::server::auth
