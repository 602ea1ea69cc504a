// cosign-compatible chart signatures end to end: `charthouse sign` (simple signing at
// sha256-<hex>.sig, and --bundle: a Sigstore bundle referrer, or the referrers tag schema on
// a registry without the referrers API), `charthouse verify oci://` and `pull
// --verify-signature`, on charthouse serve and Debian's docker-registry 2.8; the registry
// side (signatures go with their chart on delete and GC, index.yaml tells signed entries,
// the signature policy of the access file); hostile signatures. The Peers suites also run
// Debian 13's skopeo 1.18 (signs and verifies cosign signatures) and @sigstore/verify
// (verifies our bundles), installed by scripts/install-sigstore-peers.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;
using testing::run;
using testing::RunResult;

const stdfs::path kFixture = stdfs::path(CH_FIXTURES_DIR) / "signatures/cosign-skopeo";
const std::string kSkopeo = std::string(CH_TOOLS_DIR) + "/skopeo-1.18/skopeo";
const std::string kSigstoreVerify =
    std::string(CH_FIXTURES_DIR) + "/../support/sigstore_verify.mjs";
constexpr const char* kBundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

enum class Peer { kServe, kDistribution };

class CosignBase : public ::testing::Test {
 protected:
  stdfs::path w() const { return tmp_.path(); }

  void start(Peer peer, std::vector<std::string> extra = {}) {
    if (peer == Peer::kServe) {
      int port = 0;
      extra.insert(extra.end(), {"--gc-grace", "0"});
      server_ = testing::start_server(CH_BINARY, (w() / "store").string(), extra, &port);
      host_ = "127.0.0.1:" + std::to_string(port);
      return;
    }
    server_ = testing::start_docker_registry(w().string(), &host_, true);
  }

  std::map<std::string, std::string> env() const {
    return {{"HELM_CONFIG_HOME", (w() / "hc").string()},
            {"HELM_CACHE_HOME", (w() / "hk").string()},
            {"HELM_DATA_HOME", (w() / "hd").string()},
            {"DOCKER_CONFIG", (w() / "docker").string()},
            {"COSIGN_PASSWORD", password_},
            {"HOME", w().string()}};
  }
  RunResult ch(std::vector<std::string> args) {
    args.insert(args.begin(), CH_BINARY);
    if (args.size() > 1 && args[1] != "gc") args.push_back("--plain-http");
    return run(args, w(), env());
  }

  // The fixture chart pushed to <host>/<ns>/my-app:1.0.0; returns its manifest digest.
  std::string push_chart(const std::string& ns) {
    push_only(ns);
    return digest_of_tag(ns + "/my-app", "1.0.0");
  }
  void push_only(const std::string& ns) {
    auto p = ch({"push", (kFixture / "my-app-1.0.0.tgz").string(), "oci://" + host_ + "/" + ns});
    EXPECT_EQ(p.code, 0) << p.err;
  }
  // A different chart with the same name and version (to move the tag).
  std::string push_other_chart(const std::string& ns) {
    auto dir = w() / "src/my-app";
    testing::write_chart(dir, "my-app", "1.0.0", {{"values.yaml", "other: true\n"}});
    auto pkg = ch({"package", dir.string(), "-d", (w() / "pkg").string()});
    EXPECT_EQ(pkg.code, 0) << pkg.err;
    auto p = ch({"push", (w() / "pkg/my-app-1.0.0.tgz").string(), "oci://" + host_ + "/" + ns});
    EXPECT_EQ(p.code, 0) << p.err;
    return digest_of_tag(ns + "/my-app", "1.0.0");
  }

  testing::HttpResponse get(const std::string& path, std::vector<std::string> headers = {}) {
    headers.push_back(
        "Accept: application/vnd.oci.image.manifest.v1+json, "
        "application/vnd.oci.image.index.v1+json");
    return http_.request("GET", "http://" + host_ + path, headers);
  }
  std::string digest_of_tag(const std::string& repo, const std::string& tag) {
    auto r = get("/v2/" + repo + "/manifests/" + tag);
    EXPECT_EQ(r.status, 200) << r.body;
    return digest_of(r.body).str();
  }
  std::vector<std::string> tags(const std::string& repo) {
    auto r = get("/v2/" + repo + "/tags/list");
    if (r.status != 200) return {};
    auto j = json::parse(r.body);
    return j["tags"].is_array() ? j["tags"].get<std::vector<std::string>>()
                                : std::vector<std::string>{};
  }
  static std::string sig_tag(const std::string& digest) {
    return "sha256-" + digest.substr(7) + ".sig";
  }
  bool has_tag(const std::string& repo, const std::string& tag) {
    auto t = tags(repo);
    return std::find(t.begin(), t.end(), tag) != t.end();
  }
  // Pushes a blob (monolithic) and returns its digest.
  std::string put_blob(const std::string& repo, const std::string& data) {
    std::string d = digest_of(data).str();
    auto r =
        http_.request("POST", "http://" + host_ + "/v2/" + repo + "/blobs/uploads/?digest=" + d,
                      {"Content-Type: application/octet-stream"}, data);
    EXPECT_EQ(r.status, 201) << r.body;
    return d;
  }
  long put_manifest(const std::string& repo, const std::string& ref, const std::string& bytes,
                    const std::string& type = "application/vnd.oci.image.manifest.v1+json") {
    return http_
        .request("PUT", "http://" + host_ + "/v2/" + repo + "/manifests/" + ref,
                 {"Content-Type: " + type}, bytes)
        .status;
  }

  // A fresh ECDSA P-256 key pair made by openssl (PKCS#8 private key, SPKI public key).
  std::pair<stdfs::path, stdfs::path> openssl_key(const std::string& name) {
    stdfs::path key = w() / (name + ".key"), pub = w() / (name + ".pub");
    EXPECT_EQ(run({"/usr/bin/openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                   "ec_paramgen_curve:P-256", "-out", key.string()})
                  .code,
              0);
    EXPECT_EQ(
        run({"/usr/bin/openssl", "pkey", "-in", key.string(), "-pubout", "-out", pub.string()})
            .code,
        0);
    return {key, pub};
  }

  const std::string key_ = (kFixture / "key.pem").string();
  const std::string pub_ = (kFixture / "pub.pem").string();
  std::string password_ = testing::read(kFixture / "key.password");
  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  std::string host_;
  testing::HttpClient http_;
};

// --- charthouse on both registries ------------------------------------------------------

class CosignSigning : public CosignBase, public ::testing::WithParamInterface<Peer> {};

TEST_P(CosignSigning, SignsAsCosign2AddsSignaturesAndVerifies) {
  start(GetParam());
  std::string digest = push_chart("signed");
  std::string url = "oci://" + host_ + "/signed/my-app:1.0.0";

  auto unsigned_check = ch({"verify", url, "--key", pub_});
  EXPECT_EQ(unsigned_check.code, 1);
  EXPECT_NE(unsigned_check.err.find("no valid signature for " + host_ + "/signed/my-app@" + digest),
            std::string::npos)
      << unsigned_check.err;
  EXPECT_NE(unsigned_check.err.find("no cosign signature"), std::string::npos)
      << unsigned_check.err;

  auto s = ch({"sign", url, "--key", key_});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.err.find("Signature: " + host_ + "/signed/my-app:" + sig_tag(digest)),
            std::string::npos)
      << s.err;
  // What cosign 2 stores: one simple-signing layer whose payload names the digest.
  auto m = json::parse(get("/v2/signed/my-app/manifests/" + sig_tag(digest)).body);
  ASSERT_EQ(m["layers"].size(), 1u);
  EXPECT_EQ(m["layers"][0]["mediaType"], "application/vnd.dev.cosign.simplesigning.v1+json");
  EXPECT_TRUE(m["layers"][0]["annotations"].contains("dev.cosignproject.cosign/signature"));
  auto payload = json::parse(
      get("/v2/signed/my-app/blobs/" + m["layers"][0]["digest"].get<std::string>()).body);
  EXPECT_EQ(payload["critical"]["image"]["docker-manifest-digest"], digest);
  EXPECT_EQ(payload["critical"]["identity"]["docker-reference"], host_ + "/signed/my-app:1.0.0");
  EXPECT_EQ(payload["critical"]["type"], "cosign container image signature");

  auto v = ch({"verify", url, "--key", pub_});
  ASSERT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find("Verified: " + host_ + "/signed/my-app@" + digest), std::string::npos);
  EXPECT_NE(v.out.find("cosign signature"), std::string::npos) << v.out;

  // Signing again with another key adds a signature and keeps the first.
  auto [other_key, other_pub] = openssl_key("other");
  auto again =
      ch({"sign", "oci://" + host_ + "/signed/my-app@" + digest, "--key", other_key.string()});
  ASSERT_EQ(again.code, 0) << again.err;
  m = json::parse(get("/v2/signed/my-app/manifests/" + sig_tag(digest)).body);
  EXPECT_EQ(m["layers"].size(), 2u);
  EXPECT_EQ(ch({"verify", url, "--key", pub_}).code, 0);
  auto by_other = ch({"verify", url, "--key", other_pub.string()});
  EXPECT_EQ(by_other.code, 0) << by_other.err;
  EXPECT_NE(by_other.out.find("(layer 2 of 2)"), std::string::npos) << by_other.out;

  // A key that signed nothing here is refused, naming each signature it tried.
  auto [third_key, third_pub] = openssl_key("third");
  auto wrong = ch({"verify", url, "--key", third_pub.string()});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("(layer 1 of 2): does not verify with the key"), std::string::npos)
      << wrong.err;

  // pull --verify-signature writes the chart only when a signature verifies.
  stdfs::create_directories(w() / "ok");
  auto pulled = ch({"pull", url, "--verify-signature", "--key", pub_, "-d", (w() / "ok").string()});
  ASSERT_EQ(pulled.code, 0) << pulled.err;
  EXPECT_TRUE(stdfs::exists(w() / "ok/my-app-1.0.0.tgz"));
  EXPECT_NE(pulled.out.find("Signature: cosign signature"), std::string::npos) << pulled.out;
  stdfs::create_directories(w() / "refused");
  auto refused = ch({"pull", url, "--verify-signature", "--key", third_pub.string(), "-d",
                     (w() / "refused").string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_TRUE(testing::list_files(w() / "refused").empty());
  // Helm still pulls the chart (the signature is beside it, not in it).
  stdfs::create_directories(w() / "helm");
  auto helm = run({testing::kHelm3, "pull", url, "--plain-http", "-d", (w() / "helm").string()},
                  w(), env());
  EXPECT_EQ(helm.code, 0) << helm.err;
}

TEST_P(CosignSigning, BundlesAreReferrersOrTheTagSchema) {
  start(GetParam());
  std::string digest = push_chart("bundled");
  std::string url = "oci://" + host_ + "/bundled/my-app:1.0.0";
  auto s = ch({"sign", url, "--key", key_, "--bundle"});
  ASSERT_EQ(s.code, 0) << s.err;
  const bool serve = GetParam() == Peer::kServe;
  std::string referrer;
  if (serve) {
    // charthouse serve has the referrers API: the bundle manifest is listed there, and no
    // tag schema index was written.
    EXPECT_EQ(s.err.find("referrers tag schema"), std::string::npos) << s.err;
    auto refs = json::parse(get("/v2/bundled/my-app/referrers/" + digest).body);
    ASSERT_EQ(refs["manifests"].size(), 1u) << refs.dump();
    EXPECT_EQ(refs["manifests"][0]["artifactType"], kBundleType);
    referrer = refs["manifests"][0]["digest"];
    EXPECT_FALSE(has_tag("bundled/my-app", "sha256-" + digest.substr(7)));
  } else {
    // docker-registry 2.8 has none: the referrers tag schema index lists the bundle.
    EXPECT_NE(s.err.find("referrers tag schema"), std::string::npos) << s.err;
    auto index = json::parse(get("/v2/bundled/my-app/manifests/sha256-" + digest.substr(7)).body);
    ASSERT_EQ(index["manifests"].size(), 1u) << index.dump();
    EXPECT_EQ(index["manifests"][0]["artifactType"], kBundleType);
    referrer = index["manifests"][0]["digest"];
  }
  auto m = json::parse(get("/v2/bundled/my-app/manifests/" + referrer).body);
  EXPECT_EQ(m["artifactType"], kBundleType);
  EXPECT_EQ(m["config"]["mediaType"], "application/vnd.oci.empty.v1+json");
  EXPECT_EQ(m["subject"]["digest"], digest);
  auto v = ch({"verify", url, "--key", pub_});
  ASSERT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find("Sigstore bundle " + host_ + "/bundled/my-app@" + referrer),
            std::string::npos)
      << v.out;
  EXPECT_NE(v.out.find(serve ? "(referrers API)" : "(referrers tag schema)"), std::string::npos)
      << v.out;
  // A second bundle joins the first.
  auto [other_key, other_pub] = openssl_key("other");
  ASSERT_EQ(ch({"sign", url, "--key", other_key.string(), "--bundle"}).code, 0);
  EXPECT_EQ(ch({"verify", url, "--key", other_pub.string()}).code, 0);
  EXPECT_EQ(ch({"verify", url, "--key", pub_}).code, 0);
}

INSTANTIATE_TEST_SUITE_P(Registries, CosignSigning,
                         ::testing::Values(Peer::kServe, Peer::kDistribution),
                         [](const auto& info) {
                           return info.param == Peer::kServe ? "Serve" : "Distribution";
                         });

// --- hostile signatures and keys ----------------------------------------------------------

class CosignBadInput : public CosignBase {};

TEST_F(CosignBadInput, KeysAndPasswordsAreCheckedBeforeAnythingIsWritten) {
  start(Peer::kServe);
  std::string digest = push_chart("bad");
  std::string url = "oci://" + host_ + "/bad/my-app:1.0.0";
  auto before = tags("bad/my-app");

  password_ = "not-the-password";
  auto wrong = ch({"sign", url, "--key", key_});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("incorrect passphrase"), std::string::npos) << wrong.err;
  password_ = testing::read(kFixture / "key.password");

  auto pub_as_private = ch({"sign", url, "--key", pub_});
  EXPECT_EQ(pub_as_private.code, 1);
  EXPECT_NE(pub_as_private.err.find("private key " + pub_), std::string::npos)
      << pub_as_private.err;

  testing::write(w() / "rsa.key", "");
  ASSERT_EQ(run({"/usr/bin/openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                 "rsa_keygen_bits:2048", "-out", (w() / "rsa.key").string()})
                .code,
            0);
  auto rsa = ch({"sign", url, "--key", (w() / "rsa.key").string()});
  EXPECT_EQ(rsa.code, 1);
  EXPECT_NE(rsa.err.find("P-256"), std::string::npos) << rsa.err;

  auto private_as_public = ch({"verify", url, "--key", key_});
  EXPECT_EQ(private_as_public.code, 1);
  EXPECT_NE(private_as_public.err.find("public key " + key_), std::string::npos)
      << private_as_public.err;

  EXPECT_EQ(tags("bad/my-app"), before) << "nothing was written";
  (void)digest;
}

TEST_F(CosignBadInput, ForgedSignaturesAreRefusedWithTheirReason) {
  start(Peer::kServe);
  std::string a = push_chart("forged");
  std::string b = push_other_chart("forged-other");
  std::string url = "oci://" + host_ + "/forged/my-app:1.0.0";
  const std::string payload_b =
      "{\"critical\":{\"identity\":{\"docker-reference\":\"x/y\"},\"image\":{\"docker-manifest-"
      "digest\":\"" +
      b + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
  // A genuine signature (by the fixture key, made by sign on the other chart) over a
  // payload that names another digest, moved under this chart's .sig tag.
  ASSERT_EQ(ch({"sign", "oci://" + host_ + "/forged-other/my-app@" + b, "--key", key_}).code, 0);
  auto other_sig = json::parse(get("/v2/forged-other/my-app/manifests/" + sig_tag(b)).body);
  std::string real_payload =
      get("/v2/forged-other/my-app/blobs/" + other_sig["layers"][0]["digest"].get<std::string>())
          .body;
  (void)payload_b;

  auto sig_manifest = [&](const std::string& payload, const std::string& signature,
                          std::int64_t claimed_size = -1) {
    std::string pd = put_blob("forged/my-app", payload);
    std::string config =
        "{\"architecture\":\"\",\"os\":\"\",\"config\":{},\"rootfs\":{"
        "\"type\":\"layers\",\"diff_ids\":[\"" +
        pd + "\"]}}";
    std::string cd = put_blob("forged/my-app", config);
    json m = {
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
        {"config",
         {{"mediaType", "application/vnd.oci.image.config.v1+json"},
          {"digest", cd},
          {"size", config.size()}}},
        {"layers",
         {{{"mediaType", "application/vnd.dev.cosign.simplesigning.v1+json"},
           {"digest", pd},
           {"size", claimed_size < 0 ? static_cast<std::int64_t>(payload.size()) : claimed_size},
           {"annotations", {{"dev.cosignproject.cosign/signature", signature}}}}}}};
    return m.dump();
  };
  auto verify_err = [&]() {
    auto v = ch({"verify", url, "--key", pub_});
    EXPECT_EQ(v.code, 1) << v.out;
    return v.err;
  };

  // 1. The payload names another digest (signature valid).
  ASSERT_EQ(put_manifest(
                "forged/my-app", sig_tag(a),
                sig_manifest(
                    real_payload,
                    other_sig["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"])),
            201);
  EXPECT_NE(verify_err().find("the payload names " + b + ", not " + a), std::string::npos);

  // 2. Corrupt base64 in the annotation.
  ASSERT_EQ(put_manifest("forged/my-app", sig_tag(a), sig_manifest(real_payload, "%%not base64%%")),
            201);
  EXPECT_NE(verify_err().find("not valid base64"), std::string::npos);

  // 3. A valid-looking signature that is not over this payload.
  std::string junk = base64_encode(std::string(70, '\x30'));
  ASSERT_EQ(put_manifest("forged/my-app", sig_tag(a), sig_manifest(real_payload, junk)), 201);
  EXPECT_NE(verify_err().find("does not verify with the key"), std::string::npos);

  // 4. A 10 MB signature layer: refused from its descriptor, before any download.
  std::string big(10 * 1024 * 1024, ' ');
  ASSERT_EQ(put_manifest("forged/my-app", sig_tag(a), sig_manifest(big, junk)), 201);
  EXPECT_NE(verify_err().find("over the limit"), std::string::npos);

  // 5. Not a signature manifest at all.
  ASSERT_EQ(put_manifest("forged/my-app", sig_tag(a),
                         "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+"
                         "json\",\"manifests\":[]}",
                         "application/vnd.oci.image.index.v1+json"),
            201);
  auto err = verify_err();
  EXPECT_NE(err.find("no valid signature"), std::string::npos) << err;
}

// --- the registry side -------------------------------------------------------------------

class CosignRegistry : public CosignBase {};

TEST_F(CosignRegistry, SignaturesGoWithTheirChartOnDeleteAndGc) {
  start(Peer::kServe);
  std::string digest = push_chart("life");
  std::string url = "oci://" + host_ + "/life/my-app:1.0.0";
  ASSERT_EQ(ch({"sign", url, "--key", key_}).code, 0);
  ASSERT_EQ(ch({"sign", url, "--key", key_, "--bundle"}).code, 0);
  auto refs = json::parse(get("/v2/life/my-app/referrers/" + digest).body);
  ASSERT_EQ(refs["manifests"].size(), 1u);
  std::string bundle = refs["manifests"][0]["digest"];

  // GC keeps the signatures of a live chart.
  auto gc = ch({"gc", "--root", (w() / "store").string()});
  ASSERT_EQ(gc.code, 0) << gc.err;
  EXPECT_EQ(ch({"verify", url, "--key", pub_}).code, 0);
  EXPECT_TRUE(has_tag("life/my-app", sig_tag(digest)));
  EXPECT_EQ(get("/v2/life/my-app/manifests/" + bundle).status, 200);

  // index.yaml tells which versions are signed.
  auto index = get("/life/index.yaml");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("charthouse.dev/signatures: cosign"), std::string::npos) << index.body;

  // Moving the tag to another chart leaves the old one untagged: GC takes it and its
  // signatures; the new chart is unsigned.
  std::string moved = push_other_chart("life");
  ASSERT_NE(moved, digest);
  index = get("/life/index.yaml");
  EXPECT_EQ(index.body.find("charthouse.dev/signatures"), std::string::npos) << index.body;
  gc = ch({"gc", "--root", (w() / "store").string()});
  ASSERT_EQ(gc.code, 0) << gc.err;
  EXPECT_EQ(get("/v2/life/my-app/manifests/" + digest).status, 404);
  EXPECT_FALSE(has_tag("life/my-app", sig_tag(digest)));
  EXPECT_EQ(get("/v2/life/my-app/manifests/" + bundle).status, 404);

  // Deleting a signed chart takes its signatures at once.
  ASSERT_EQ(ch({"sign", url, "--key", key_}).code, 0);
  ASSERT_EQ(ch({"sign", url, "--key", key_, "--bundle"}).code, 0);
  refs = json::parse(get("/v2/life/my-app/referrers/" + moved).body);
  ASSERT_EQ(refs["manifests"].size(), 1u);
  bundle = refs["manifests"][0]["digest"];
  ASSERT_TRUE(has_tag("life/my-app", sig_tag(moved)));
  ASSERT_EQ(
      http_.request("DELETE", "http://" + host_ + "/v2/life/my-app/manifests/" + moved).status,
      202);
  EXPECT_FALSE(has_tag("life/my-app", sig_tag(moved)));
  EXPECT_EQ(get("/v2/life/my-app/manifests/" + bundle).status, 404);
  EXPECT_EQ(get("/v2/life/my-app/referrers/" + moved).body.find(bundle), std::string::npos);
}

TEST_F(CosignRegistry, SignaturePolicyRefusesUnsignedCharts) {
  testing::write(w() / "keys/release.pub", testing::read(kFixture / "pub.pem"));
  testing::write(w() / "access.yaml",
                 "signatures:\n  - repositories: [\"prod/*\"]\n    keys: [keys/release.pub]\n");
  start(Peer::kServe, {"--access", (w() / "access.yaml").string()});
  push_only("prod");
  push_chart("dev");
  std::string url = "oci://" + host_ + "/prod/my-app:1.0.0";

  // Unsigned: refused by charthouse, by Helm and in the classic view; other namespaces
  // are not covered.
  stdfs::create_directories(w() / "out");
  auto pull = ch({"pull", url, "-d", (w() / "out").string()});
  EXPECT_EQ(pull.code, 1);
  EXPECT_NE(pull.err.find("has no valid signature by a key the signature policy"),
            std::string::npos)
      << pull.err;
  auto helm =
      run({testing::kHelm3, "pull", url, "--plain-http", "-d", (w() / "out").string()}, w(), env());
  EXPECT_NE(helm.code, 0);
  EXPECT_NE(helm.err.find("403"), std::string::npos) << helm.err;
  EXPECT_EQ(get("/prod/charts/my-app-1.0.0.tgz").status, 403);
  EXPECT_TRUE(testing::list_files(w() / "out").empty());
  EXPECT_EQ(ch({"pull", "oci://" + host_ + "/dev/my-app:1.0.0", "-d", (w() / "out").string()}).code,
            0);

  // Signed by another key: still refused.
  auto [other_key, other_pub] = openssl_key("other");
  ASSERT_EQ(ch({"sign", url, "--key", other_key.string()}).code, 0);
  EXPECT_EQ(get("/v2/prod/my-app/manifests/1.0.0").status, 403);

  // Signed by the release key (a bundle here): allowed everywhere.
  ASSERT_EQ(ch({"sign", url, "--key", key_, "--bundle"}).code, 0);
  stdfs::create_directories(w() / "ok");
  auto ok = ch({"pull", url, "-d", (w() / "ok").string()});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(get("/prod/charts/my-app-1.0.0.tgz").status, 200);
  helm =
      run({testing::kHelm4, "pull", url, "--plain-http", "-d", (w() / "ok").string()}, w(), env());
  EXPECT_EQ(helm.code, 0) << helm.err;
}

TEST_F(CosignRegistry, BadSignaturePolicyFilesAreRefusedAtStart) {
  testing::write(w() / "access.yaml",
                 "signatures:\n  - repositories: [\"prod/*\"]\n    keys: [missing.pub]\n");
  auto r = run({CH_BINARY, "serve", "--addr", "127.0.0.1:0", "--root", (w() / "s").string(),
                "--access", (w() / "access.yaml").string()});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("signatures[0].keys: public key"), std::string::npos) << r.err;
  testing::write(w() / "access.yaml", "signatures:\n  - repositories: [\"prod/*\"]\n    keys: [" +
                                          (kFixture / "key.pem").string() + "]\n");
  r = run({CH_BINARY, "serve", "--addr", "127.0.0.1:0", "--root", (w() / "s").string(), "--access",
           (w() / "access.yaml").string()});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("signatures[0].keys"), std::string::npos) << r.err;
}

// --- the real peers: skopeo 1.18 and @sigstore/verify -----------------------------------

class CosignPeers : public CosignBase, public ::testing::WithParamInterface<Peer> {
 protected:
  void SetUp() override {
    if (!stdfs::exists(kSkopeo)) GTEST_SKIP() << "run scripts/install-sigstore-peers";
    testing::write(w() / "registries.d/sigstore.yaml",
                   "default-docker:\n  use-sigstore-attachments: true\n");
    testing::write(w() / "accept.json", "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    testing::write(w() / "registries.conf", "");
  }
  RunResult skopeo(std::vector<std::string> args) {
    args.insert(args.begin(), {kSkopeo, "--registries.d", (w() / "registries.d").string()});
    auto e = env();
    e["XDG_DATA_HOME"] = (w() / "xdg").string();
    e["CONTAINERS_REGISTRIES_CONF"] = (w() / "registries.conf").string();
    return run(args, w(), e);
  }
  std::string verify_policy() {
    json p = {{"default", {{{"type", "reject"}}}},
              {"transports",
               {{"docker",
                 {{host_,
                   {{{"type", "sigstoreSigned"},
                     {"keyPath", pub_},
                     {"signedIdentity", {{"type", "matchRepository"}}}}}}}}}}};
    testing::write(w() / "verify.json", p.dump());
    return (w() / "verify.json").string();
  }
};

TEST_P(CosignPeers, SkopeoVerifiesOurSignaturesAndWeVerifySkopeos) {
  start(GetParam());
  // charthouse signs, skopeo verifies (and refuses an unsigned chart).
  std::string ours = push_chart("ours");
  ASSERT_EQ(ch({"sign", "oci://" + host_ + "/ours/my-app:1.0.0", "--key", key_}).code, 0);
  auto ok = skopeo({"--policy", verify_policy(), "copy", "--src-tls-verify=false",
                    "docker://" + host_ + "/ours/my-app:1.0.0", "dir:" + (w() / "d1").string()});
  EXPECT_EQ(ok.code, 0) << ok.err;
  push_chart("unsigned");
  auto refused =
      skopeo({"--policy", verify_policy(), "copy", "--src-tls-verify=false",
              "docker://" + host_ + "/unsigned/my-app:1.0.0", "dir:" + (w() / "d2").string()});
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.err.find("signature"), std::string::npos) << refused.err;

  // skopeo signs (in place, as a release pipeline would), charthouse verifies.
  std::string theirs = push_chart("theirs");
  auto sign = skopeo({"--policy", (w() / "accept.json").string(), "copy", "--src-tls-verify=false",
                      "--dest-tls-verify=false", "--sign-by-sigstore-private-key", key_,
                      "--sign-passphrase-file", (kFixture / "key.password").string(),
                      "docker://" + host_ + "/theirs/my-app:1.0.0",
                      "docker://" + host_ + "/theirs/my-app:1.0.0"});
  ASSERT_EQ(sign.code, 0) << sign.err;
  ASSERT_EQ(digest_of_tag("theirs/my-app", "1.0.0"), theirs) << "signing kept the chart as is";
  auto v = ch({"verify", "oci://" + host_ + "/theirs/my-app:1.0.0", "--key", pub_});
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find(sig_tag(theirs)), std::string::npos) << v.out;
  // ...and adds its own signature next to skopeo's, which skopeo still accepts.
  auto [other_key, other_pub] = openssl_key("other");
  ASSERT_EQ(
      ch({"sign", "oci://" + host_ + "/theirs/my-app:1.0.0", "--key", other_key.string()}).code, 0);
  ok = skopeo({"--policy", verify_policy(), "copy", "--src-tls-verify=false",
               "docker://" + host_ + "/theirs/my-app:1.0.0", "dir:" + (w() / "d3").string()});
  EXPECT_EQ(ok.code, 0) << ok.err;
  (void)ours;
}

TEST_P(CosignPeers, SigstoreJsVerifiesOurBundles) {
  if (!stdfs::exists(stdfs::path(CH_TOOLS_DIR) / "sigstore/node_modules/@sigstore/verify"))
    GTEST_SKIP() << "run scripts/install-sigstore-peers";
  start(GetParam());
  std::string digest = push_chart("js");
  ASSERT_EQ(ch({"sign", "oci://" + host_ + "/js/my-app:1.0.0", "--key", key_, "--bundle"}).code, 0);
  std::string referrer;
  if (GetParam() == Peer::kServe) {
    referrer = json::parse(get("/v2/js/my-app/referrers/" + digest).body)["manifests"][0]["digest"];
  } else {
    referrer = json::parse(
        get("/v2/js/my-app/manifests/sha256-" + digest.substr(7)).body)["manifests"][0]["digest"];
  }
  auto m = json::parse(get("/v2/js/my-app/manifests/" + referrer).body);
  std::string bundle =
      get("/v2/js/my-app/blobs/" + m["layers"][0]["digest"].get<std::string>()).body;
  testing::write(w() / "bundle.json", bundle);
  std::string hint = json::parse(bundle)["verificationMaterial"]["publicKey"]["hint"];
  auto js = run({"/usr/bin/node", kSigstoreVerify, (w() / "bundle.json").string(), pub_, hint,
                 digest.substr(7)});
  EXPECT_EQ(js.code, 0) << js.out << js.err;
  EXPECT_NE(js.out.find("verified"), std::string::npos) << js.out;
  // The JS verifier refuses it for another artifact digest and with another key.
  auto other_digest = run({"/usr/bin/node", kSigstoreVerify, (w() / "bundle.json").string(), pub_,
                           hint, std::string(64, 'a')});
  EXPECT_EQ(other_digest.code, 1) << other_digest.out;
  auto [other_key, other_pub] = openssl_key("other");
  auto other_key_check = run({"/usr/bin/node", kSigstoreVerify, (w() / "bundle.json").string(),
                              other_pub.string(), hint, digest.substr(7)});
  EXPECT_EQ(other_key_check.code, 1) << other_key_check.out;
}

INSTANTIATE_TEST_SUITE_P(Registries, CosignPeers,
                         ::testing::Values(Peer::kServe, Peer::kDistribution),
                         [](const auto& info) {
                           return info.param == Peer::kServe ? "Serve" : "Distribution";
                         });

}  // namespace
}  // namespace ch
