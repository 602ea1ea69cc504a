// Tests of base/openssl.cpp: OpenSSL's error queue as text.
#include "base/openssl.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <string>

namespace ch {
namespace {

TEST(OpenSsl, LastErrorIsTheQueuedErrorAsTextThenNothing) {
  ERR_clear_error();
  EXPECT_EQ(ossl::last_error(), "unknown OpenSSL error");
  ossl::BioPtr bio(BIO_new_mem_buf("not a key", -1));
  ossl::PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_EQ(key, nullptr);
  std::string error = ossl::last_error();
  EXPECT_NE(error, "unknown OpenSSL error");
  EXPECT_NE(error.find("error:"), std::string::npos) << error;
  EXPECT_EQ(ossl::last_error(), "unknown OpenSSL error") << "the queue is cleared";
}

}  // namespace
}  // namespace ch
