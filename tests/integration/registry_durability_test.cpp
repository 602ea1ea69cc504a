// charthouse serve under stress: SIGKILL during uploads, manifest puts and GC must leave a
// store that serves every acknowledged object intact and nothing partial; many clients
// pushing the same blobs and tags and deleting at once leave a consistent store, and GC
// then frees exactly the garbage.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;

struct Pushed {
  std::string repo, tag, manifest, manifest_digest;
  std::vector<std::string> blobs;  // contents
};

std::string blob_content(int i, size_t size) {
  std::string s(size, '\0');
  std::mt19937 rng(static_cast<unsigned>(i));
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Pushes one image (config + layer, layer sent in chunks) and its manifest under `tag`.
// Returns false as soon as anything fails (the server may be gone).
bool push_image(testing::HttpClient& http, const std::string& base, Pushed& p) {
  try {
    for (const auto& b : p.blobs) {
      std::string d = digest_of(b).str();
      auto post = http.request("POST", base + "/v2/" + p.repo + "/blobs/uploads/");
      if (post.status != 202) return false;
      std::string loc = post.header("location");
      size_t half = b.size() / 2;
      auto patch = http.request("PATCH", base + loc, {}, b.substr(0, half));
      if (patch.status != 202) return false;
      auto put =
          http.request("PUT", base + patch.header("location") + "&digest=" + d, {}, b.substr(half));
      if (put.status != 201) return false;
    }
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config",
               {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                {"digest", digest_of(p.blobs[0]).str()},
                {"size", p.blobs[0].size()}}},
              {"layers", json::array()}};
    for (size_t i = 1; i < p.blobs.size(); ++i)
      m["layers"].push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                             {"digest", digest_of(p.blobs[i]).str()},
                             {"size", p.blobs[i].size()}});
    p.manifest = m.dump();
    p.manifest_digest = digest_of(p.manifest).str();
    auto r = http.request("PUT", base + "/v2/" + p.repo + "/manifests/" + p.tag,
                          {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, p.manifest);
    return r.status == 201;
  } catch (const std::exception&) {
    return false;
  }
}

class Durability : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    server_ = testing::start_server(CH_BINARY, root().string(), extra, &port_);
    base_ = "http://127.0.0.1:" + std::to_string(port_);
  }
  stdfs::path root() { return tmp_.path() / "store"; }
  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0;
  std::string base_;
};

TEST_F(Durability, KillNineDuringPushesAndGcLosesNothingAcknowledged) {
  std::vector<Pushed> acknowledged;
  int next = 0;
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE(round);
    // Background GC every second, so kills also land inside collections (a short grace
    // keeps blobs of pushes in flight).
    start({"--gc-interval", "1", "--gc-grace", "2"});
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        testing::HttpClient http;
        while (!stop) {
          Pushed p;
          int id;
          {
            std::lock_guard lk(mu);
            id = next++;
          }
          p.repo = "crash/r" + std::to_string(c);
          p.tag = "t" + std::to_string(id);
          p.blobs = {"{\"id\":" + std::to_string(id) + "}",
                     blob_content(id, 200000 + (id % 7) * 100000)};
          if (!push_image(http, base_, p)) break;
          std::lock_guard lk(mu);
          acknowledged.push_back(p);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(700 + round * 300));
    server_->signal(SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    server_->wait();
    server_.reset();
  }
  ASSERT_GT(acknowledged.size(), 8u) << "the test pushed too little to mean anything";

  start();
  testing::HttpClient http;
  for (const auto& p : acknowledged) {
    auto m = http.request("GET", base_ + "/v2/" + p.repo + "/manifests/" + p.tag);
    ASSERT_EQ(m.status, 200) << p.repo << ":" << p.tag;
    EXPECT_EQ(m.body, p.manifest);
    for (const auto& b : p.blobs) {
      auto g = http.request("GET", base_ + "/v2/" + p.repo + "/blobs/" + digest_of(b).str());
      ASSERT_EQ(g.status, 200);
      EXPECT_EQ(g.body.size(), b.size());
      EXPECT_TRUE(g.body == b) << "blob content differs";
    }
  }
  // Nothing partial is visible: every blob file in the store has the digest it is named by.
  for (const auto& rel : testing::list_files(root() / "blobs")) {
    stdfs::path p = root() / "blobs" / rel;
    std::string alg = p.parent_path().parent_path().filename().string();
    EXPECT_EQ(
        digest_of_file(p, alg == "sha512" ? DigestAlgorithm::kSha512 : DigestAlgorithm::kSha256)
            .hex,
        p.filename().string())
        << rel;
  }
}

TEST_F(Durability, ConcurrentSameBlobsTagsAndDeletesThenExactGc) {
  start({"--gc-interval", "0"});
  const std::vector<std::string> shared = {"{\"shared\":true}", blob_content(1, 300000),
                                           blob_content(2, 100000)};
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      testing::HttpClient http;
      for (int i = 0; i < 12; ++i) {
        Pushed p;
        p.repo = "race/app";
        p.tag = "tag" + std::to_string(i % 4);  // everyone fights over the same 4 tags
        p.blobs = {shared[0], shared[1 + (i + c) % 2], blob_content(1000 + c * 100 + i, 5000)};
        if (!push_image(http, base_, p)) failures++;
        if (i % 3 == 2) {
          auto r = http.request("DELETE",
                                base_ + "/v2/race/app/manifests/tag" + std::to_string((i + 1) % 4));
          if (r.status != 202 && r.status != 404) failures++;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures, 0);

  // Consistency: every remaining tag resolves to a manifest whose blobs are all served.
  testing::HttpClient http;
  auto tags = json::parse(http.request("GET", base_ + "/v2/race/app/tags/list").body)["tags"];
  std::set<std::string> live;
  for (const auto& t : tags) {
    auto m = http.request("GET", base_ + "/v2/race/app/manifests/" + t.get<std::string>());
    ASSERT_EQ(m.status, 200) << t;
    auto doc = json::parse(m.body);
    live.insert(doc["config"]["digest"].get<std::string>());
    for (const auto& l : doc["layers"]) {
      live.insert(l["digest"].get<std::string>());
      EXPECT_EQ(http.request("HEAD", base_ + "/v2/race/app/blobs/" + l["digest"].get<std::string>())
                    .status,
                200);
    }
  }
  ASSERT_FALSE(live.empty());
  server_->signal(SIGTERM);
  ASSERT_EQ(server_->wait(), 0) << server_->stderr_text();

  // GC with no grace frees exactly the blobs no remaining manifest references (wait out
  // the second of the last writes: ages are counted in whole seconds).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto gc = testing::run({CH_BINARY, "gc", "--root", root().string(), "--grace", "0"});
  ASSERT_EQ(gc.code, 0) << gc.err;
  std::set<std::string> remaining;
  for (const auto& rel : testing::list_files(root() / "blobs")) {
    stdfs::path p(rel);
    remaining.insert(p.parent_path().parent_path().string() + ":" + p.filename().string());
  }
  EXPECT_EQ(remaining, live) << gc.out;

  start({"--gc-interval", "0"});
  for (const auto& d : live)
    EXPECT_EQ(http.request("HEAD", base_ + "/v2/race/app/blobs/" + d).status, 200);
}

TEST_F(Durability, SecondServerIsRefusedAndGcAsksTheRunningOne) {
  start({"--gc-interval", "0", "--gc-grace", "0"});
  int port = 0;
  EXPECT_THROW(testing::start_server(CH_BINARY, root().string(), {}, &port), std::runtime_error);
  // An unreferenced blob, collected by `charthouse gc` through the running server.
  testing::HttpClient http;
  std::string data = blob_content(7, 12345);
  std::string d = digest_of(data).str();
  ASSERT_EQ(http.request("POST", base_ + "/v2/gc/me/blobs/uploads/?digest=" + d, {}, data).status,
            201);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto dry = testing::run({CH_BINARY, "gc", "--root", root().string(), "--dry-run"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_EQ(dry.out, "would delete: 0 manifests, 1 blob links, 1 blobs (12345 bytes)\n");
  EXPECT_EQ(http.request("HEAD", base_ + "/v2/gc/me/blobs/" + d).status, 200)
      << "dry run deletes nothing";
  auto gc = testing::run({CH_BINARY, "gc", "--root", root().string()});
  ASSERT_EQ(gc.code, 0) << gc.err;
  EXPECT_EQ(gc.out.rfind("deleted: 0 manifests, 1 blob links, 1 blobs (12345 bytes)", 0), 0u)
      << gc.out;
  EXPECT_EQ(http.request("HEAD", base_ + "/v2/gc/me/blobs/" + d).status, 404);
  EXPECT_EQ(testing::list_files(root() / "blobs").size(), 0u);
  // The admin endpoint wants the token from the root.
  auto forged = http.request("POST", base_ + "/_charthouse/gc", {"X-Charthouse-Admin: guess"});
  EXPECT_EQ(forged.status, 403);
}

}  // namespace
}  // namespace ch
