// Helm provenance files with the real Helm 3.17.3 and 4.1.4 on both sides: charthouse
// verifies what `helm package --sign` wrote (tests/fixtures/signatures/helm-provenance), both
// Helms' `helm verify` accept what `charthouse package --sign` writes with keys made here by
// Debian's gpg (RSA, Ed25519, passphrase-protected), tampering and unknown keys fail as in
// Helm, and `pull --verify` (oci:// and the classic view of charthouse serve) refuses before
// anything is written.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using testing::run;
using testing::RunResult;

using testing::kHelm3;
using testing::kHelm4;
const stdfs::path kFixture = stdfs::path(CH_FIXTURES_DIR) / "signatures/helm-provenance";
const std::string kSignerFpr = "9664A16B5C122EFF6E995FEC7E9D7D1FCA2BF0BC";

// A key made by Debian's gpg in its own home, exported as Helm's keyring files.
struct TestKey {
  std::string uid;
  std::string passphrase;
  stdfs::path home;     // its GnuPG home (pubring.kbx: a keybox)
  stdfs::path pubring;  // gpg --export
  stdfs::path secring;  // gpg --export-secret-keys
  std::string fingerprint;
};

class Provenance : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& k : keys_)
      run({"/usr/bin/gpgconf", "--homedir", k.home.string(), "--kill", "all"});
    // The user's GnuPG home (GNUPGHOME of every charthouse run) was never created, and every
    // private GnuPG home charthouse made (under its TMPDIR) is gone.
    EXPECT_FALSE(stdfs::exists(tmp_.path() / "user-gnupg"));
    for (const auto& e : stdfs::directory_iterator(tmp_.path() / "tmp"))
      EXPECT_NE(e.path().filename().string().rfind("ch-gpg-", 0), 0u) << e.path();
  }
  void SetUp() override { stdfs::create_directories(tmp_.path() / "tmp"); }
  stdfs::path w() const { return tmp_.path(); }
  std::map<std::string, std::string> env() const {
    return {
        {"HELM_CONFIG_HOME", (w() / "hc").string()}, {"HELM_CACHE_HOME", (w() / "hk").string()},
        {"HELM_DATA_HOME", (w() / "hd").string()},   {"GNUPGHOME", (w() / "user-gnupg").string()},
        {"TMPDIR", (w() / "tmp").string()},          {"HOME", w().string()}};
  }
  RunResult ch(std::vector<std::string> args) {
    args.insert(args.begin(), CH_BINARY);
    return run(args, w(), env());
  }
  RunResult helm(const std::string& helm, std::vector<std::string> args) {
    args.insert(args.begin(), helm);
    return run(args, w(), env());
  }

  TestKey make_key(const std::string& label, const std::string& uid, const std::string& algo,
                   const std::string& passphrase = {}) {
    TestKey k;
    k.uid = uid;
    k.passphrase = passphrase;
    k.home = w() / "keys" / label;
    stdfs::create_directories(k.home);
    stdfs::permissions(k.home, stdfs::perms::owner_all);
    std::vector<std::string> gpg = {"/usr/bin/gpg",    "--homedir", k.home.string(), "--batch",
                                    "--pinentry-mode", "loopback",  "--passphrase",  passphrase};
    auto with = [&](std::vector<std::string> more) {
      std::vector<std::string> a = gpg;
      a.insert(a.end(), more.begin(), more.end());
      return run(a, w());
    };
    auto gen = with({"--quick-gen-key", uid, algo, "sign", "never"});
    EXPECT_EQ(gen.code, 0) << gen.err;
    k.pubring = k.home / "export-pub.gpg";
    k.secring = k.home / "export-sec.gpg";
    EXPECT_EQ(with({"--output", k.pubring.string(), "--export", uid}).code, 0);
    auto sec = with({"--output", k.secring.string(), "--export-secret-keys", uid});
    EXPECT_EQ(sec.code, 0) << sec.err;
    auto list = with({"--with-colons", "--list-keys", uid});
    auto fpr = list.out.find("\nfpr:::::::::");
    EXPECT_NE(fpr, std::string::npos) << list.out;
    if (fpr != std::string::npos) k.fingerprint = list.out.substr(fpr + 13, 40);
    keys_.push_back(k);
    return k;
  }

  // A chart directory whose Chart.yaml has lists (dash-escaped in a clear signature).
  stdfs::path write_chart(const std::string& name, const std::string& version) {
    auto dir = w() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version, {{"values.yaml", "replicas: 2\n"}});
    testing::write(dir / "Chart.yaml",
                   "apiVersion: v2\nname: " + name + "\nversion: " + version +
                       "\ndescription: the " + name +
                       " chart\nkeywords:\n- web\n- \"-dash\"\n"
                       "maintainers:\n- name: Jane\n  email: j@x.io\nannotations:\n  a: \"1\"\n");
    return dir;
  }

  // `charthouse package --sign`; returns the archive path.
  stdfs::path sign(const stdfs::path& chart, const TestKey& key, const stdfs::path& out,
                   RunResult* result = nullptr) {
    std::vector<std::string> args = {"package",    chart.string(), "-d",
                                     out.string(), "--sign",       "--key",
                                     key.uid,      "--keyring",    key.secring.string()};
    if (!key.passphrase.empty()) {
      testing::write(w() / "pass.txt", key.passphrase + "\n");
      args.push_back("--passphrase-file");
      args.push_back((w() / "pass.txt").string());
    }
    RunResult r = ch(args);
    if (result != nullptr)
      *result = r;
    else
      EXPECT_EQ(r.code, 0) << r.err;
    return out / (chart.filename().string() + ".tgz");
  }

  fs::TempDir tmp_;
  std::vector<TestKey> keys_;
};

TEST_F(Provenance, VerifiesHelmsSignedChartAndPrintsWhatHelmPrints) {
  for (const char* f : {"my-app-1.0.0.tgz", "my-app-1.0.0.tgz.prov", "pubring.gpg"})
    stdfs::copy_file(kFixture / f, w() / f);
  auto mine = ch({"verify", "--keyring", "pubring.gpg", "my-app-1.0.0.tgz"});
  ASSERT_EQ(mine.code, 0) << mine.err;
  EXPECT_EQ(
      mine.out,
      "Signed by: Chart Signer <signer@example.com>\nUsing Key With Fingerprint: " + kSignerFpr +
          "\nChart Hash Verified: sha256:" + digest_of_file(w() / "my-app-1.0.0.tgz").hex + "\n");
  for (const auto& h : {kHelm3, kHelm4}) {
    auto theirs = helm(h, {"verify", "--keyring", "pubring.gpg", "my-app-1.0.0.tgz"});
    ASSERT_EQ(theirs.code, 0) << h << theirs.err;
    EXPECT_EQ(mine.out, theirs.out) << h;
  }
  // The default keyring is $GNUPGHOME/pubring.gpg, read without being changed.
  stdfs::create_directories(w() / "ring");
  stdfs::copy_file(kFixture / "pubring.gpg", w() / "ring/pubring.gpg");
  auto e = env();
  e["GNUPGHOME"] = (w() / "ring").string();
  auto by_default = run({CH_BINARY, "verify", "my-app-1.0.0.tgz"}, w(), e);
  EXPECT_EQ(by_default.code, 0) << by_default.err;
  EXPECT_EQ(testing::list_files(w() / "ring"), std::vector<std::string>{"pubring.gpg"});
}

TEST_F(Provenance, TamperingAndUnknownKeysFailWithHelmsMessages) {
  for (const char* f : {"my-app-1.0.0.tgz", "my-app-1.0.0.tgz.prov", "pubring.gpg"})
    stdfs::copy_file(kFixture / f, w() / f);
  std::string tgz = testing::read(kFixture / "my-app-1.0.0.tgz");
  std::string prov = testing::read(kFixture / "my-app-1.0.0.tgz.prov");
  auto other = make_key("other", "Someone Else <else@example.com>", "rsa2048");
  struct Case {
    std::string name, archive, prov, keyring, expect;
    bool same_as_helm;  // both Helms print exactly this error
  };
  std::string body_changed = prov;
  body_changed.replace(body_changed.find("A simple"), 8, "A Simple");
  std::vector<Case> cases = {
      {"archive", tgz + "x", prov, "pubring.gpg",
       "Error: sha256 sum does not match for my-app-1.0.0.tgz: \"sha256:", true},
      {"prov", tgz, body_changed, "pubring.gpg", "Error: openpgp: invalid signature", false},
      {"unknown", tgz, prov, other.pubring.string(),
       "Error: openpgp: signature made by unknown entity\n", true},
      {"noblock", tgz, "just text\n", "pubring.gpg", "Error: signature block not found\n", false},
      {"nokeyring", tgz, prov, "missing.gpg",
       "Error: failed to load keyring: open missing.gpg: no such file or directory\n", true},
  };
  for (const Case& c : cases) {
    auto dir = w() / c.name;
    stdfs::create_directories(dir);
    testing::write(dir / "my-app-1.0.0.tgz", c.archive);
    testing::write(dir / "my-app-1.0.0.tgz.prov", c.prov);
    std::string chart = (stdfs::path(c.name) / "my-app-1.0.0.tgz").string();
    auto mine = ch({"verify", "--keyring", c.keyring, chart});
    EXPECT_EQ(mine.code, 1) << c.name;
    EXPECT_EQ(mine.out, "") << c.name;
    EXPECT_EQ(mine.err.rfind(c.expect, 0), 0u) << c.name << ": " << mine.err;
    for (const auto& h : {kHelm3, kHelm4}) {
      auto theirs = helm(h, {"verify", "--keyring", c.keyring, chart});
      EXPECT_EQ(theirs.code, 1) << c.name << " " << h;
      if (c.same_as_helm) {
        EXPECT_EQ(mine.err, theirs.err) << c.name << " " << h;
      }
    }
  }
  // No .prov at all.
  stdfs::create_directories(w() / "bare");
  testing::write(w() / "bare/my-app-1.0.0.tgz", tgz);
  auto mine = ch({"verify", "--keyring", "pubring.gpg", "bare/my-app-1.0.0.tgz"});
  auto theirs = helm(kHelm3, {"verify", "--keyring", "pubring.gpg", "bare/my-app-1.0.0.tgz"});
  EXPECT_EQ(mine.code, 1);
  EXPECT_EQ(mine.err, theirs.err);
  EXPECT_EQ(mine.err,
            "Error: could not load provenance file bare/my-app-1.0.0.tgz.prov: stat "
            "bare/my-app-1.0.0.tgz.prov: no such file or directory\n");
}

TEST_F(Provenance, BothHelmsVerifyWhatCharthouseSigns) {
  std::vector<TestKey> keys = {
      make_key("rsa", "RSA Signer <rsa@example.com>", "rsa3072"),
      make_key("ed", "Ed Signer (charts) <ed@example.com>", "ed25519"),
      make_key("locked", "Locked Signer <locked@example.com>", "rsa3072", "s3cret pass"),
  };
  // The Helm fixture's own key (legacy secring.gpg) too.
  TestKey fixture;
  fixture.uid = "Chart Signer";
  fixture.secring = kFixture / "secring.gpg";
  fixture.pubring = kFixture / "pubring.gpg";
  fixture.fingerprint = kSignerFpr;
  keys.push_back(fixture);
  int n = 0;
  for (const TestKey& key : keys) {
    std::string version = "1.0." + std::to_string(n++);
    auto chart = write_chart("web", version);
    auto out = w() / "out" / version;
    stdfs::path tgz = sign(chart, key, out);
    ASSERT_TRUE(stdfs::exists(tgz.string() + ".prov")) << key.uid;
    std::string prov = testing::read(tgz.string() + ".prov");
    EXPECT_EQ(prov.rfind("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n", 0), 0u) << prov;
    EXPECT_NE(prov.find("\n...\nfiles:\n  web-" + version + ".tgz: sha256:" +
                        digest_of_file(tgz).hex + "\n-----BEGIN PGP SIGNATURE-----\n"),
              std::string::npos)
        << prov;
    EXPECT_EQ(testing::list_files(out), (std::vector<std::string>{"web-" + version + ".tgz",
                                                                  "web-" + version + ".tgz.prov"}));
    for (const auto& h : {kHelm3, kHelm4}) {
      auto v = helm(h, {"verify", "--keyring", key.pubring.string(), tgz.string()});
      if (h == kHelm3 && key.uid.rfind("Ed ", 0) == 0) {
        // Helm 3's OpenPGP library (golang.org/x/crypto/openpgp) reads no EdDSA key at all:
        // it fails on the keyring before it looks at the .prov. Helm 4 reads them.
        EXPECT_EQ(v.code, 1);
        EXPECT_EQ(v.err,
                  "Error: failed to load keyring: openpgp: unsupported feature: public key type: "
                  "22\n");
        continue;
      }
      EXPECT_EQ(v.code, 0) << h << " " << key.uid << ": " << v.err << "\n" << prov;
      EXPECT_NE(v.out.find("Using Key With Fingerprint: " + key.fingerprint + "\n"),
                std::string::npos)
          << v.out;
      EXPECT_NE(v.out.find("Chart Hash Verified: sha256:" + digest_of_file(tgz).hex + "\n"),
                std::string::npos);
    }
    auto mine = ch({"verify", "--keyring", key.pubring.string(), tgz.string()});
    EXPECT_EQ(mine.code, 0) << mine.err;
    EXPECT_NE(mine.out.find("Using Key With Fingerprint: " + key.fingerprint + "\n"),
              std::string::npos);
    if (!key.home.empty()) {
      // A keybox (GnuPG 2.1+'s pubring.kbx) works as the keyring too.
      auto kbx = ch({"verify", "--keyring", (key.home / "pubring.kbx").string(), tgz.string()});
      EXPECT_EQ(kbx.code, 0) << kbx.err;
      EXPECT_EQ(kbx.out, mine.out);
    }
  }
}

TEST_F(Provenance, SigningFailuresWriteNothing) {
  auto locked = make_key("locked", "Locked Signer <locked@example.com>", "ed25519", "right one");
  auto chart = write_chart("app", "0.1.0");
  auto out = w() / "out";
  RunResult r;
  TestKey wrong = locked;
  wrong.passphrase = "wrong one";
  sign(chart, wrong, out, &r);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  TestKey none = locked;
  none.passphrase.clear();
  sign(chart, none, out, &r);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is protected by a passphrase"), std::string::npos) << r.err;
  auto unknown = ch({"package", chart.string(), "-d", out.string(), "--sign", "--key", "Nobody",
                     "--keyring", locked.secring.string()});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_EQ(unknown.err, "Error: private key not found\n");
  auto public_only = ch({"package", chart.string(), "-d", out.string(), "--sign", "--key", "Locked",
                         "--keyring", locked.pubring.string()});
  EXPECT_EQ(public_only.code, 1);
  EXPECT_EQ(public_only.err,
            "Error: provided key is not a private key. Try providing a keyring with secret keys\n");
  auto no_key = ch({"package", chart.string(), "-d", out.string(), "--sign", "--keyring",
                    locked.secring.string()});
  EXPECT_EQ(no_key.code, 1);
  EXPECT_EQ(no_key.err, "Error: --key is required for signing a package\n");
  EXPECT_TRUE(!stdfs::exists(out) || testing::list_files(out).empty());
  // The right passphrase from standard input ("-") signs.
  testing::write(w() / "right.txt", "right one\n");
  auto ok = run({"/bin/sh", "-c",
                 std::string(CH_BINARY) + " package " + chart.string() + " -d " + out.string() +
                     " --sign --key Locked --keyring " + locked.secring.string() +
                     " --passphrase-file - < " + (w() / "right.txt").string()},
                w(), env());
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(testing::list_files(out),
            (std::vector<std::string>{"app-0.1.0.tgz", "app-0.1.0.tgz.prov"}));
  // (Ed25519: Helm 4 only, Helm 3 reads no EdDSA keys.)
  auto v = helm(kHelm4,
                {"verify", "--keyring", locked.pubring.string(), (out / "app-0.1.0.tgz").string()});
  EXPECT_EQ(v.code, 0) << v.err;
}

TEST_F(Provenance, ExpiredAndRevokedKeysFailWithHelm4sMessages) {
  auto chart = write_chart("app", "0.2.0");
  // A key valid for 3 seconds signs, then expires.
  TestKey brief = make_key("brief", "Brief Signer <brief@example.com>", "rsa2048");
  stdfs::create_directories(w() / "keys/short");
  stdfs::permissions(w() / "keys/short", stdfs::perms::owner_all);
  TestKey shortlived;
  shortlived.uid = "Short Signer <short@example.com>";
  shortlived.home = w() / "keys/short";
  keys_.push_back(shortlived);
  std::vector<std::string> gpg = {
      "/usr/bin/gpg",    "--homedir", shortlived.home.string(), "--batch",
      "--pinentry-mode", "loopback",  "--passphrase",           ""};
  auto gpg_run = [&](std::vector<std::string> more) {
    std::vector<std::string> a = gpg;
    a.insert(a.end(), more.begin(), more.end());
    return run(a, w());
  };
  ASSERT_EQ(gpg_run({"--quick-gen-key", shortlived.uid, "rsa2048", "sign", "seconds=3"}).code, 0);
  shortlived.secring = shortlived.home / "sec.gpg";
  shortlived.pubring = shortlived.home / "pub.gpg";
  ASSERT_EQ(
      gpg_run({"--output", shortlived.secring.string(), "--export-secret-keys", shortlived.uid})
          .code,
      0);
  ASSERT_EQ(gpg_run({"--output", shortlived.pubring.string(), "--export", shortlived.uid}).code, 0);
  auto expiring = sign(chart, shortlived, w() / "expired");
  ASSERT_EQ(ch({"verify", "--keyring", shortlived.pubring.string(), expiring.string()}).code, 0);

  // A key revoked after it signed (its revocation certificate imported, then exported).
  auto revoked_tgz = sign(chart, brief, w() / "revoked");
  std::string rev = testing::read(brief.home / "openpgp-revocs.d" / (brief.fingerprint + ".rev"));
  rev.replace(rev.find(":-----BEGIN"), 1, "");
  testing::write(w() / "rev.asc", rev);
  ASSERT_EQ(run({"/usr/bin/gpg", "--homedir", brief.home.string(), "--batch", "--import",
                 (w() / "rev.asc").string()},
                w())
                .code,
            0);
  auto revoked_pub = w() / "revoked-pub.gpg";
  ASSERT_EQ(run({"/usr/bin/gpg", "--homedir", brief.home.string(), "--batch", "--output",
                 revoked_pub.string(), "--export", brief.uid},
                w())
                .code,
            0);

  std::this_thread::sleep_for(std::chrono::seconds(4));
  struct Case {
    stdfs::path tgz, keyring;
    std::string expect;
  };
  for (const Case& c :
       {Case{expiring, shortlived.pubring, "Error: openpgp: key expired\n"},
        Case{revoked_tgz, revoked_pub, "Error: openpgp: signature made by revoked key\n"}}) {
    auto mine = ch({"verify", "--keyring", c.keyring.string(), c.tgz.string()});
    EXPECT_EQ(mine.code, 1) << mine.out;
    EXPECT_EQ(mine.err, c.expect);
    // Helm 4 refuses with the same words (Helm 3's library ignores expiry and revocations).
    auto theirs = helm(kHelm4, {"verify", "--keyring", c.keyring.string(), c.tgz.string()});
    EXPECT_EQ(theirs.code, 1);
    EXPECT_EQ(theirs.err, c.expect);
  }
  // An expired key no longer signs; nothing is written.
  RunResult r;
  sign(chart, shortlived, w() / "expired-again", &r);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Unusable secret key"), std::string::npos) << r.err;
  EXPECT_FALSE(stdfs::exists(w() / "expired-again/app-0.2.0.tgz"));
}

class ProvenancePull : public Provenance {
 protected:
  void SetUp() override {
    Provenance::SetUp();
    int port = 0;
    server_ = testing::start_server(CH_BINARY, (w() / "store").string(), {}, &port);
    host_ = "127.0.0.1:" + std::to_string(port);
  }
  void push(const stdfs::path& tgz, const std::string& ns) {
    auto r = ch({"push", tgz.string(), "oci://" + host_ + "/" + ns, "--plain-http"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  // Pushes to <host>/team: good (signed by the returned key), plain (no .prov), foreign
  // (signed by a key not in that key's keyring), forged (another archive under good's
  // signature of the same name).
  TestKey publish() {
    auto key = make_key("rsa", "Pull Signer <pull@example.com>", "rsa3072");
    auto stranger = make_key("stranger", "Stranger <stranger@example.com>", "rsa2048");
    // signed: good; unsigned: no .prov; foreign: signed by a key not in the keyring;
    // forged: the archive of another chart under a valid signature's name.
    auto good = sign(write_chart("good", "1.0.0"), key, w() / "pkg");
    push(good, "team");
    auto plain = w() / "pkg/plain-1.0.0.tgz";
    EXPECT_EQ(
        ch({"package", write_chart("plain", "1.0.0").string(), "-d", (w() / "pkg").string()}).code,
        0);
    push(plain, "team");
    auto foreign = sign(write_chart("foreign", "1.0.0"), stranger, w() / "pkg");
    push(foreign, "team");
    auto forged_src = sign(write_chart("forged", "1.0.0"), key, w() / "forged-src");
    auto forged_dir = w() / "forged";
    stdfs::create_directories(forged_dir);
    auto other = write_chart("forged", "1.0.0");
    testing::write(other / "values.yaml", "replicas: 99\n");
    EXPECT_EQ(ch({"package", other.string(), "-d", forged_dir.string()}).code, 0);
    stdfs::copy_file(forged_src.string() + ".prov", forged_dir / "forged-1.0.0.tgz.prov");
    push(forged_dir / "forged-1.0.0.tgz", "team");
    return key;
  }
  std::unique_ptr<testing::Process> server_;
  std::string host_;
};

TEST_F(ProvenancePull, VerifyAcceptsSignedChartsAndRefusesOthersBeforeWriting) {
  auto key = publish();
  auto good = w() / "pkg/good-1.0.0.tgz";
  const std::string keyring = key.pubring.string();
  struct Way {
    std::string name;
    std::function<std::vector<std::string>(const std::string&)> args;
  };
  std::vector<Way> ways = {
      {"oci",
       [&](const std::string& c) {
         return std::vector<std::string>{"pull", "oci://" + host_ + "/team/" + c, "--version",
                                         "1.0.0", "--plain-http"};
       }},
      {"classic",
       [&](const std::string& c) {
         return std::vector<std::string>{"pull",      c,      "--repo", "http://" + host_ + "/team",
                                         "--version", "1.0.0"};
       }},
  };
  for (const Way& way : ways) {
    auto dest = w() / ("dest-" + way.name);
    stdfs::create_directories(dest);
    auto args = way.args("good");
    for (std::string a : {"--verify", "--keyring", keyring.c_str(), "-d", dest.c_str()})
      args.push_back(a);
    auto ok = ch(args);
    ASSERT_EQ(ok.code, 0) << way.name << ": " << ok.err;
    EXPECT_NE(
        ok.out.find("Signed by: Pull Signer <pull@example.com>\nUsing Key With Fingerprint: " +
                    key.fingerprint + "\nChart Hash Verified: sha256:" + digest_of_file(good).hex +
                    "\n"),
        std::string::npos)
        << way.name << ": " << ok.out;
    EXPECT_EQ(testing::read(dest / "good-1.0.0.tgz"), testing::read(good));
    EXPECT_EQ(testing::read(dest / "good-1.0.0.tgz.prov"), testing::read(good.string() + ".prov"));

    for (std::string bad : {"plain", "foreign", "forged"}) {
      auto refused_dest = w() / ("refused-" + way.name + "-" + bad);
      stdfs::create_directories(refused_dest);
      auto a = way.args(bad);
      for (std::string x : {"--verify", "--keyring", keyring.c_str(), "-d", refused_dest.c_str()})
        a.push_back(x);
      auto r = ch(a);
      EXPECT_EQ(r.code, 1) << way.name << " " << bad << ": " << r.out;
      EXPECT_TRUE(testing::list_files(refused_dest).empty()) << way.name << " " << bad;
      std::string expect =
          bad == "foreign"  ? "Error: openpgp: signature made by unknown entity\n"
          : bad == "forged" ? "Error: sha256 sum does not match for forged-1.0.0.tgz: \"sha256:"
          : way.name == "oci"
              ? "Error: failed to fetch provenance \"oci://" + host_ + "/team/plain:1.0.0.prov\"\n"
              : "Error: failed to fetch provenance \"http://" + host_ +
                    "/team/charts/plain-1.0.0.tgz.prov\"\n";
      EXPECT_NE(r.err.find(expect), std::string::npos) << way.name << " " << bad << ": " << r.err;
      // Helm 3 refuses with the same words (but leaves the archive behind).
      auto helm_args = a;
      helm_args.back() = (w() / ("helm-" + way.name + "-" + bad)).string();
      stdfs::create_directories(helm_args.back());
      auto theirs = helm(kHelm3, helm_args);
      EXPECT_EQ(theirs.code, 1) << way.name << " " << bad;
      EXPECT_NE(theirs.err.find(expect), std::string::npos)
          << way.name << " " << bad << ": " << theirs.err;
      // --untar is refused the same way.
      a.push_back("--untar");
      EXPECT_EQ(ch(a).code, 1);
      EXPECT_TRUE(testing::list_files(refused_dest).empty()) << way.name << " " << bad;
    }
  }
  // Helm 3 pulls the same signed chart with --verify from the classic view.
  auto hdest = w() / "dest-helm";
  stdfs::create_directories(hdest);
  auto h = helm(kHelm3, {"pull", "good", "--repo", "http://" + host_ + "/team", "--version",
                         "1.0.0", "--verify", "--keyring", keyring, "-d", hdest.string()});
  EXPECT_EQ(h.code, 0) << h.err;
}

TEST_F(ProvenancePull, DependencyUpdateVerifiesBeforeChartsChanges) {
  auto key = publish();
  const std::string oci = "oci://" + host_ + "/team";
  const std::string classic = "http://" + host_ + "/team";
  auto parent = [&](const std::string& name, const std::string& deps) {
    auto dir = w() / "parents" / name;
    testing::write_chart(dir, name, "0.1.0");
    testing::write(dir / "Chart.yaml",
                   "apiVersion: v2\nname: " + name + "\nversion: 0.1.0\ndependencies:\n" + deps);
    return dir;
  };
  auto dep = [](const std::string& name, const std::string& repo) {
    return "- name: " + name + "\n  version: 1.0.0\n  repository: " + repo + "\n";
  };
  for (const std::string& repo : {oci, classic}) {
    auto ok = parent("ok" + std::to_string(repo.size()), dep("good", repo));
    auto r = ch({"dependency", "update", ok.string(), "--verify", "--keyring", key.pubring.string(),
                 "--plain-http"});
    EXPECT_EQ(r.code, 0) << repo << ": " << r.err << r.out;
    EXPECT_EQ(testing::list_files(ok / "charts"), std::vector<std::string>{"good-1.0.0.tgz"});
    EXPECT_EQ(testing::read(ok / "charts/good-1.0.0.tgz"),
              testing::read(w() / "pkg/good-1.0.0.tgz"));
    for (std::string bad : {"plain", "foreign", "forged"}) {
      auto refused = parent(bad + std::to_string(repo.size()), dep("good", oci) + dep(bad, repo));
      auto b = ch({"dependency", "update", refused.string(), "--verify", "--keyring",
                   key.pubring.string(), "--plain-http"});
      EXPECT_EQ(b.code, 1) << repo << " " << bad << ": " << b.out;
      EXPECT_NE(b.err.find(bad == "plain"     ? "Error: failed to fetch provenance"
                           : bad == "foreign" ? "Error: openpgp: signature made by unknown entity"
                                              : "Error: sha256 sum does not match for forged"),
                std::string::npos)
          << repo << " " << bad << ": " << b.err;
      // (charts/ is made first, as Helm makes it, but nothing enters it.)
      EXPECT_TRUE(!stdfs::exists(refused / "charts") ||
                  testing::list_files(refused / "charts").empty())
          << repo << " " << bad;
      EXPECT_FALSE(stdfs::exists(refused / "Chart.lock")) << repo << " " << bad;
      // Without --verify the same dependencies are taken.
      auto unverified = ch({"dependency", "update", refused.string(), "--plain-http"});
      EXPECT_EQ(unverified.code, 0) << unverified.err;
    }
  }
}

}  // namespace
}  // namespace ch
