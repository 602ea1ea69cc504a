// Tests of helm/provenance.cpp: the provenance message block against the .prov Helm 3.17.3
// wrote (the OpenPGP side is tested in openpgp_test.cpp).
#include "helm/provenance.hpp"

#include <gtest/gtest.h>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/loader.hpp"
#include "testing.hpp"

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;

const stdfs::path kFixture = stdfs::path(CH_FIXTURES_DIR) / "signatures/helm-provenance";

// The signed text of a clear-signed message, as Go's clearsign.Decode returns it (every
// line with its '\n', dash-escapes removed).
std::string clear_signed_body(const std::string& prov) {
  auto start = prov.find("\n\n");
  auto end = prov.find("\n-----BEGIN PGP SIGNATURE-----");
  EXPECT_NE(start, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  std::string body = prov.substr(start + 2, end + 1 - (start + 2));
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    std::string line = body.substr(pos, nl - pos);
    if (line.rfind("- ", 0) == 0) line = line.substr(2);
    out += line + "\n";
    pos = nl + 1;
  }
  return out;
}

TEST(ProvenanceMessage, MessageIsByteForByteWhatHelmSigned) {
  std::string prov = testing::read(kFixture / "my-app-1.0.0.tgz.prov");
  Chart c = load_archive_file(kFixture / "my-app-1.0.0.tgz");
  std::string mine = provenance_message(c.metadata.to_yaml(), "my-app-1.0.0.tgz",
                                        digest_of_file(kFixture / "my-app-1.0.0.tgz").hex);
  EXPECT_EQ(mine, clear_signed_body(prov));
}

TEST(ProvenanceMessage, MessageOfARicherChartKeepsHelmsShape) {
  Metadata m;
  m.api_version = "v2";
  m.name = "web";
  m.version = "1.2.3+build.1";
  m.keywords = {"a", "b"};
  m.maintainers = {{"Ann", "ann@example.com", ""}};
  m.annotations = {{"z", "1"}, {"a", "x y"}};
  std::string text = provenance_message(m.to_yaml(), "web-1.2.3+build.1.tgz", std::string(64, 'a'));
  // The keys sorted, the list items at column 0 (clear-signing dash-escapes them), the
  // separator, then the files map.
  EXPECT_NE(text.find("annotations:\n  a: x y\n  z: \"1\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("keywords:\n- a\n- b\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find("\n\n...\nfiles:\n  web-1.2.3+build.1.tgz: sha256:" + std::string(64, 'a') + "\n"),
      std::string::npos)
      << text;
  EXPECT_EQ(provenance_files(text).at("web-1.2.3+build.1.tgz"), "sha256:" + std::string(64, 'a'));
}

TEST(ProvenanceMessage, SumCheckUsesHelmsWords) {
  std::string body = "name: x\n\n...\nfiles:\n  x-1.tgz: sha256:" + std::string(64, 'b') + "\n";
  EXPECT_EQ(check_provenance_sum(body, "x-1.tgz", std::string(64, 'b')),
            "sha256:" + std::string(64, 'b'));
  try {
    check_provenance_sum(body, "x-1.tgz", std::string(64, 'c'));
    FAIL() << "a different sum passed";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "sha256 sum does not match for x-1.tgz: \"sha256:" + std::string(64, 'b') +
                  "\" != \"sha256:" + std::string(64, 'c') + "\"");
  }
  try {
    check_provenance_sum(body, "y-1.tgz", std::string(64, 'b'));
    FAIL() << "another file name passed";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "provenance does not contain a SHA for a file named \"y-1.tgz\"");
  }
  try {
    check_provenance_sum("name: x\nfiles:\n  x-1.tgz: sha256:00\n", "x-1.tgz", "00");
    FAIL() << "a block without its separator passed";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "message block must have at least two parts");
  }
  EXPECT_THROW(provenance_files("a: b\n...\nfiles: [1, 2\n"), Error);
  EXPECT_THROW(provenance_files("a: b\n...\nfiles:\n  x: {a: 1}\n"), Error);
  EXPECT_TRUE(provenance_files("a: b\n...\n").empty());
}

TEST(ProvenanceMessage, ClearSignedTextIsReadAsGoReadsIt) {
  std::string prov = testing::read(kFixture / "my-app-1.0.0.tgz.prov");
  auto text = clear_signed_text(prov);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, clear_signed_body(prov));
  // Dash-escapes removed, trailing blanks dropped, text before the block ignored.
  auto t = clear_signed_text(
      "junk\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n- -a  \nb\t\n"
      "-----BEGIN PGP SIGNATURE-----\nxx\n-----END PGP SIGNATURE-----\n");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, "-a\nb\n");
  EXPECT_FALSE(clear_signed_text("-----BEGIN PGP SIGNED MESSAGE-----\n\nno end\n").has_value());
  EXPECT_FALSE(clear_signed_text("no block\n").has_value());
  EXPECT_EQ(canonical_lines("a \r\nb"), "a\nb\n");
}

TEST(ProvenanceMessage, SigningKeyIsChosenAsHelmDoes) {
  std::vector<KeyIdentities> keys = {{"A", {"Chart Signer <signer@example.com>"}},
                                     {"B", {"Chart Signer Two <two@example.com>"}},
                                     {"C", {"Other <other@example.com>"}}};
  EXPECT_EQ(choose_signing_key(keys, "Chart Signer <signer@example.com>"), 0);
  EXPECT_EQ(choose_signing_key(keys, "Other"), 2);
  EXPECT_EQ(choose_signing_key(keys, "two@example.com"), 1);
  EXPECT_EQ(choose_signing_key(keys, "nobody"), -1);
  try {
    choose_signing_key(keys, "Chart Signer");
    FAIL() << "a name in two keys chose one";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "more than one key contain the id \"Chart Signer\"");
  }
}

TEST(ProvenanceMessage, KeyboxIsToldFromAPacketStream) {
  EXPECT_FALSE(is_keybox(testing::read(kFixture / "pubring.gpg")));
  std::string kbx(32, '\0');
  kbx.replace(8, 4, "KBXf");
  EXPECT_TRUE(is_keybox(kbx));
  EXPECT_FALSE(is_keybox("short"));
}

}  // namespace
}  // namespace ch::helm
