// The object-store backend against a real Ceph RGW (scripts/s3-server, one per test process):
// the S3 client's calls, S3BlobStore's uploads (multipart, sessions continued by another
// store instance = another node, digest checks, cleanup) and `charthouse serve --storage s3://`
// end to end, with its configuration errors and an object store that goes away and comes back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "http_client.hpp"
#include "object_store.hpp"
#include "process.hpp"
#include "server/store/s3_blob_store.hpp"
#include "server/store/s3_client.hpp"
#include "testing.hpp"

namespace ch::server::store {
namespace {

namespace stdfs = std::filesystem;
using testing::HttpClient;
using testing::random_bytes;

std::string unique_bucket(const std::string& what) {
  static std::atomic<int> n{0};
  return "ch-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

S3Config config_for(const testing::ObjectStore& s, const std::string& bucket) {
  S3Config c;
  c.endpoint = s.endpoint;
  c.bucket = bucket;
  c.access_key = s.access_key;
  c.secret_key = s.secret_key;
  c.region = s.region;
  return c;
}

class S3Fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    bucket_ = unique_bucket("t");
    testing::create_bucket(store(), bucket_);
  }
  const testing::ObjectStore& store() { return testing::shared_object_store(); }
  S3Config config(const std::string& prefix = "") {
    S3Config c = config_for(store(), bucket_);
    c.prefix = prefix;
    return c;
  }
  // Objects and open multipart uploads under `key_prefix` of the store with `prefix`.
  std::size_t objects_under(const std::string& prefix, const std::string& key_prefix) {
    S3Client s3(config(prefix));
    std::size_t n = 0;
    s3.list(key_prefix, [&](const S3Client::Object&) { ++n; });
    s3.list_multipart(key_prefix, [&](const S3Client::MultipartUpload&) { ++n; });
    return n;
  }
  std::unique_ptr<BlobStore> open_store(const std::string& prefix = "reg") {
    S3BlobStoreOptions o;
    o.s3 = config(prefix);
    o.part_size = 5 << 20;
    return open_s3_blob_store(o);
  }
  std::string bucket_;
};

using S3ClientRgw = S3Fixture;

TEST_F(S3ClientRgw, ObjectsRoundTripWithRangesCopiesListingsAndDeletes) {
  S3Client s3(config("p/q"));
  EXPECT_FALSE(s3.head("a/one"));
  std::string data = random_bytes(100000, 1);
  s3.put("a/one", data);
  std::int64_t mtime = 0;
  EXPECT_EQ(s3.head("a/one", &mtime), data.size());
  EXPECT_GT(mtime, 1700000000);
  EXPECT_EQ(s3.get("a/one", 1 << 20), data);
  EXPECT_THROW(s3.get("a/one", 10), Error);
  std::string piece;
  ASSERT_TRUE(s3.get_range("a/one", 500, 1000, [&](std::string_view p) { piece.append(p); }));
  EXPECT_EQ(piece, data.substr(500, 1000));
  EXPECT_FALSE(s3.get_range("a/none", 0, 10, [](std::string_view) {}));
  s3.copy("a/one", "b/two", data.size());
  EXPECT_EQ(s3.get("b/two", 1 << 20), data);
  s3.put("a/empty", "");
  EXPECT_EQ(s3.head("a/empty"), 0u);
  // Keys with characters that need encoding.
  s3.put("c/with space+plus=eq", "x");
  EXPECT_EQ(s3.get("c/with space+plus=eq", 10), "x");

  std::vector<std::string> keys;
  s3.list("", [&](const S3Client::Object& o) { keys.push_back(o.key); });
  EXPECT_EQ(keys, (std::vector<std::string>{"a/empty", "a/one", "b/two", "c/with space+plus=eq"}));
  keys.clear();
  s3.list("a/", [&](const S3Client::Object& o) { keys.push_back(o.key); });
  EXPECT_EQ(keys.size(), 2u);
  // The prefix is where everything went: the bucket's own listing shows it.
  S3Client root(config());
  keys.clear();
  root.list("p/q/b/", [&](const S3Client::Object& o) { keys.push_back(o.key); });
  EXPECT_EQ(keys, std::vector<std::string>{"p/q/b/two"});

  EXPECT_TRUE(s3.remove("a/one"));
  EXPECT_FALSE(s3.remove("a/one"));
  EXPECT_FALSE(s3.head("a/one"));
}

TEST_F(S3ClientRgw, ListingsPageThroughMoreThanOneThousandKeys) {
  S3Client s3(config());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      S3Client mine(config());
      for (int i = t; i < 1005; i += 8) mine.put("k/" + std::to_string(10000 + i), "v");
    });
  for (auto& th : threads) th.join();
  std::size_t n = 0;
  std::string last;
  s3.list("k/", [&](const S3Client::Object& o) {
    EXPECT_LT(last, o.key);
    last = o.key;
    ++n;
  });
  EXPECT_EQ(n, 1005u);
}

TEST_F(S3ClientRgw, MultipartUploadsCompleteAbortAndList) {
  S3Client s3(config());
  std::string a = random_bytes(5 << 20, 2), b = random_bytes(1234, 3);
  std::string id = s3.create_multipart("mp/data");
  std::vector<std::string> etags = {s3.upload_part("mp/data", id, 1, a),
                                    s3.upload_part("mp/data", id, 2, b)};
  std::vector<std::string> open;
  s3.list_multipart("mp/", [&](const S3Client::MultipartUpload& u) { open.push_back(u.key); });
  EXPECT_EQ(open, std::vector<std::string>{"mp/data"});
  s3.complete_multipart("mp/data", id, etags);
  EXPECT_EQ(s3.get("mp/data", 10 << 20), a + b);

  std::string id2 = s3.create_multipart("mp/other");
  s3.upload_part("mp/other", id2, 1, b);
  s3.abort_multipart("mp/other", id2);
  open.clear();
  s3.list_multipart("mp/", [&](const S3Client::MultipartUpload& u) { open.push_back(u.key); });
  EXPECT_TRUE(open.empty());
  EXPECT_FALSE(s3.head("mp/other"));
}

TEST_F(S3ClientRgw, PresignedUrlsWorkWithoutCredentialsAndOnlyAsSigned) {
  S3Client s3(config("pre"));
  s3.put("blob", "presigned content");
  std::string url = s3.presigned_get("blob", std::chrono::seconds(300));
  HttpClient http;
  auto r = http.request("GET", url);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "presigned content");
  // Tampering with the signed query is refused by the store.
  std::string forged = url;
  forged.replace(forged.find("X-Amz-Expires=300"), 17, "X-Amz-Expires=900");
  EXPECT_EQ(http.request("GET", forged).status, 403);
  std::string other = url;
  other.replace(other.find("/pre/blob"), 9, "/pre/blab");
  EXPECT_EQ(http.request("GET", other).status, 403);
}

TEST_F(S3ClientRgw, WrongCredentialsAndMissingBucketsAreClearErrors) {
  S3Config c = config();
  c.secret_key = "not-the-secret";
  try {
    S3Client(c).check_bucket();
    ADD_FAILURE() << "wrong secret accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnauthorized);
    EXPECT_NE(std::string(e.what()).find("refused the credentials"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("not-the-secret"), std::string::npos);
  }
  S3Config m = config();
  m.bucket = "no-such-bucket-" + std::to_string(::getpid());
  try {
    S3Client(m).check_bucket();
    ADD_FAILURE() << "missing bucket accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  S3Client(config()).check_bucket();
}

using S3BlobStoreRgw = S3Fixture;

TEST_F(S3BlobStoreRgw, SmallAndMultipartUploadsLandAtTheirContentAddress) {
  auto blobs = open_store();
  EXPECT_FALSE(blobs->local_files());
  EXPECT_TRUE(blobs->shared_sessions());
  for (std::size_t size : {std::size_t{0}, std::size_t{1000}, std::size_t{12 << 20}}) {
    std::string data = random_bytes(size, static_cast<unsigned>(size));
    Digest d = digest_of(data);
    auto up =
        blobs->start_upload("0123456789abcdef0123456789abcdef", DigestAlgorithm::kSha256, "r");
    for (std::size_t off = 0; off < data.size(); off += 1 << 20)
      up->append(std::string_view(data).substr(off, 1 << 20));
    EXPECT_EQ(up->size(), size);
    up->commit(d);
    EXPECT_EQ(blobs->size_of(d), size);
    EXPECT_EQ(blobs->read(d, 64 << 20), data);
    EXPECT_EQ(blobs->read_range(d, size / 3, size / 3), data.substr(size / 3, size / 3));
    EXPECT_FALSE(blobs->open(d));
  }
  // Nothing of the sessions is left behind.
  EXPECT_EQ(objects_under("reg", "uploads/"), 0u);
  std::size_t n = 0;
  blobs->for_each([&](const StoredBlob& b) {
    EXPECT_EQ(blobs->size_of(b.digest), b.size);
    ++n;
  });
  EXPECT_EQ(n, 3u);
  // put() of small content, twice: stored once.
  Digest p = blobs->put("config", DigestAlgorithm::kSha256);
  EXPECT_EQ(blobs->put("config", DigestAlgorithm::kSha256), p);
  EXPECT_EQ(blobs->read(p, 100), "config");
  EXPECT_FALSE(blobs->read(p, 3));  // over the limit: not read
}

// Blobs over S3's 5 GiB CopyObject limit are copied into place in parts (UploadPartCopy).
// The limit is lowered to 6 MiB here so that a 20 MiB blob takes that path: its commit, its
// re-commit (a copy onto itself) and a copy with the client, byte for byte.
TEST_F(S3BlobStoreRgw, BlobsOverTheSingleCopyLimitAreCopiedInParts) {
  S3Config c = config("big");
  c.max_copy_bytes = 6 << 20;
  S3Client s3(c);
  std::string data = random_bytes((20 << 20) + 5, 77);
  s3.put("src", data);
  s3.copy("src", "dst", data.size());  // 4 parts: 6 + 6 + 6 + 2 MiB
  EXPECT_EQ(s3.head("dst"), data.size());
  EXPECT_TRUE(s3.get("dst", 64 << 20) == data);
  EXPECT_THROW(s3.copy("missing", "dst2", data.size()), Error);
  EXPECT_FALSE(s3.head("dst2"));
  std::size_t open_uploads = 0;
  std::string left;
  s3.list_multipart("", [&](const S3Client::MultipartUpload& u) {
    ++open_uploads;
    left += u.key + " ";
  });
  EXPECT_EQ(open_uploads, 0u) << "a failed copy aborts its multipart upload: " << left;

  S3BlobStoreOptions o;
  o.s3 = c;
  o.part_size = 5 << 20;
  auto blobs = open_s3_blob_store(o);
  Digest d = digest_of(data);
  for (int round = 0; round < 2; ++round) {  // the second commit finds the blob and refreshes it
    auto up = blobs->start_upload("abcdef0123456789abcdef012345678" + std::to_string(round),
                                  DigestAlgorithm::kSha256, "r");
    for (std::size_t off = 0; off < data.size(); off += 3 << 20)
      up->append(std::string_view(data).substr(off, 3 << 20));
    up->commit(d);
    EXPECT_EQ(blobs->size_of(d), data.size());
  }
  EXPECT_TRUE(blobs->read(d, 64 << 20) == data);
  EXPECT_EQ(objects_under("big", "uploads/"), 0u);
}

TEST_F(S3BlobStoreRgw, ASessionContinuesOnAnotherNodeWithItsHashState) {
  auto a = open_store(), b = open_store(), c = open_store();
  std::string data = random_bytes((13 << 20) + 77, 9);
  Digest d = digest_of(data);
  const std::string id = "11111111-2222-3333-4444-555555555555";
  {
    auto up = a->start_upload(id, DigestAlgorithm::kSha256, "team/app");
    up->append(std::string_view(data).substr(0, 3 << 20));
    up->suspend();
  }
  {
    std::string repo;
    DigestAlgorithm alg{};
    auto up = b->resume_upload(id, &repo, &alg);
    ASSERT_TRUE(up);
    EXPECT_EQ(repo, "team/app");
    EXPECT_EQ(alg, DigestAlgorithm::kSha256);
    EXPECT_EQ(up->size(), 3u << 20);
    up->append(std::string_view(data).substr(3 << 20, 7 << 20));  // crosses a part
    up->suspend();
  }
  {
    std::string repo;
    DigestAlgorithm alg{};
    auto up = c->resume_upload(id, &repo, &alg);
    ASSERT_TRUE(up);
    EXPECT_EQ(up->size(), 10u << 20);
    // A request that fails before suspend() is not acknowledged: its bytes do not count.
    up->append("garbage that the client never got a 202 for");
  }
  std::string repo;
  DigestAlgorithm alg{};
  auto up = a->resume_upload(id, &repo, &alg);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->size(), 10u << 20);
  up->append(std::string_view(data).substr(10 << 20));
  up->commit(d);
  EXPECT_EQ(c->read(d, 64 << 20), data);
  EXPECT_FALSE(b->resume_upload(id, &repo, &alg));  // closed
  EXPECT_FALSE(b->resume_upload("../../etc", &repo, &alg));
}

TEST_F(S3BlobStoreRgw, AWrongDigestStoresNothingAndEndsTheSession) {
  auto blobs = open_store();
  std::string data = random_bytes(6 << 20, 4);
  Digest wrong = digest_of("something else");
  const std::string id = "aaaaaaaa-2222-3333-4444-555555555555";
  auto up = blobs->start_upload(id, DigestAlgorithm::kSha256, "r");
  up->append(data);
  up->suspend();
  try {
    up->commit(wrong);
    ADD_FAILURE() << "a wrong digest was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDigestMismatch);
  }
  EXPECT_FALSE(blobs->size_of(wrong));
  EXPECT_FALSE(blobs->size_of(digest_of(data)));
  std::string repo;
  DigestAlgorithm alg{};
  EXPECT_FALSE(blobs->resume_upload(id, &repo, &alg));
  EXPECT_EQ(objects_under("reg", ""), 0u);
}

TEST_F(S3BlobStoreRgw, StaleSessionsAndTheirMultipartUploadsAreCleanedUp) {
  auto blobs = open_store();
  auto up =
      blobs->start_upload("bbbbbbbb-2222-3333-4444-555555555555", DigestAlgorithm::kSha256, "r");
  up->append(random_bytes(6 << 20, 5));  // one part uploaded, a tail
  up->suspend();
  up.reset();  // the client went away
  EXPECT_EQ(blobs->remove_stale_uploads(std::chrono::hours(1)), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(blobs->remove_stale_uploads(std::chrono::seconds(1)), 1u);
  EXPECT_EQ(objects_under("reg", ""), 0u);
}

TEST_F(S3BlobStoreRgw, RemovalSparesABlobCommittedAgainSinceTheCollectorLooked) {
  auto blobs = open_store();
  Digest d = blobs->put("shared layer", DigestAlgorithm::kSha256);
  std::int64_t seen = 0;
  blobs->for_each([&](const StoredBlob& b) {
    if (b.digest == d) seen = b.mtime;
  });
  ASSERT_GT(seen, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  blobs->put("shared layer", DigestAlgorithm::kSha256);  // uploaded again meanwhile
  EXPECT_FALSE(blobs->remove_if_unchanged(d, seen));
  EXPECT_TRUE(blobs->size_of(d));
  std::int64_t now = 0;
  blobs->for_each([&](const StoredBlob& b) {
    if (b.digest == d) now = b.mtime;
  });
  EXPECT_TRUE(blobs->remove_if_unchanged(d, now));
  EXPECT_FALSE(blobs->size_of(d));
}

// `charthouse serve --storage s3://` as one node (metadata in SQLite under --root).
class S3Serve : public S3Fixture {
 protected:
  std::unique_ptr<testing::Process> serve(const testing::ObjectStore& s,
                                          const std::vector<std::string>& extra, int* port) {
    std::vector<std::string> args = {"--storage",     "s3://" + bucket_ + "/registry",
                                     "--s3-endpoint", s.endpoint,
                                     "--gc-interval", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::start_server(CH_BINARY,
                                 (tmp_.path() / ("node" + std::to_string(nodes_++))).string(), args,
                                 port, testing::s3_env(s));
  }
  std::string chart_archive(const std::string& name, const std::string& version) {
    stdfs::path dir = tmp_.path() / "src" / name;
    testing::write_chart(dir, name, version, {{"values.yaml", "replicas: 3\n"}});
    auto r = testing::run({CH_BINARY, "package", dir.string(), "-d", tmp_.path().string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return (tmp_.path() / (name + "-" + version + ".tgz")).string();
  }
  fs::TempDir tmp_;
  int nodes_ = 0;
};

TEST_F(S3Serve, ChartsAndBlobsGoThroughTheObjectStore) {
  int port = 0;
  auto node = serve(store(), {"--s3-cache-mib", "0"}, &port);  // every GET streams from S3
  const std::string host = "127.0.0.1:" + std::to_string(port);
  std::string tgz = chart_archive("s3chart", "1.2.3");
  auto push = testing::run({CH_BINARY, "push", tgz, "oci://" + host + "/charts", "--plain-http"});
  ASSERT_EQ(push.code, 0) << push.err;
  stdfs::create_directories(tmp_.path() / "out");
  auto pull = testing::run({CH_BINARY, "pull", "oci://" + host + "/charts/s3chart", "--version",
                            "1.2.3", "--plain-http", "-d", (tmp_.path() / "out").string()});
  ASSERT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(testing::read(tmp_.path() / "out" / "s3chart-1.2.3.tgz"), testing::read(tgz));
  // The classic view streams the archive from the object store too.
  HttpClient http;
  auto classic = http.request("GET", "http://" + host + "/charts/charts/s3chart-1.2.3.tgz");
  EXPECT_EQ(classic.status, 200);
  EXPECT_EQ(classic.body, testing::read(tgz));

  // A chunked upload; the blob lives in the bucket, not under --root.
  std::string data = random_bytes((9 << 20) + 5, 11);
  std::string d = digest_of(data).str();
  std::string base = "http://" + host;
  auto post = http.request("POST", base + "/v2/img/blobs/uploads/");
  ASSERT_EQ(post.status, 202);
  std::string loc = post.header("location");
  for (std::size_t off = 0; off < data.size(); off += 4 << 20) {
    std::string chunk = data.substr(off, 4 << 20);
    auto patch = http.request(
        "PATCH", base + loc,
        {"Content-Range: " + std::to_string(off) + "-" + std::to_string(off + chunk.size() - 1)},
        chunk);
    ASSERT_EQ(patch.status, 202) << patch.body;
    loc = patch.header("location");
  }
  auto put = http.request("PUT", base + loc + "&digest=" + d);
  ASSERT_EQ(put.status, 201) << put.body;
  auto get = http.request("GET", base + "/v2/img/blobs/" + d);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, data);
  auto range = http.request("GET", base + "/v2/img/blobs/" + d, {"Range: bytes=5000000-5000009"});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, data.substr(5000000, 10));
  // A client that goes away in the middle of a download: the node carries on.
  for (int i = 0; i < 3; ++i) {
    int fd = testing::connect_loopback(port);
    ASSERT_GE(fd, 0);
    std::string get_req = "GET /v2/img/blobs/" + d + " HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd, get_req.data(), get_req.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(get_req.size()));
    char buf[65536];
    ASSERT_GT(::recv(fd, buf, sizeof buf, 0), 0);
    ::close(fd);
  }
  EXPECT_TRUE(http.request("GET", base + "/v2/img/blobs/" + d).body == data);
  S3Client s3(config("registry"));
  EXPECT_TRUE(s3.head("blobs/sha256/" + d.substr(7, 2) + "/" + d.substr(7)));
  for (const auto& f : testing::list_files(tmp_.path() / "node0"))
    EXPECT_EQ(f.find("blobs/"), std::string::npos) << f;
}

// A client much slower than the store: the node stops its GET to the store while its
// buffer stays full and continues with another GET from where it stopped; the client still
// gets every byte, in order, in one response.
TEST_F(S3Serve, ASlowClientGetsEveryByteInOrder) {
  int port = 0;
  auto node = serve(store(), {"--s3-cache-mib", "0"}, &port);  // every GET streams from S3
  HttpClient http;
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  std::string data = random_bytes((40 << 20) + 123, 12);
  std::string d = digest_of(data).str();
  auto put = http.request("POST", base + "/v2/slow/blobs/uploads/?digest=" + d, {}, data);
  ASSERT_EQ(put.status, 201) << put.body;

  for (bool ranged : {false, true}) {
    const std::uint64_t first = ranged ? 777777 : 0;
    std::string expected = data.substr(first);
    int fd = testing::connect_loopback(port);
    ASSERT_GE(fd, 0);
    int small = 64 << 10;  // a small receive buffer, so the node's buffer fills up
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    std::string req = "GET /v2/slow/blobs/" + d + " HTTP/1.1\r\nHost: x\r\n" +
                      (ranged ? "Range: bytes=" + std::to_string(first) + "-\r\n" : "") + "\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    std::string got;
    std::vector<char> buf(1 << 16);
    std::size_t header_end = std::string::npos;
    std::size_t pauses = 0;
    while (true) {
      ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) break;
      got.append(buf.data(), static_cast<std::size_t>(n));
      if (header_end == std::string::npos) header_end = got.find("\r\n\r\n");
      if (header_end != std::string::npos && got.size() - header_end - 4 >= expected.size()) break;
      // Two long pauses, each longer than the node waits on a full buffer.
      std::size_t body = header_end == std::string::npos ? 0 : got.size() - header_end - 4;
      if ((pauses == 0 && body > (1 << 20)) || (pauses == 1 && body > (24 << 20))) {
        ++pauses;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      }
    }
    ::close(fd);
    ASSERT_NE(header_end, std::string::npos);
    EXPECT_EQ(got.substr(0, 12), ranged ? "HTTP/1.1 206" : "HTTP/1.1 200");
    EXPECT_EQ(pauses, 2u);
    std::string body = got.substr(header_end + 4);
    ASSERT_EQ(body.size(), expected.size());
    EXPECT_TRUE(body == expected) << "ranged " << ranged;
  }
  // The node is fine afterwards.
  EXPECT_TRUE(http.request("GET", base + "/v2/slow/blobs/" + d).body == data);
}

// The node's local copies (--s3-cache-mib): a whole-blob GET queues a verified copy (made in
// the background) that later GETs are sent from; ranged GETs and blobs over a quarter of the
// cache do not fill it; it stays within its size; a blob unlinked from its repository is gone
// at once, copy or not; a restart starts cold.
TEST_F(S3Serve, NodeCopiesServeRepeatedGetsAndAnUnlinkedBlobIsGoneAtOnce) {
  int port = 0;
  auto node = serve(store(), {"--s3-cache-mib", "64"}, &port);
  HttpClient http;
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto metric = [&](const std::string& name) -> long {
    std::string body = http.request("GET", base + "/metrics").body;
    std::string key = "\ncharthouse_blob_cache_" + name + " ";
    auto at = body.find(key);
    return at == std::string::npos ? -1 : std::stol(body.substr(at + key.size()));
  };
  // Copies are made in the background: waits (bounded) until `n` were made.
  auto fills_reach = [&](long n) {
    for (int i = 0; i < 600 && metric("fills_total") < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return metric("fills_total");
  };
  auto push = [&](const std::string& data) {
    std::string d = digest_of(data).str();
    auto r = http.request("POST", base + "/v2/copies/blobs/uploads/?digest=" + d, {}, data);
    EXPECT_EQ(r.status, 201) << r.body;
    return d;
  };
  std::string a = random_bytes((5 << 20) + 3, 31);
  std::string big = random_bytes((16 << 20) + 1, 32);  // over a quarter of 64 MiB
  std::string da = push(a), dbig = push(big);
  EXPECT_EQ(metric("files"), 0);

  auto range = http.request("GET", base + "/v2/copies/blobs/" + da, {"Range: bytes=100-199"});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, a.substr(100, 100));
  EXPECT_EQ(metric("fills_total"), 0) << "a ranged GET leaves no copy";
  EXPECT_TRUE(http.request("GET", base + "/v2/copies/blobs/" + da).body == a);
  EXPECT_EQ(fills_reach(1), 1);
  EXPECT_EQ(metric("bytes"), static_cast<long>(a.size()));
  const long hits = metric("hits_total");
  auto again = http.request("GET", base + "/v2/copies/blobs/" + da);
  EXPECT_TRUE(again.body == a);
  EXPECT_EQ(again.header("docker-content-digest"), da);
  auto part = http.request("GET", base + "/v2/copies/blobs/" + da, {"Range: bytes=-10"});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, a.substr(a.size() - 10));
  EXPECT_EQ(metric("hits_total"), hits + 2) << "both served from the copy";
  const stdfs::path copy = tmp_.path() / "node0" / "s3-cache" / ("sha256-" + da.substr(7));
  EXPECT_TRUE(testing::read(copy) == a);
  for (int i = 0; i < 2; ++i)
    EXPECT_TRUE(http.request("GET", base + "/v2/copies/blobs/" + dbig).body == big);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(metric("fills_total"), 1) << "a blob over a quarter of the cache is not copied";

  // Six more 12 MiB blobs: 77 MiB read in all, the cache keeps at most 64 MiB.
  for (unsigned i = 0; i < 6; ++i) {
    std::string b = random_bytes(12 << 20, 40 + i);
    std::string d = push(b);
    EXPECT_TRUE(http.request("GET", base + "/v2/copies/blobs/" + d).body == b);
    EXPECT_EQ(fills_reach(2 + i), 2 + static_cast<long>(i));
  }
  EXPECT_GE(metric("evictions_total"), 1);
  EXPECT_LE(metric("bytes"), 64L << 20);
  EXPECT_EQ(metric("rejected_total"), 0);

  // Unlinked from the repository (a delete, or the collector): gone at once, though the node
  // still holds a copy.
  std::string c = random_bytes(1 << 20, 50);
  std::string dc = push(c);
  EXPECT_TRUE(http.request("GET", base + "/v2/copies/blobs/" + dc).body == c);
  EXPECT_EQ(fills_reach(8), 8);
  ASSERT_TRUE(stdfs::exists(tmp_.path() / "node0" / "s3-cache" / ("sha256-" + dc.substr(7))));
  EXPECT_EQ(http.request("DELETE", base + "/v2/copies/blobs/" + dc).status, 202);
  auto gone = http.request("GET", base + "/v2/copies/blobs/" + dc);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(http.request("HEAD", base + "/v2/copies/blobs/" + dc).status, 404);

  // A restart starts cold.
  node->signal(SIGTERM);
  EXPECT_EQ(node->wait(), 0);
  node = testing::start_server(CH_BINARY, (tmp_.path() / "node0").string(),
                               {"--storage", "s3://" + bucket_ + "/registry", "--s3-endpoint",
                                store().endpoint, "--gc-interval", "0", "--s3-cache-mib", "64"},
                               &port, testing::s3_env(store()));
  EXPECT_EQ(testing::list_files(tmp_.path() / "node0" / "s3-cache").size(), 0u);
  EXPECT_TRUE(
      http.request("GET", "http://127.0.0.1:" + std::to_string(port) + "/v2/copies/blobs/" + da)
          .body == a);
}

// A store that is slow rather than down (its gateway SIGSTOPped): a call it does not answer
// within --s3-timeout fails (after the retries) with 503, the node meanwhile answers what
// needs no object store, a store that answers within the limit is merely slow, and service
// resumes when it answers again.
TEST_F(S3Serve, ASlowObjectStoreGivesA503AndNeverHoldsUpTheRestOfTheNode) {
  int port = 0;
  auto node = serve(store(), {"--s3-timeout", "2", "--s3-cache-mib", "0"}, &port);
  HttpClient http;
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  std::string data = random_bytes(200000, 61);
  std::string d = digest_of(data).str();
  ASSERT_EQ(
      http.request("POST", base + "/v2/slowstore/blobs/uploads/?digest=" + d, {}, data).status,
      201);
  ASSERT_EQ(http.request("GET", base + "/v2/slowstore/blobs/" + d).status, 200);
  const std::string pid_text = testing::read(stdfs::path(store().dir) / "gateway.pid");
  const pid_t gateway = static_cast<pid_t>(std::stol(pid_text));
  ASSERT_GT(gateway, 1);
  struct Resume {
    pid_t pid;
    ~Resume() { ::kill(pid, SIGCONT); }
  } resume{gateway};

  ASSERT_EQ(::kill(gateway, SIGSTOP), 0);
  std::atomic<bool> blob_answered{false};
  int blob_status = 0;
  std::string blob_body;
  std::thread pending([&] {
    HttpClient own;
    auto r = own.request("GET", base + "/v2/slowstore/blobs/" + d);
    blob_status = r.status;
    blob_body = r.body;
    blob_answered = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The node answers what does not need the store while the blob request waits on it.
  EXPECT_EQ(http.request("GET", base + "/v2/").status, 200);
  EXPECT_EQ(http.request("GET", base + "/v2/nothere/tags/list").status, 404);
  EXPECT_FALSE(blob_answered) << "the blob request should still be waiting on the store";
  pending.join();
  EXPECT_EQ(blob_status, 503);
  EXPECT_NE(blob_body.find("UNAVAILABLE"), std::string::npos) << blob_body;
  EXPECT_EQ(http.request("GET", base + "/readyz").status, 503);
  auto health = http.request("GET", base + "/healthz");  // the process lives; the store does not
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("unavailable"), std::string::npos) << health.body;

  // Slow but within the limit: the gateway resumes one second into the request.
  std::thread wake([&] {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ::kill(gateway, SIGCONT);
  });
  auto slow = http.request("GET", base + "/v2/slowstore/blobs/" + d);
  wake.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_TRUE(slow.body == data);
  EXPECT_EQ(http.request("GET", base + "/readyz").status, 200);
  std::string more = random_bytes(5000, 62);
  EXPECT_EQ(
      http.request("POST", base + "/v2/slowstore/blobs/uploads/?digest=" + digest_of(more).str(),
                   {}, more)
          .status,
      201);
}

TEST_F(S3Serve, RedirectModeAnswersWithPresignedUrlsThatClientsFollow) {
  int port = 0;
  auto node = serve(store(), {"--s3-redirect", "true"}, &port);
  const std::string host = "127.0.0.1:" + std::to_string(port);
  std::string tgz = chart_archive("redirected", "0.1.0");
  ASSERT_EQ(
      testing::run({CH_BINARY, "push", tgz, "oci://" + host + "/charts", "--plain-http"}).code, 0);
  HttpClient http;
  auto manifest = http.request("GET", "http://" + host + "/v2/charts/redirected/manifests/0.1.0",
                               {"Accept: application/vnd.oci.image.manifest.v1+json"});
  ASSERT_EQ(manifest.status, 200);
  std::string layer = nlohmann::json::parse(manifest.body)["layers"][0]["digest"];
  auto get = http.request("GET", "http://" + host + "/v2/charts/redirected/blobs/" + layer);
  EXPECT_EQ(get.status, 307);
  std::string location = get.header("location");
  EXPECT_EQ(location.rfind(store().endpoint + "/" + bucket_ + "/", 0), 0u) << location;
  EXPECT_NE(location.find("X-Amz-Signature="), std::string::npos);
  EXPECT_EQ(http.request("GET", location).body, testing::read(tgz));
  // charthouse follows it.
  stdfs::create_directories(tmp_.path() / "out");
  auto pull = testing::run({CH_BINARY, "pull", "oci://" + host + "/charts/redirected", "--version",
                            "0.1.0", "--plain-http", "-d", (tmp_.path() / "out").string()});
  ASSERT_EQ(pull.code, 0) << pull.err;
  EXPECT_EQ(testing::read(tmp_.path() / "out" / "redirected-0.1.0.tgz"), testing::read(tgz));
  // So do Helm 3 and Helm 4.
  int k = 0;
  for (const std::string& helm : {testing::kHelm3, testing::kHelm4}) {
    auto dir = tmp_.path() / ("helm-" + std::to_string(k++));
    stdfs::create_directories(dir / "out");
    auto r = testing::run({helm, "pull", "oci://" + host + "/charts/redirected", "--version",
                           "0.1.0", "--plain-http", "-d", (dir / "out").string()},
                          dir,
                          {{"HELM_CONFIG_HOME", (dir / "hc").string()},
                           {"HELM_CACHE_HOME", (dir / "hk").string()},
                           {"HELM_DATA_HOME", (dir / "hd").string()},
                           {"HOME", dir.string()}});
    ASSERT_EQ(r.code, 0) << helm << ": " << r.err;
    EXPECT_EQ(testing::read(dir / "out" / "redirected-0.1.0.tgz"), testing::read(tgz)) << helm;
  }
}

TEST_F(S3Serve, BadObjectStoreSettingsStopTheServerWithAClearError) {
  const auto& s = store();
  auto start = [&](const std::vector<std::string>& extra,
                   const std::map<std::string, std::string>& env) {
    std::vector<std::string> argv = {CH_BINARY,     "serve",  "--addr",
                                     "127.0.0.1:0", "--root", (tmp_.path() / "bad").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return testing::run(argv, {}, env);
  };
  auto env = testing::s3_env(s);
  auto wrong = env;
  wrong["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-value";
  auto r = start({"--storage", "s3://" + bucket_, "--s3-endpoint", s.endpoint}, wrong);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("refused the credentials"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrong-secret-value"), std::string::npos);
  r = start({"--storage", "s3://missing-bucket-xyz", "--s3-endpoint", s.endpoint}, env);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  r = start({"--storage", "s3://" + bucket_, "--s3-endpoint", s.endpoint},
            {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("credentials missing"), std::string::npos) << r.err;
  r = start({"--storage", "s3://" + bucket_, "--s3-endpoint",
             "http://127.0.0.1:" + std::to_string(testing::free_port())},
            env);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unavailable"), std::string::npos) << r.err;
  r = start({"--storage", "gs://bucket"}, env);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("s3://BUCKET"), std::string::npos) << r.err;
  // Credentials from files work (and the secret is not taken from the environment).
  testing::write(tmp_.path() / "ak", s.access_key + "\n");
  testing::write(tmp_.path() / "sk", s.secret_key + "\n");
  int port = 0;
  auto node = testing::start_server(
      CH_BINARY, (tmp_.path() / "files").string(),
      {"--storage", "s3://" + bucket_, "--s3-endpoint", s.endpoint, "--s3-access-key-file",
       (tmp_.path() / "ak").string(), "--s3-secret-key-file", (tmp_.path() / "sk").string()},
      &port, {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}});
  EXPECT_GT(port, 0);
}

TEST_F(S3Serve, AnObjectStoreThatGoesAwayGives503AndServingResumesWhenItReturns) {
  // An RGW of this test's own: its gateway is stopped and started again.
  fs::TempDir dir;
  auto own = testing::start_object_store((dir.path() / "rgw").string());
  struct Stop {
    testing::ObjectStore s;
    ~Stop() { testing::stop_object_store(s); }
  } stop{own};
  testing::create_bucket(own, bucket_);
  int port = 0;
  auto node = serve(own, {}, &port);
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  HttpClient http;
  std::string data = random_bytes(300000, 21);
  std::string d = digest_of(data).str();
  ASSERT_EQ(http.request("POST", base + "/v2/f/blobs/uploads/?digest=" + d, {}, data).status, 201);
  // A large blob, and an upload session with one chunk acknowledged.
  std::string big = random_bytes(40 << 20, 23);
  std::string bd = digest_of(big).str();
  ASSERT_EQ(http.request("POST", base + "/v2/f/blobs/uploads/?digest=" + bd, {}, big).status, 201);
  auto post = http.request("POST", base + "/v2/f/blobs/uploads/");
  ASSERT_EQ(post.status, 202);
  auto first = http.request("PATCH", base + post.header("location"), {}, big.substr(0, 1 << 20));
  ASSERT_EQ(first.status, 202);
  const std::string session = first.header("location");

  // The gateway goes away in the middle of a download: the client gets a short body (the
  // connection closes), never wrong bytes, and the node goes on.
  int fd = testing::connect_loopback(port);
  ASSERT_GE(fd, 0);
  std::string get_req = "GET /v2/f/blobs/" + bd + " HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, get_req.data(), get_req.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(get_req.size()));
  std::string received;
  char buf[65536];
  while (received.size() < (1u << 20)) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    received.append(buf, static_cast<std::size_t>(n));
  }
  ASSERT_EQ(
      testing::run({std::string(CH_SOURCE_DIR) + "/scripts/s3-server", "stop-gateway", own.dir})
          .code,
      0);
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    received.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  const std::size_t body_at = received.find("\r\n\r\n") + 4;
  ASSERT_NE(body_at, std::string::npos + 4);
  const std::string body = received.substr(body_at);
  EXPECT_LT(body.size(), big.size());
  EXPECT_TRUE(body == big.substr(0, body.size()));  // a prefix of the right bytes

  auto down = http.request("GET", base + "/v2/f/blobs/" + d);
  EXPECT_EQ(down.status, 503);
  EXPECT_NE(down.body.find("UNAVAILABLE"), std::string::npos) << down.body;
  std::string other = random_bytes(1000, 22);
  auto refused = http.request(
      "POST", base + "/v2/f/blobs/uploads/?digest=" + digest_of(other).str(), {}, other);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(http.request("GET", base + "/healthz").status, 200);  // the node itself lives
  auto not_ready = http.request("GET", base + "/readyz");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_NE(not_ready.body.find("unavailable"), std::string::npos) << not_ready.body;
  // A chunk sent while the store is away is refused and not counted.
  auto lost = http.request("PATCH", base + session, {}, big.substr(1 << 20, 6 << 20));
  EXPECT_EQ(lost.status, 503) << lost.body;

  ASSERT_EQ(
      testing::run({std::string(CH_SOURCE_DIR) + "/scripts/s3-server", "start-gateway", own.dir})
          .code,
      0);
  auto back = http.request("GET", base + "/v2/f/blobs/" + d);
  EXPECT_EQ(back.status, 200);
  EXPECT_EQ(back.body, data);
  EXPECT_EQ(http.request("GET", base + "/readyz").status, 200);
  EXPECT_TRUE(http.request("GET", base + "/v2/f/blobs/" + bd).body == big);
  // The session resumes from its acknowledged offset.
  auto status = http.request("GET", base + session);
  ASSERT_EQ(status.status, 204);
  EXPECT_EQ(status.header("range"), "0-" + std::to_string((1 << 20) - 1));
  auto rest = http.request("PATCH", base + session, {}, big.substr(1 << 20));
  ASSERT_EQ(rest.status, 202) << rest.body;
  auto put = http.request("PUT", base + rest.header("location") + "&digest=" + bd);
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(http.request("POST", base + "/v2/f/blobs/uploads/?digest=" + digest_of(other).str(), {},
                         other)
                .status,
            201);
}

}  // namespace
}  // namespace ch::server::store
