// Tests of actions/signature.cpp: the public keys `verify --key` loads (signing and verifying
// against a registry are run by the integration tests).
#include "actions/signature.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;

const stdfs::path kFixture = stdfs::path(CH_FIXTURES_DIR) / "signatures/cosign-skopeo";

std::string load_error(const std::vector<stdfs::path>& files) {
  try {
    actions::load_public_keys(files);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

TEST(SignatureKeys, EveryFileGivenIsLoadedInOrder) {
  auto keys = actions::load_public_keys({kFixture / "pub.pem", kFixture / "pub.pem"});
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].pem(), testing::read(kFixture / "pub.pem"));
  EXPECT_EQ(keys[0].der(), keys[1].der());
}

TEST(SignatureKeys, ErrorsNameTheFile) {
  fs::TempDir tmp;
  EXPECT_EQ(load_error({}), "a public key (--key) is required");
  EXPECT_EQ(load_error({kFixture / "pub.pem", tmp.path() / "missing.pub"})
                .rfind("public key " + (tmp.path() / "missing.pub").string() + ": ", 0),
            0u);
  testing::write(tmp.path() / "junk.pub", "not a key\n");
  EXPECT_EQ(load_error({tmp.path() / "junk.pub"})
                .rfind("public key " + (tmp.path() / "junk.pub").string() + ": ", 0),
            0u);
  // A private key is not a public key.
  EXPECT_NE(load_error({kFixture / "key.pkcs8.pem"}).find("unsupported PEM type"),
            std::string::npos);
}

}  // namespace
}  // namespace ch
