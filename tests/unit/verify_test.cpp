// Tests of actions/verify.cpp: `helm verify` of a chart archive against its .prov and a keyring.
// Against the archive, .prov and keyrings of tests/fixtures/signatures/helm-provenance/.
#include "actions/verify.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"
#include "unit_helpers.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;

const stdfs::path kFixture = stdfs::path(CH_FIXTURES_DIR) / "signatures/helm-provenance";
const char* kFingerprint = "9664A16B5C122EFF6E995FEC7E9D7D1FCA2BF0BC";

// The message and code of the Error verify_chart throws, or "" when it verifies.
std::string verify_error(const stdfs::path& archive, const stdfs::path& keyring,
                         ErrorCode* code = nullptr) {
  try {
    actions::verify_chart(archive, keyring);
  } catch (const Error& e) {
    if (code != nullptr) *code = e.code();
    return e.what();
  }
  return "";
}

TEST(Verify, HelmSignedChartVerifiesWithThePublicKeyring) {
  stdfs::path archive = kFixture / "my-app-1.0.0.tgz";
  actions::Verification v = actions::verify_chart(archive, kFixture / "pubring.gpg");
  EXPECT_EQ(v.signed_by, std::vector<std::string>{"Chart Signer <signer@example.com>"});
  EXPECT_EQ(v.fingerprint, kFingerprint);
  EXPECT_EQ(v.file_hash, digest_of_file(archive).str());
  EXPECT_EQ(v.file_name, "my-app-1.0.0.tgz");
  EXPECT_EQ(actions::verification_lines(v),
            "Signed by: Chart Signer <signer@example.com>\n"
            "Using Key With Fingerprint: " +
                std::string(kFingerprint) + "\nChart Hash Verified: " + v.file_hash + "\n");
  // The secret keyring holds the same key.
  EXPECT_EQ(actions::verify_chart(archive, kFixture / "secring.gpg").fingerprint, kFingerprint);
}

TEST(Verify, WhatIsNotASignedTgzGetsHelmsMessages) {
  fs::TempDir tmp;
  stdfs::path ring = kFixture / "pubring.gpg";
  ErrorCode code{};
  EXPECT_EQ(verify_error(tmp.path() / "none.tgz", ring, &code),
            "stat " + (tmp.path() / "none.tgz").string() + ": no such file or directory");
  EXPECT_EQ(code, ErrorCode::kNotFound);
  EXPECT_EQ(verify_error(tmp.path(), ring), "unpacked charts cannot be verified");
  testing::write(tmp.path() / "chart.tar.gz", "x");
  EXPECT_EQ(verify_error(tmp.path() / "chart.tar.gz", ring), "chart must be a tgz file");
  // The extension is compared case-insensitively, as Helm's isTar does.
  stdfs::copy_file(kFixture / "my-app-1.0.0.tgz", tmp.path() / "my-app-1.0.0.TGZ");
  EXPECT_EQ(verify_error(tmp.path() / "my-app-1.0.0.TGZ", ring),
            "could not load provenance file " + (tmp.path() / "my-app-1.0.0.TGZ.prov").string() +
                ": stat " + (tmp.path() / "my-app-1.0.0.TGZ.prov").string() +
                ": no such file or directory");
  EXPECT_EQ(verify_error(kFixture / "my-app-1.0.0.tgz", tmp.path() / "missing.gpg")
                .rfind("failed to load keyring: ", 0),
            0u);
}

TEST(Verify, AChangedArchiveOrProvenanceFails) {
  fs::TempDir tmp;
  stdfs::path archive = tmp.path() / "my-app-1.0.0.tgz";
  stdfs::copy_file(kFixture / "my-app-1.0.0.tgz.prov", tmp.path() / "my-app-1.0.0.tgz.prov");
  testing::write(archive, testing::read(kFixture / "my-app-1.0.0.tgz") + "x");
  ErrorCode code{};
  std::string e = verify_error(archive, kFixture / "pubring.gpg", &code);
  EXPECT_EQ(code, ErrorCode::kDigestMismatch) << e;
  EXPECT_EQ(e.rfind("sha256 sum does not match for my-app-1.0.0.tgz", 0), 0u) << e;

  // The archive renamed: the .prov names another file.
  stdfs::path renamed = tmp.path() / "other-1.0.0.tgz";
  stdfs::copy_file(kFixture / "my-app-1.0.0.tgz", renamed);
  stdfs::copy_file(kFixture / "my-app-1.0.0.tgz.prov", tmp.path() / "other-1.0.0.tgz.prov");
  EXPECT_NE(verify_error(renamed, kFixture / "pubring.gpg"), "");

  // One byte of the signed text changed.
  std::string prov = testing::read(kFixture / "my-app-1.0.0.tgz.prov");
  prov.replace(prov.find("name: my-app"), 12, "name: my-apq");
  testing::write(archive, testing::read(kFixture / "my-app-1.0.0.tgz"));
  testing::write(tmp.path() / "my-app-1.0.0.tgz.prov", prov);
  e = verify_error(archive, kFixture / "pubring.gpg");
  EXPECT_EQ(e.rfind("openpgp: invalid signature", 0), 0u) << e;
}

TEST(Verify, DefaultKeyringIsGnupgsPubring) {
  {
    testing::ScopedEnv gnupg("GNUPGHOME", "/keys");
    EXPECT_EQ(actions::default_keyring(), "/keys/pubring.gpg");
  }
  testing::ScopedEnv gnupg("GNUPGHOME", std::nullopt);
  testing::ScopedEnv home("HOME", "/home/u");
  EXPECT_EQ(actions::default_keyring(), "/home/u/.gnupg/pubring.gpg");
}

}  // namespace
}  // namespace ch
