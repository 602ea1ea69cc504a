// Three `charthouse serve` nodes on one RGW bucket and one PostgreSQL database, behind nginx
// as a round-robin load balancer: what one node acknowledges every node serves at once
// (Helm 3 and 4 push then pull at once, many times), skopeo copies an image in and out, an
// upload session moves between nodes chunk by chunk, two nodes race on one tag, a node is
// SIGKILLed mid-upload while the others serve, garbage collection on one node runs while
// pushes go through the others, a fresh node with an empty disk serves everything, and
// PostgreSQL restarts under the cluster.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "http_client.hpp"
#include "object_store.hpp"
#include "postgres.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using nlohmann::json;
using testing::HttpClient;
using testing::random_bytes;
using testing::run;

// One cluster for the whole suite (starting RGW, PostgreSQL and the nodes once).
struct Cluster {
  fs::TempDir tmp;
  std::string bucket, database, metadata;
  std::vector<std::unique_ptr<testing::Process>> nodes;
  std::vector<int> ports;
  std::unique_ptr<testing::Process> balancer;
  int lb_port = 0;
  int started = 0;

  std::vector<std::string> node_args(const std::vector<std::string>& extra = {}) {
    const auto& s3 = testing::shared_object_store();
    std::vector<std::string> args = {"--storage",     "s3://" + bucket + "/registry",
                                     "--s3-endpoint", s3.endpoint,
                                     "--metadata",    metadata,
                                     "--access-log",  "false"};
    if (std::find(extra.begin(), extra.end(), "--gc-interval") == extra.end())
      args.insert(args.end(), {"--gc-interval", "0"});  // collection only where a test wants it
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // A node with an empty --root of its own.
  std::unique_ptr<testing::Process> start_node(int* port,
                                               const std::vector<std::string>& extra = {}) {
    std::string root = (tmp.path() / ("node" + std::to_string(started++))).string();
    return testing::start_server(CH_BINARY, root, node_args(extra), port,
                                 testing::s3_env(testing::shared_object_store()));
  }
  std::string node_url(std::size_t i) const {
    return "http://127.0.0.1:" + std::to_string(ports[i]);
  }
  std::string lb_host() const { return "127.0.0.1:" + std::to_string(lb_port); }
  std::string lb_url() const { return "http://" + lb_host(); }
};

Cluster* cluster = nullptr;

class ClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster = new Cluster;
    cluster->bucket = "cluster-" + std::to_string(::getpid());
    testing::create_bucket(testing::shared_object_store(), cluster->bucket);
    cluster->database = "cluster";
    testing::shared_postgres().create_database(cluster->database);
    cluster->metadata = testing::shared_postgres().conninfo(cluster->database);
    for (int i = 0; i < 3; ++i) {
      int port = 0;
      cluster->nodes.push_back(cluster->start_node(&port));
      cluster->ports.push_back(port);
    }
    cluster->balancer =
        testing::start_balancer(cluster->ports, cluster->tmp.path().string(), &cluster->lb_port);
  }
  static void TearDownTestSuite() {
    delete cluster;
    cluster = nullptr;
  }
  Cluster& c() { return *cluster; }

  std::map<std::string, std::string> helm_env() {
    auto w = tmp_.path();
    return {{"HELM_CONFIG_HOME", (w / "hc").string()},
            {"HELM_CACHE_HOME", (w / "hk").string()},
            {"HELM_DATA_HOME", (w / "hd").string()},
            {"HOME", w.string()}};
  }
  stdfs::path package(const std::string& name, const std::string& version) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version, {{"values.yaml", "build: \"" + version + "\"\n"}});
    auto r = run({CH_BINARY, "package", dir.string(), "-d", tmp_.path().string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return tmp_.path() / (name + "-" + version + ".tgz");
  }
  // Pushes a blob in one POST to `base`; returns its digest.
  std::string push_blob(HttpClient& http, const std::string& base, const std::string& repo,
                        const std::string& data) {
    std::string d = digest_of(data).str();
    auto r = http.request("POST", base + "/v2/" + repo + "/blobs/uploads/?digest=" + d, {}, data);
    EXPECT_EQ(r.status, 201) << r.body;
    return d;
  }
  // Pushes a one-layer image manifest; returns its digest.
  std::string push_image(HttpClient& http, const std::string& base, const std::string& repo,
                         const std::string& tag, const std::string& salt) {
    std::string cfg = "{\"salt\":\"" + salt + "\"}";
    std::string layer = "layer of " + salt;
    std::string cd = push_blob(http, base, repo, cfg);
    std::string ld = push_blob(http, base, repo, layer);
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config",
               {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                {"digest", cd},
                {"size", cfg.size()}}},
              {"layers", json::array({{{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                       {"digest", ld},
                                       {"size", layer.size()}}})}};
    std::string body = m.dump();
    auto r = http.request("PUT", base + "/v2/" + repo + "/manifests/" + tag,
                          {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return digest_of(body).str();
  }
  std::string resolve(HttpClient& http, const std::string& base, const std::string& repo,
                      const std::string& tag) {
    auto r = http.request("HEAD", base + "/v2/" + repo + "/manifests/" + tag,
                          {"Accept: application/vnd.oci.image.manifest.v1+json"});
    return r.status == 200 ? r.header("docker-content-digest")
                           : "status " + std::to_string(r.status);
  }
  fs::TempDir tmp_;
};

TEST_F(ClusterTest, TheRegistryApiThroughTheBalancer) {
  HttpClient http;
  const std::string base = c().lb_url();
  EXPECT_EQ(http.request("GET", base + "/v2/").status, 200);
  std::string md = push_image(http, base, "api/app", "v1", "api");
  // Every node answers the same, right away.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(resolve(http, c().node_url(i), "api/app", "v1"), md) << "node " << i;
    auto tags = http.request("GET", c().node_url(i) + "/v2/api/app/tags/list");
    EXPECT_EQ(json::parse(tags.body)["tags"], json::array({"v1"}));
    auto cat = http.request("GET", c().node_url(i) + "/v2/_catalog");
    EXPECT_NE(cat.body.find("\"api/app\""), std::string::npos);
  }
  // A referrer pushed through one node is listed by the others.
  std::string empty = "{}";
  std::string ed = push_blob(http, base, "api/app", empty);
  json ref = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
      {"artifactType", "application/vnd.example.sbom"},
      {"config", {{"mediaType", "application/vnd.oci.empty.v1+json"}, {"digest", ed}, {"size", 2}}},
      {"layers",
       json::array(
           {{{"mediaType", "application/vnd.oci.empty.v1+json"}, {"digest", ed}, {"size", 2}}})},
      {"subject",
       {{"mediaType", "application/vnd.oci.image.manifest.v1+json"}, {"digest", md}, {"size", 1}}}};
  std::string rb = ref.dump();
  auto put = http.request("PUT", c().node_url(0) + "/v2/api/app/manifests/" + digest_of(rb).str(),
                          {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, rb);
  ASSERT_EQ(put.status, 201) << put.body;
  for (std::size_t i = 0; i < 3; ++i) {
    auto refs = http.request("GET", c().node_url(i) + "/v2/api/app/referrers/" + md);
    EXPECT_EQ(json::parse(refs.body)["manifests"].size(), 1u) << "node " << i;
  }
  // A delete on one node is seen by all.
  auto del = http.request("DELETE", c().node_url(1) + "/v2/api/app/manifests/" + md);
  EXPECT_EQ(del.status, 202);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(resolve(http, c().node_url(i), "api/app", "v1"), "status 404") << "node " << i;
  // Readiness and liveness report both stores.
  auto ready = http.request("GET", c().node_url(2) + "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(json::parse(ready.body)["stores"], json({{"blobs", "ok"}, {"metadata", "ok"}}));
}

// Each node's copies of blobs it served: a blob deleted through one node is gone from every
// node at once, including the one that holds a copy.
TEST_F(ClusterTest, ABlobDeletedOnOneNodeIsGoneFromANodeHoldingACopy) {
  HttpClient http;
  std::string data = random_bytes(3 << 20, 71);
  std::string d = push_blob(http, c().node_url(0), "copies/app", data);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_TRUE(http.request("GET", c().node_url(i) + "/v2/copies/app/blobs/" + d).body == data);
  // Node 2's copy is made in the background; wait (bounded) for it.
  auto fills = [&] {
    std::string m = http.request("GET", c().node_url(2) + "/metrics").body;
    const std::string key = "\ncharthouse_blob_cache_fills_total ";
    auto at = m.find(key);
    return at == std::string::npos ? -1L : std::stol(m.substr(at + key.size()));
  };
  for (int i = 0; i < 600 && fills() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_GE(fills(), 1);
  auto again = http.request("GET", c().node_url(2) + "/v2/copies/app/blobs/" + d);
  EXPECT_TRUE(again.body == data);
  EXPECT_EQ(http.request("DELETE", c().node_url(1) + "/v2/copies/app/blobs/" + d).status, 202);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(http.request("GET", c().node_url(i) + "/v2/copies/app/blobs/" + d).status, 404)
        << "node " << i;
}

TEST_F(ClusterTest, HelmPushesAndPullsAtOnceThroughTheBalancerEveryTime) {
  const std::string host = c().lb_host();
  auto env = helm_env();
  for (const std::string& helm : {testing::kHelm3, testing::kHelm4}) {
    const std::string name = helm == testing::kHelm3 ? "helm3chart" : "helm4chart";
    for (int i = 0; i < 8; ++i) {
      std::string version = "1.0." + std::to_string(i);
      auto tgz = package(name, version);
      auto push = run({helm, "push", tgz.string(), "oci://" + host + "/helm", "--plain-http"},
                      tmp_.path(), env);
      ASSERT_EQ(push.code, 0) << push.err;
      auto out = tmp_.path() / ("out-" + name + version);
      stdfs::create_directories(out);
      auto pull = run({helm, "pull", "oci://" + host + "/helm/" + name, "--version", version,
                       "--plain-http", "-d", out.string()},
                      tmp_.path(), env);
      ASSERT_EQ(pull.code, 0) << helm << " " << version << ": " << pull.err;
      EXPECT_EQ(testing::read(out / (name + "-" + version + ".tgz")), testing::read(tgz));
    }
  }
  // The classic view on any node lists every version.
  HttpClient http;
  for (std::size_t i = 0; i < 3; ++i) {
    auto index = http.request("GET", c().node_url(i) + "/helm/index.yaml");
    ASSERT_EQ(index.status, 200);
    EXPECT_NE(index.body.find("version: 1.0.7"), std::string::npos) << "node " << i;
  }
}

TEST_F(ClusterTest, SkopeoCopiesAnImageInAndOut) {
  auto src = tmp_.path() / "oci-src";
  stdfs::create_directories(src / "blobs/sha256");
  // A gzip layer (skopeo would compress an uncompressed one on the way in).
  testing::write(tmp_.path() / "layer", random_bytes(3 << 20, 31));
  ASSERT_EQ(run({"/bin/gzip", "-n", (tmp_.path() / "layer").string()}).code, 0);
  std::string layer = testing::read(tmp_.path() / "layer.gz");
  Digest ld = digest_of(layer);
  testing::write(src / "blobs/sha256" / ld.hex, layer);
  std::string cfg =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[")" + ld.str() +
      R"("]},"config":{}})";
  Digest cd = digest_of(cfg);
  testing::write(src / "blobs/sha256" / cd.hex, cfg);
  json m = {{"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"config",
             {{"mediaType", "application/vnd.oci.image.config.v1+json"},
              {"digest", cd.str()},
              {"size", cfg.size()}}},
            {"layers", json::array({{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                     {"digest", ld.str()},
                                     {"size", layer.size()}}})}};
  std::string mb = m.dump();
  Digest md = digest_of(mb);
  testing::write(src / "blobs/sha256" / md.hex, mb);
  testing::write(
      src / "index.json",
      json({{"schemaVersion", 2},
            {"manifests",
             json::array({{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                           {"digest", md.str()},
                           {"size", mb.size()},
                           {"annotations", {{"org.opencontainers.image.ref.name", "v1"}}}}})}})
          .dump());
  testing::write(src / "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  auto env = std::map<std::string, std::string>{{"HOME", tmp_.path().string()}};
  auto in = run({"/usr/bin/skopeo", "copy", "--dest-tls-verify=false",
                 "oci:" + src.string() + ":v1", "docker://" + c().lb_host() + "/images/app:v1"},
                {}, env);
  ASSERT_EQ(in.code, 0) << in.err;
  auto out = tmp_.path() / "oci-out";
  auto back = run({"/usr/bin/skopeo", "copy", "--src-tls-verify=false",
                   "docker://" + c().lb_host() + "/images/app:v1", "oci:" + out.string() + ":v1"},
                  {}, env);
  ASSERT_EQ(back.code, 0) << back.err;
  EXPECT_EQ(testing::read(out / "blobs/sha256" / ld.hex), layer);
  EXPECT_EQ(testing::read(out / "blobs/sha256" / md.hex), mb);
}

TEST_F(ClusterTest, AChunkedUploadWhoseEveryChunkHitsAnotherNode) {
  HttpClient http;
  std::string data = random_bytes((11 << 20) + 123, 41);
  std::string d = digest_of(data).str();
  auto post = http.request("POST", c().node_url(0) + "/v2/chunks/blobs/uploads/");
  ASSERT_EQ(post.status, 202);
  std::string loc = post.header("location");
  const std::size_t chunk = 3 << 20;
  std::size_t node = 1;
  for (std::size_t off = 0; off < data.size(); off += chunk, node = (node + 1) % 3) {
    std::string piece = data.substr(off, chunk);
    // The session's progress is the same on every node.
    auto status = http.request("GET", c().node_url((node + 1) % 3) + loc);
    ASSERT_EQ(status.status, 204);
    EXPECT_EQ(status.header("range"), off == 0 ? "0-0" : "0-" + std::to_string(off - 1));
    auto patch = http.request(
        "PATCH", c().node_url(node) + loc,
        {"Content-Range: " + std::to_string(off) + "-" + std::to_string(off + piece.size() - 1)},
        piece);
    ASSERT_EQ(patch.status, 202) << patch.body;
    loc = patch.header("location");
  }
  // An out-of-order chunk is refused by any node.
  auto bad = http.request("PATCH", c().node_url(2) + loc, {"Content-Range: 0-9"}, "0123456789");
  EXPECT_EQ(bad.status, 416);
  auto put = http.request("PUT", c().node_url(0) + loc + "&digest=" + d);
  ASSERT_EQ(put.status, 201) << put.body;
  for (std::size_t i = 0; i < 3; ++i) {
    auto get = http.request("GET", c().node_url(i) + "/v2/chunks/blobs/" + d);
    EXPECT_EQ(get.status, 200);
    EXPECT_TRUE(get.body == data) << "node " << i;
  }
  // The same through the balancer: nginx spreads the requests.
  std::string other = random_bytes((6 << 20) + 7, 42);
  auto p2 = http.request("POST", c().lb_url() + "/v2/chunks/blobs/uploads/");
  ASSERT_EQ(p2.status, 202);
  loc = p2.header("location");
  for (std::size_t off = 0; off < other.size(); off += 1 << 20) {
    std::string piece = other.substr(off, 1 << 20);
    auto patch = http.request("PATCH", c().lb_url() + loc, {}, piece);
    ASSERT_EQ(patch.status, 202) << patch.body;
    loc = patch.header("location");
  }
  auto put2 = http.request("PUT", c().lb_url() + loc + "&digest=" + digest_of(other).str());
  ASSERT_EQ(put2.status, 201) << put2.body;
  EXPECT_TRUE(
      http.request("GET", c().lb_url() + "/v2/chunks/blobs/" + digest_of(other).str()).body ==
      other);
}

TEST_F(ClusterTest, TwoNodesRacingOnOneTagEndInOneConsistentState) {
  HttpClient setup;
  for (int round = 0; round < 10; ++round) {
    const std::string tag = "race" + std::to_string(round);
    std::string pushed[2];
    std::vector<std::thread> threads;
    for (int n = 0; n < 2; ++n)
      threads.emplace_back([&, n] {
        HttpClient http;
        pushed[n] = push_image(http, c().node_url(static_cast<std::size_t>(n)), "race/app", tag,
                               "r" + std::to_string(round) + "n" + std::to_string(n));
      });
    for (auto& t : threads) t.join();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < 3; ++i)
      seen.insert(resolve(setup, c().node_url(i), "race/app", tag));
    ASSERT_EQ(seen.size(), 1u) << "nodes disagree on " << tag;
    EXPECT_TRUE(*seen.begin() == pushed[0] || *seen.begin() == pushed[1]) << *seen.begin();
    // Both manifests are stored (by digest) everywhere.
    for (const auto& d : pushed) EXPECT_EQ(resolve(setup, c().node_url(2), "race/app", d), d);
  }
}

TEST_F(ClusterTest, ANodeKilledMidUploadLosesNothingAcknowledgedAndAFreshNodeServesAll) {
  HttpClient http;
  std::string before = push_image(http, c().lb_url(), "kill/app", "before", "kill-before");
  // An upload in progress on a fourth node, which dies in the middle of a chunk.
  int port = 0;
  auto victim = c().start_node(&port);
  const std::string vurl = "http://127.0.0.1:" + std::to_string(port);
  std::string data = random_bytes(12 << 20, 51);
  auto post = http.request("POST", vurl + "/v2/kill/blobs/uploads/");
  ASSERT_EQ(post.status, 202);
  std::string loc = post.header("location");
  auto first =
      http.request("PATCH", vurl + loc, {"Content-Range: 0-4194303"}, data.substr(0, 4 << 20));
  ASSERT_EQ(first.status, 202);
  loc = first.header("location");
  {
    // A chunk whose body is half sent when the node is killed.
    int fd = testing::connect_loopback(port);
    ASSERT_GE(fd, 0);
    std::string head = "PATCH " + loc + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                       std::to_string(8 << 20) + "\r\nContent-Range: 4194304-12582911\r\n\r\n";
    std::string half = head + data.substr(4 << 20, 4 << 20);
    for (std::size_t sent = 0; sent < half.size();) {
      ssize_t n = ::send(fd, half.data() + sent, half.size() - sent, MSG_NOSIGNAL);
      ASSERT_GT(n, 0);
      sent += static_cast<std::size_t>(n);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    victim->signal(SIGKILL);
    victim->wait();
    ::close(fd);
  }
  // The others go on serving, and the session continues elsewhere from what was acknowledged.
  EXPECT_EQ(resolve(http, c().lb_url(), "kill/app", "before"), before);
  auto status = http.request("GET", c().node_url(1) + loc);
  ASSERT_EQ(status.status, 204);
  const std::string range = status.header("range");
  std::uint64_t have = std::stoull(range.substr(2)) + 1;
  EXPECT_EQ(have, 4u << 20);  // the acknowledged chunk, not the half one
  auto rest = http.request(
      "PATCH", c().node_url(1) + loc,
      {"Content-Range: " + std::to_string(have) + "-" + std::to_string(data.size() - 1)},
      data.substr(have));
  ASSERT_EQ(rest.status, 202) << rest.body;
  auto put = http.request(
      "PUT", c().node_url(2) + rest.header("location") + "&digest=" + digest_of(data).str());
  ASSERT_EQ(put.status, 201) << put.body;

  // A fresh node (empty disk) serves everything the cluster holds.
  int fresh_port = 0;
  auto fresh = c().start_node(&fresh_port);
  const std::string furl = "http://127.0.0.1:" + std::to_string(fresh_port);
  EXPECT_EQ(resolve(http, furl, "kill/app", "before"), before);
  EXPECT_TRUE(http.request("GET", furl + "/v2/kill/blobs/" + digest_of(data).str()).body == data);
  auto cat = http.request("GET", furl + "/v2/_catalog");
  EXPECT_NE(cat.body.find("\"kill/app\""), std::string::npos);
}

TEST_F(ClusterTest, GarbageCollectionOnOneNodeWhilePushesGoThroughTheOthers) {
  // A collecting node with no grace for untagged manifests... and a short one for blobs.
  int port = 0;
  auto collector = c().start_node(&port, {"--gc-interval", "1", "--gc-grace", "2"});
  HttpClient http;
  // Garbage: an untagged image and a blob nobody references.
  std::string doomed = push_image(http, c().node_url(0), "gc/app", "temp", "doomed");
  ASSERT_EQ(http.request("DELETE", c().node_url(0) + "/v2/gc/app/manifests/temp").status, 202);
  std::string orphan = push_blob(http, c().node_url(1), "gc/app", "orphan blob");
  // Pushes through the other nodes meanwhile, for a few collection rounds.
  std::vector<std::string> pushed;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(6);
  for (int i = 0; std::chrono::steady_clock::now() < until; ++i) {
    std::string tag = "keep" + std::to_string(i);
    pushed.push_back(tag);
    std::string d = push_image(http, c().node_url(static_cast<std::size_t>(i % 2)), "gc/app", tag,
                               "keep" + std::to_string(i));
    ASSERT_FALSE(d.empty());
  }
  std::this_thread::sleep_for(std::chrono::seconds(4));
  // Everything tagged is whole: manifest, config and layer.
  for (const auto& tag : pushed) {
    auto m = http.request("GET", c().node_url(2) + "/v2/gc/app/manifests/" + tag,
                          {"Accept: application/vnd.oci.image.manifest.v1+json"});
    ASSERT_EQ(m.status, 200) << tag;
    auto j = json::parse(m.body);
    for (const std::string& d :
         {j["config"]["digest"].get<std::string>(), j["layers"][0]["digest"].get<std::string>()})
      EXPECT_EQ(http.request("GET", c().node_url(2) + "/v2/gc/app/blobs/" + d).status, 200)
          << tag << " " << d;
  }
  // The garbage went.
  EXPECT_EQ(http.request("GET", c().node_url(0) + "/v2/gc/app/manifests/" + doomed).status, 404);
  EXPECT_EQ(http.request("GET", c().node_url(0) + "/v2/gc/app/blobs/" + orphan).status, 404);
}

TEST_F(ClusterTest, PostgresRestartingUnderTheClusterIsRiddenOut) {
  HttpClient http;
  std::string d = push_image(http, c().lb_url(), "pg/app", "v1", "pg-before");
  testing::shared_postgres().restart();
  // Every node reconnects on its next request.
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(resolve(http, c().node_url(i), "pg/app", "v1"), d);
  std::string d2 = push_image(http, c().lb_url(), "pg/app", "v2", "pg-after");
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(resolve(http, c().node_url(i), "pg/app", "v2"), d2);
  // While it is down, requests get 503 with an OCI error, and readiness says so.
  testing::shared_postgres().stop();
  auto down = http.request("GET", c().node_url(0) + "/v2/pg/app/tags/list");
  EXPECT_EQ(down.status, 503);
  EXPECT_NE(down.body.find("UNAVAILABLE"), std::string::npos) << down.body;
  EXPECT_EQ(http.request("GET", c().node_url(0) + "/readyz").status, 503);
  testing::shared_postgres().start();
  EXPECT_EQ(resolve(http, c().node_url(0), "pg/app", "v2"), d2);
  EXPECT_EQ(http.request("GET", c().node_url(0) + "/readyz").status, 200);
}

// The ChartMuseum API and the classic view on different nodes; metrics per node.
TEST_F(ClusterTest, ChartMuseumUploadsAreServedByEveryNode) {
  HttpClient http;
  auto tgz = package("museum", "2.0.0");
  auto up = http.request("POST", c().node_url(0) + "/api/cm/charts", {}, testing::read(tgz));
  ASSERT_EQ(up.status, 201) << up.body;
  auto again = http.request("POST", c().node_url(1) + "/api/cm/charts", {}, testing::read(tgz));
  EXPECT_EQ(again.status, 409);  // the version exists, whichever node is asked
  auto listed = http.request("GET", c().node_url(1) + "/api/cm/charts/museum");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(json::parse(listed.body)[0]["version"], "2.0.0");
  auto index = http.request("GET", c().node_url(2) + "/cm/index.yaml");
  EXPECT_NE(index.body.find("museum"), std::string::npos);
  auto file = http.request("GET", c().node_url(2) + "/cm/charts/museum-2.0.0.tgz");
  EXPECT_EQ(file.status, 200);
  EXPECT_TRUE(file.body == testing::read(tgz));
  auto metrics = http.request("GET", c().node_url(2) + "/metrics");
  EXPECT_NE(metrics.body.find("charthouse_http_requests_total"), std::string::npos);
  EXPECT_EQ(metrics.body.find(testing::shared_object_store().secret_key), std::string::npos);
  auto del = http.request("DELETE", c().node_url(0) + "/api/cm/charts/museum/2.0.0");
  EXPECT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(http.request("GET", c().node_url(1) + "/cm/charts/museum-2.0.0.tgz").status, 404);
}

// Token auth across nodes: the signing key is shared configuration (--token-key), so a token
// issued by one node is accepted by every other.
TEST_F(ClusterTest, TokensIssuedByOneNodeAreAcceptedByEveryNode) {
  auto htpasswd = tmp_.path() / "htpasswd";
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd.string(), "alice", "wonderland"}).code, 0);
  const std::vector<std::string> auth = {"--auth",      "token",
                                         "--htpasswd",  htpasswd.string(),
                                         "--token-key", (tmp_.path() / "token.key").string()};
  int px = 0, py = 0;
  auto x = c().start_node(&px, auth);
  auto y = c().start_node(&py, auth);
  const std::string ux = "http://127.0.0.1:" + std::to_string(px);
  const std::string uy = "http://127.0.0.1:" + std::to_string(py);
  HttpClient http;
  EXPECT_EQ(http.request("GET", uy + "/v2/").status, 401);
  auto t = http.request("GET", ux + "/token?service=charthouse&scope=repository:tok/app:pull,push",
                        {"Authorization: Basic YWxpY2U6d29uZGVybGFuZA=="});  // alice:wonderland
  ASSERT_EQ(t.status, 200) << t.body;
  const std::string bearer =
      "Authorization: Bearer " + json::parse(t.body)["token"].get<std::string>();
  std::string data = "pushed with a token from another node";
  std::string d = digest_of(data).str();
  auto push = http.request("POST", uy + "/v2/tok/app/blobs/uploads/?digest=" + d, {bearer}, data);
  EXPECT_EQ(push.status, 201) << push.body;
  auto get = http.request("GET", ux + "/v2/tok/app/blobs/" + d, {bearer});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, data);
  EXPECT_EQ(http.request("GET", ux + "/v2/tok/app/blobs/" + d).status, 401);
}

// `charthouse migrate`: an embedded root (what `make demo` runs) moved onto RGW + PostgreSQL,
// served there by a node with an empty disk exactly as the embedded server served it.
TEST_F(ClusterTest, MigrateMovesAnEmbeddedRootOntoTheScaleOutStores) {
  const auto& s3 = testing::shared_object_store();
  auto root = tmp_.path() / "embedded";
  int port = 0;
  auto embedded = testing::start_server(CH_BINARY, root.string(), {"--gc-interval", "0"}, &port);
  const std::string host = "127.0.0.1:" + std::to_string(port);
  HttpClient http;
  for (const std::string v : {"1.0.0", "1.1.0"}) {
    auto push = run({CH_BINARY, "push", package("moved", v).string(), "oci://" + host + "/charts",
                     "--plain-http"});
    ASSERT_EQ(push.code, 0) << push.err;
  }
  std::string image = push_image(http, "http://" + host, "apps/web", "v1", "migrated");
  std::string untagged = push_image(http, "http://" + host, "apps/web", "tmp", "untagged");
  ASSERT_EQ(http.request("DELETE", "http://" + host + "/v2/apps/web/manifests/tmp").status, 202);
  // An index over the image (its child must arrive first).
  std::string image_size =
      std::to_string(http.request("GET", "http://" + host + "/v2/apps/web/manifests/v1",
                                  {"Accept: application/vnd.oci.image.manifest.v1+json"})
                         .body.size());
  json index = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.index.v1+json"},
      {"manifests", json::array({{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                  {"digest", image},
                                  {"size", std::stoll(image_size)}}})}};
  ASSERT_EQ(http.request("PUT", "http://" + host + "/v2/apps/web/manifests/multi",
                         {"Content-Type: application/vnd.oci.image.index.v1+json"}, index.dump())
                .status,
            201);
  std::string index_yaml = http.request("GET", "http://" + host + "/charts/index.yaml").body;
  embedded->signal(SIGTERM);
  ASSERT_EQ(embedded->wait(), 0);

  const std::string bucket = "migrated-" + std::to_string(::getpid());
  testing::create_bucket(s3, bucket);
  testing::shared_postgres().create_database("migrated");
  const std::string metadata = testing::shared_postgres().conninfo("migrated");
  std::vector<std::string> argv = {CH_BINARY,       "migrate",   "--root",
                                   root.string(),   "--storage", "s3://" + bucket + "/r",
                                   "--s3-endpoint", s3.endpoint, "--metadata",
                                   metadata};
  auto first = run(argv, {}, testing::s3_env(s3));
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("2 repositories, 5 manifests, 4 tags"), std::string::npos)
      << first.out << first.err;
  EXPECT_NE(first.out.find(" 0 already there"), std::string::npos) << first.out;
  // Again: everything is there already, nothing changes (an interrupted run resumes so).
  auto again = run(argv, {}, testing::s3_env(s3));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("migrated: 0 blobs copied (0 bytes)"), std::string::npos) << again.out;

  // A node with an empty disk on the migrated stores serves everything as before.
  auto node = testing::start_server(CH_BINARY, (tmp_.path() / "fresh").string(),
                                    {"--storage", "s3://" + bucket + "/r", "--s3-endpoint",
                                     s3.endpoint, "--metadata", metadata, "--gc-interval", "0"},
                                    &port, testing::s3_env(s3));
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto out = tmp_.path() / "pulled";
  stdfs::create_directories(out);
  auto pull =
      run({testing::kHelm3, "pull", "oci://127.0.0.1:" + std::to_string(port) + "/charts/moved",
           "--version", "1.1.0", "--plain-http", "-d", out.string()},
          tmp_.path(), helm_env());
  ASSERT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(testing::read(out / "moved-1.1.0.tgz"), testing::read(tmp_.path() / "moved-1.1.0.tgz"));
  EXPECT_EQ(resolve(http, base, "apps/web", "v1"), image);
  EXPECT_EQ(resolve(http, base, "apps/web", untagged), untagged);  // untagged manifests too
  auto multi = http.request("GET", base + "/v2/apps/web/manifests/multi",
                            {"Accept: application/vnd.oci.image.index.v1+json"});
  EXPECT_EQ(multi.status, 200);
  EXPECT_EQ(multi.body, index.dump());
  std::string moved_index = http.request("GET", base + "/charts/index.yaml").body;
  auto entries = [](const std::string& yaml) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < yaml.size()) {
      auto nl = yaml.find('\n', pos);
      std::string line = yaml.substr(pos, nl - pos);
      if (line.find("generated:") == std::string::npos) lines.push_back(line);
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    return lines;
  };
  EXPECT_EQ(entries(moved_index), entries(index_yaml));

  // A blob whose file no longer matches its digest is reported, not copied.
  std::string victim;
  for (const auto& f : testing::list_files(root / "blobs")) victim = f;
  ASSERT_FALSE(victim.empty());
  std::string bytes = testing::read(root / "blobs" / victim);
  bytes[0] = static_cast<char>(bytes[0] ^ 1);
  testing::write(root / "blobs" / victim, bytes);
  const std::string bucket2 = bucket + "-b";
  testing::create_bucket(s3, bucket2);
  testing::shared_postgres().create_database("migrated_b");
  argv[5] = "s3://" + bucket2;
  argv[9] = testing::shared_postgres().conninfo("migrated_b");
  auto bad = run(argv, {}, testing::s3_env(s3));
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("not copied"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("items could not be migrated"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ch
