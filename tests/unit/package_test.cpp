// Tests of actions/package.cpp: `helm package` of a chart directory, signed or not.
#include "actions/package.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "actions/verify.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/loader.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;

const stdfs::path kKeys = stdfs::path(CH_FIXTURES_DIR) / "signatures/helm-provenance";

std::string error_of(const actions::PackageOptions& o, ErrorCode* code = nullptr) {
  try {
    actions::package_chart(o);
  } catch (const Error& e) {
    if (code != nullptr) *code = e.code();
    return e.what();
  }
  return "";
}

TEST(Package, WritesNameVersionTgzAtAnAbsolutePath) {
  fs::TempDir tmp;
  testing::write_chart(tmp.path() / "src", "demo", "1.2.3", {{"values.yaml", "a: 1\n"}});
  actions::PackageOptions o;
  o.chart_dir = tmp.path() / "src";
  o.destination = tmp.path() / "out/nested";
  actions::PackageResult r = actions::package_chart(o);
  EXPECT_EQ(r.archive, tmp.path() / "out/nested/demo-1.2.3.tgz");
  EXPECT_TRUE(r.archive.is_absolute());
  EXPECT_TRUE(r.provenance.empty());
  helm::Chart back = helm::load_archive_file(r.archive);
  EXPECT_EQ(back.metadata.name, "demo");
  EXPECT_EQ(back.metadata.version, "1.2.3");
  ASSERT_TRUE(back.values.has_value());
  EXPECT_EQ(back.values->data, "a: 1\n");
  EXPECT_EQ(testing::list_files(tmp.path() / "out"),
            std::vector<std::string>{"nested/demo-1.2.3.tgz"});
}

TEST(Package, VersionAndAppVersionOverrides) {
  fs::TempDir tmp;
  testing::write_chart(tmp.path() / "src", "demo", "1.0.0");
  actions::PackageOptions o;
  o.chart_dir = tmp.path() / "src";
  o.destination = tmp.path();
  o.version = "2.0.0-rc.1+b5";
  o.app_version = "v9";
  actions::PackageResult r = actions::package_chart(o);
  EXPECT_EQ(r.archive.filename(), "demo-2.0.0-rc.1+b5.tgz");
  helm::Chart back = helm::load_archive_file(r.archive);
  EXPECT_EQ(back.metadata.version, "2.0.0-rc.1+b5");
  EXPECT_EQ(back.metadata.app_version, "v9");
  o.version = "not-a-version";
  EXPECT_NE(error_of(o), "");
  EXPECT_FALSE(stdfs::exists(tmp.path() / "demo-not-a-version.tgz"));
}

TEST(Package, RefusesWhatIsNotAPackageableChart) {
  fs::TempDir tmp;
  actions::PackageOptions o;
  o.destination = tmp.path() / "out";
  ErrorCode code{};
  o.chart_dir = tmp.path() / "missing";
  EXPECT_EQ(error_of(o, &code),
            "stat " + (tmp.path() / "missing").string() + ": no such file or directory");
  EXPECT_EQ(code, ErrorCode::kNotFound);
  testing::write(tmp.path() / "file.tgz", "x");
  o.chart_dir = tmp.path() / "file.tgz";
  EXPECT_EQ(error_of(o, &code), (tmp.path() / "file.tgz").string() +
                                    " is not a chart directory (package takes a directory)");
  EXPECT_EQ(code, ErrorCode::kInvalidArgument);
  // Declared dependencies must be in charts/ (Helm's CheckDependencies).
  testing::write_tree(tmp.path() / "deps",
                      {{"Chart.yaml",
                        "apiVersion: v2\nname: deps\nversion: 1.0.0\ndependencies:\n"
                        "- {name: a, version: 1.0.0}\n- {name: b, version: 1.0.0}\n"
                        "- {name: c, version: 1.0.0}\n"},
                       {"charts/b/Chart.yaml", "apiVersion: v2\nname: b\nversion: 1.0.0\n"}});
  o.chart_dir = tmp.path() / "deps";
  EXPECT_EQ(error_of(o, &code), "found in Chart.yaml, but missing in charts/ directory: a, c");
  EXPECT_EQ(code, ErrorCode::kInvalidChart);
  EXPECT_FALSE(stdfs::exists(tmp.path() / "out"));
}

TEST(Package, SignedPackageVerifiesWithThePublicKeyring) {
  fs::TempDir tmp;
  testing::write_chart(tmp.path() / "src", "signed", "0.1.0");
  actions::PackageOptions o;
  o.chart_dir = tmp.path() / "src";
  o.destination = tmp.path() / "out";
  o.sign = true;
  o.key = "signer@example.com";
  o.keyring = kKeys / "secring.gpg";
  actions::PackageResult r = actions::package_chart(o);
  EXPECT_EQ(r.provenance, r.archive.string() + ".prov");
  EXPECT_EQ(testing::list_files(tmp.path() / "out"),
            (std::vector<std::string>{"signed-0.1.0.tgz", "signed-0.1.0.tgz.prov"}));
  actions::Verification v = actions::verify_chart(r.archive, kKeys / "pubring.gpg");
  EXPECT_EQ(v.fingerprint, "9664A16B5C122EFF6E995FEC7E9D7D1FCA2BF0BC");
  EXPECT_EQ(v.file_name, "signed-0.1.0.tgz");
}

TEST(Package, SigningProblemsLeaveNothingBehind) {
  fs::TempDir tmp;
  testing::write_chart(tmp.path() / "src", "signed", "0.1.0");
  actions::PackageOptions o;
  o.chart_dir = tmp.path() / "src";
  o.destination = tmp.path() / "out";
  o.sign = true;
  o.keyring = kKeys / "secring.gpg";
  EXPECT_EQ(error_of(o), "--key is required for signing a package");
  o.key = "signer@example.com";
  o.keyring.clear();
  EXPECT_EQ(error_of(o), "--keyring is required for signing a package");
  o.keyring = kKeys / "secring.gpg";
  o.key = "nobody";
  EXPECT_EQ(error_of(o), "private key not found");
  o.key = "signer@example.com";
  o.keyring = kKeys / "pubring.gpg";  // public keys only
  EXPECT_EQ(error_of(o),
            "provided key is not a private key. Try providing a keyring with secret keys");
  EXPECT_TRUE(testing::list_files(tmp.path() / "out").empty());
}

}  // namespace
}  // namespace ch
