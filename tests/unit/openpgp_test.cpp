// Tests of helm/openpgp.cpp: OpenPGP keyrings (GPGME) verifying and clear-signing as Helm does.
// Against the fixture's keyrings and the .prov Helm 3.17.3 wrote.
#include "helm/openpgp.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;

const stdfs::path kFixture = stdfs::path(CH_FIXTURES_DIR) / "signatures/helm-provenance";

TEST(OpenPgpKeyring, VerifiesHelmsSignatureAndSignsWhatItVerifies) {
  PgpKeyring pub(kFixture / "pubring.gpg");
  PgpVerified v = pub.verify_clear(testing::read(kFixture / "my-app-1.0.0.tgz.prov"));
  EXPECT_EQ(v.fingerprint, "9664A16B5C122EFF6E995FEC7E9D7D1FCA2BF0BC");
  ASSERT_EQ(v.uids.size(), 1u);
  EXPECT_EQ(v.uids[0], "Chart Signer <signer@example.com>");
  EXPECT_NE(v.plaintext.find("files:\n  my-app-1.0.0.tgz: sha256:"), std::string::npos);

  PgpKeyring sec(kFixture / "secring.gpg");
  sec.select_signer("Chart Signer");
  std::string text = "name: x\n\n...\nfiles:\n  x-1.tgz: sha256:00\n- dashed line\n";
  std::string signed_text = sec.clear_sign(text, std::nullopt);
  EXPECT_EQ(signed_text.rfind("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n", 0), 0u)
      << signed_text;
  PgpVerified back = pub.verify_clear(signed_text);
  EXPECT_EQ(back.plaintext, text);
  EXPECT_EQ(back.fingerprint, "9664A16B5C122EFF6E995FEC7E9D7D1FCA2BF0BC");

  // One changed byte of the signed text: the signature no longer holds.
  std::string tampered = signed_text;
  tampered.replace(tampered.find("name: x"), 7, "name: y");
  try {
    pub.verify_clear(tampered);
    FAIL() << "a changed text verified";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("openpgp: invalid signature", 0), 0u) << e.what();
  }
  EXPECT_THROW(pub.verify_clear("no signature here"), Error);
}

TEST(OpenPgpKeyring, KeyringErrorsAndPublicOnlyKeys) {
  fs::TempDir tmp;
  EXPECT_THROW(PgpKeyring(tmp.path() / "missing.gpg"), Error);
  testing::write(tmp.path() / "junk.gpg", "not a keyring\n");
  EXPECT_THROW(PgpKeyring(tmp.path() / "junk.gpg"), Error);
  PgpKeyring pub(kFixture / "pubring.gpg");
  try {
    pub.select_signer("Chart Signer");
    FAIL() << "a public key was taken for signing";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "provided key is not a private key. Try providing a keyring with secret keys");
  }
  try {
    pub.select_signer("nobody");
    FAIL() << "an unknown name chose a key";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "private key not found");
  }
}

TEST(OpenPgpKeyring, PrivateHomeIsRemovedAndTheUsersIsNotTouched) {
  fs::TempDir tmp;
  auto count_homes = [&] {
    int n = 0;
    for (const auto& e : stdfs::directory_iterator(tmp.path()))
      n += e.path().filename().string().rfind("ch-gpg-", 0) == 0 ? 1 : 0;
    return n;
  };
  const char* old_tmp = std::getenv("TMPDIR");
  std::string saved = old_tmp != nullptr ? old_tmp : "";
  setenv("TMPDIR", tmp.path().c_str(), 1);
  {
    PgpKeyring sec(kFixture / "secring.gpg");
    EXPECT_EQ(count_homes(), 1);
    sec.select_signer("signer@example.com");
    sec.clear_sign("a\n", std::nullopt);
  }
  EXPECT_EQ(count_homes(), 0);
  if (old_tmp != nullptr)
    setenv("TMPDIR", saved.c_str(), 1);
  else
    unsetenv("TMPDIR");
}

}  // namespace
}  // namespace ch::helm
