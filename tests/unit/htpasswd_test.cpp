// Tests of server/auth/htpasswd.cpp: users and bcrypt hashes from an htpasswd file.
#include "server/auth/htpasswd.hpp"

#include <gtest/gtest.h>

#include <string>

#include "auth_test_helpers.hpp"
#include "base/error.hpp"
#include "base/file.hpp"

namespace ch::server::auth {
namespace {

using namespace test_support;

TEST(Htpasswd, VerifiesBcryptHashesMadeByCrypt) {
  auto h =
      Htpasswd::parse("alice:" + bcrypt("s3cret") + "\nbob:" + bcrypt("hunter2", "$2y$") + "\n");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_TRUE(h.verify("alice", "s3cret"));
  EXPECT_TRUE(h.verify("bob", "hunter2"));
}

TEST(Htpasswd, AcceptsLinesWrittenByApacheHtpasswd) {
  // `htpasswd -B -b -c users alice 'p@ss:w0rd'` (apache2-utils 2.4).
  auto h = Htpasswd::parse("alice:$2y$05$OB95P4MivL8YyLYKpsKAcutZTaMHNlcnEEmtY/XDd9Kz6mCpb2Kje\n");
  EXPECT_TRUE(h.verify("alice", "p@ss:w0rd"));
  EXPECT_FALSE(h.verify("alice", "p@ss:w0rD"));
}

TEST(Htpasswd, RejectsWrongPasswordAndUnknownUser) {
  auto h = Htpasswd::parse("alice:" + bcrypt("s3cret") + "\n");
  EXPECT_FALSE(h.verify("alice", "s3cret2"));
  EXPECT_FALSE(h.verify("alice", ""));
  EXPECT_FALSE(h.verify("bob", "s3cret"));
  EXPECT_FALSE(h.contains("bob"));
  EXPECT_TRUE(h.contains("alice"));
}

TEST(Htpasswd, SkipsCommentsBlankLinesAndCarriageReturns) {
  auto h = Htpasswd::parse("# users\n\nalice:" + bcrypt("pw") + "\r\n   \n");
  EXPECT_EQ(h.size(), 1u);
  EXPECT_TRUE(h.verify("alice", "pw"));
}

TEST(Htpasswd, MalformedLineNamesFileAndLine) {
  try {
    Htpasswd::parse("alice:" + bcrypt("pw") + "\njustaname\n", "users.htpasswd");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("users.htpasswd:2: malformed htpasswd line"),
              std::string::npos)
        << e.what();
  }
}

TEST(Htpasswd, RejectsOtherHashSchemesAtLoad) {
  for (std::string hash : {"$apr1$abcdefgh$0123456789abcdefghijkl",
                           "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "plaintext", "$1$salt$hash"}) {
    try {
      Htpasswd::parse("carol:" + hash + "\n", "f");
      FAIL() << "accepted " << hash;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("f:1: user \"carol\": unsupported password hash scheme"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(Htpasswd::parse("carol:$2y$05$tooshort\n"), Error);
}

TEST(Htpasswd, RejectsDuplicateUsersAndMissingFile) {
  std::string line = "alice:" + bcrypt("pw") + "\n";
  EXPECT_THROW(Htpasswd::parse(line + line), Error);
  fs::TempDir dir;
  try {
    Htpasswd::load(dir.path() / "missing");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read htpasswd file"), std::string::npos);
  }
}

TEST(Htpasswd, BcryptHashShapeIsCheckedBeforeCrypt) {
  std::string h = bcrypt("pw");
  EXPECT_TRUE(is_bcrypt_hash(h));
  EXPECT_EQ(h.size(), 60u);
  EXPECT_TRUE(is_bcrypt_hash("$2y$05$OB95P4MivL8YyLYKpsKAcutZTaMHNlcnEEmtY/XDd9Kz6mCpb2Kje"));
  std::string body = h.substr(7);
  for (const std::string& bad :
       {std::string("$2x$04$") + body, std::string("$2y$03$") + body, std::string("$2y$32$") + body,
        std::string("$2y$4a$") + body, std::string("$2y$04") + body + "x",
        std::string("$2y$04$") + body.substr(1), std::string("$2y$04$") + body + "A",
        std::string("$2y$04$") + body.substr(1) + "!", std::string("")})
    EXPECT_FALSE(is_bcrypt_hash(bad)) << bad;
  EXPECT_TRUE(is_bcrypt_hash("$2a$31$" + body));
}

TEST(Htpasswd, BcryptVerifyRefusesNulAndMalformedHashes) {
  std::string h = bcrypt("secret");
  EXPECT_TRUE(bcrypt_verify("secret", h));
  EXPECT_FALSE(bcrypt_verify("secreT", h));
  EXPECT_FALSE(bcrypt_verify(std::string("secret\0tail", 11), h));
  EXPECT_FALSE(bcrypt_verify("secret", h.substr(0, 59)));
  EXPECT_FALSE(bcrypt_verify("secret", "$apr1$abcdefgh$0123456789abcdefghijkl"));
  // The hash as stored is used as is: whatever follows the 60 characters is not ignored.
  EXPECT_FALSE(bcrypt_verify("secret", h + "x"));
}

TEST(Htpasswd, HashOfAUserAndMalformedBcrypt) {
  std::string h = bcrypt("pw");
  auto file = Htpasswd::parse("alice:" + h + "\n");
  ASSERT_NE(file.hash("alice"), nullptr);
  EXPECT_EQ(*file.hash("alice"), h);
  EXPECT_EQ(file.hash("bob"), nullptr);
  try {
    Htpasswd::parse("# c\nbob:$2y$05$short\n", "users");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(std::string(e.what()), "users:2: user \"bob\": malformed bcrypt hash");
  }
}

}  // namespace
}  // namespace ch::server::auth
