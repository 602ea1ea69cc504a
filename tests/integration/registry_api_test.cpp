// charthouse serve over real loopback sockets: every endpoint of the OCI Distribution
// v1.1 API (plus what the next revision adds) and its error rows, without auth.
//
// The same suite runs twice. In integration_tests against one embedded node (files +
// SQLite). Compiled into scaleout_tests with CH_API_THROUGH_CLUSTER it runs as
// ClusterRegistryApi against three nodes on one RGW bucket prefix and one PostgreSQL
// database (both fresh for each test) behind nginx balancing round-robin, so consecutive
// requests of a test land on different nodes.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"
#ifdef CH_API_THROUGH_CLUSTER
#include <unistd.h>

#include <set>

#include "object_store.hpp"
#include "postgres.hpp"
#define RegistryApi ClusterRegistryApi
#endif

namespace ch {
namespace {

using json = nlohmann::json;
using testing::HttpResponse;

class RegistryApi : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }
#ifndef CH_API_THROUGH_CLUSTER
  void start(const std::vector<std::string>& extra) {
    server_ = testing::start_server(CH_BINARY, (root_.path() / "store").string(), extra, &port_);
    base_ = "http://127.0.0.1:" + std::to_string(port_);
  }
  void stop_server() {
    server_.reset();
  }
  // SIGTERM, then the exit status.
  int terminate() {
    server_->signal(SIGTERM);
    return server_->wait();
  }
  std::string server_log() {
    return server_->stderr_text();
  }
  std::string metrics() {
    return req("GET", "/metrics").body;
  }
#else
  // Three nodes (each with an empty --root of its own) and the balancer; a restart keeps
  // the test's bucket prefix and database.
  void start(const std::vector<std::string>& extra) {
    const auto& s3 = testing::shared_object_store();
    static const std::string bucket = [&] {
      std::string b = "api-" + std::to_string(::getpid());
      testing::create_bucket(s3, b);
      return b;
    }();
    static int tests = 0;
    if (database_.empty()) {
      database_ = "api" + std::to_string(++tests);
      testing::shared_postgres().create_database(database_);
    }
    ++starts_;
    for (int i = 0; i < 3; ++i) {
      std::vector<std::string> args = {
          "--storage",     "s3://" + bucket + "/" + database_,
          "--s3-endpoint", s3.endpoint,
          "--metadata",    testing::shared_postgres().conninfo(database_),
          "--gc-interval", "0"};
      args.insert(args.end(), extra.begin(), extra.end());
      int port = 0;
      auto root = root_.path() / ("node" + std::to_string(starts_) + "-" + std::to_string(i));
      nodes_.push_back(
          testing::start_server(CH_BINARY, root.string(), args, &port, testing::s3_env(s3)));
      ports_.push_back(port);
    }
    auto work = root_.path() / ("lb" + std::to_string(starts_));
    std::filesystem::create_directories(work);
    balancer_ = testing::start_balancer(ports_, work.string(), &port_);
    base_ = "http://127.0.0.1:" + std::to_string(port_);
  }
  // Checks that the test's requests were spread over the nodes (their access logs), so the
  // suite cannot pass by reaching one node.
  void TearDown() override {
    note_serving_nodes();
    EXPECT_GE(serving_nodes_.size(), 2u) << "the balancer sent every request to one node";
  }
  void note_serving_nodes() {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i]->stderr_text().find(" HTTP/1.1\" ") != std::string::npos)
        serving_nodes_.insert(i);
  }
  void stop_server() {
    note_serving_nodes();
    balancer_.reset();
    nodes_.clear();
    ports_.clear();
  }
  // SIGTERM to every node; the worst exit status.
  int terminate() {
    for (auto& n : nodes_) n->signal(SIGTERM);
    int worst = 0;
    for (auto& n : nodes_) worst = std::max(worst, n->wait());
    return worst;
  }
  std::string server_log() {
    std::string all;
    for (auto& n : nodes_) all += n->stderr_text();
    return all;
  }
  // Every node's counters, one after another (each request was counted on the node that
  // served it).
  std::string metrics() {
    std::string all;
    for (int p : ports_)
      all += http_.request("GET", "http://127.0.0.1:" + std::to_string(p) + "/metrics").body;
    return all;
  }
  std::string database_;
  std::set<std::size_t> serving_nodes_;
  int starts_ = 0;
  std::vector<std::unique_ptr<testing::Process> > nodes_;
  std::vector<int> ports_;
  std::unique_ptr<testing::Process> balancer_;
#endif
  HttpResponse req(const std::string& method, const std::string& path,
                   const std::vector<std::string>& headers = {}, const std::string& body = "") {
    std::string url = path.rfind("http", 0) == 0 ? path : base_ + path;
    return http_.request(method, url, headers, body);
  }
  // Monolithic POST+PUT upload; returns the digest.
  std::string push_blob(const std::string& repo, const std::string& data) {
    std::string d = digest_of(data).str();
    auto post = req("POST", "/v2/" + repo + "/blobs/uploads/");
    EXPECT_EQ(post.status, 202) << post.body;
    std::string loc = post.header("location");
    std::string sep = loc.find('?') == std::string::npos ? "?" : "&";
    auto put = req("PUT", loc + sep + "digest=" + d, {}, data);
    EXPECT_EQ(put.status, 201) << put.body;
    return d;
  }
  static json descriptor(const std::string& media_type, const std::string& data) {
    return {{"mediaType", media_type}, {"digest", digest_of(data).str()}, {"size", data.size()}};
  }
  // An image manifest with one config and the given layers (all pushed first).
  std::string image_manifest(const std::string& repo, const std::vector<std::string>& layers,
                             const std::string& config = "{}", json extra = json::object()) {
    push_blob(repo, config);
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config", descriptor("application/vnd.oci.image.config.v1+json", config)},
              {"layers", json::array()}};
    for (const auto& l : layers) {
      push_blob(repo, l);
      m["layers"].push_back(descriptor("application/vnd.oci.image.layer.v1.tar", l));
    }
    for (auto it = extra.begin(); it != extra.end(); ++it) m[it.key()] = it.value();
    return m.dump();
  }
  HttpResponse put_manifest(
      const std::string& repo, const std::string& ref, const std::string& body,
      const std::string& type = "application/vnd.oci.image.manifest.v1+json") {
    return req("PUT", "/v2/" + repo + "/manifests/" + ref, {"Content-Type: " + type}, body);
  }
  static std::string error_code(const HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("errors") || j["errors"].empty()) return "<no error body>";
    return j["errors"][0]["code"];
  }

  fs::TempDir root_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0;
  std::string base_;
  testing::HttpClient http_;
};

TEST_F(RegistryApi, End1BaseAndHealth) {
  auto r = req("GET", "/v2/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(req("GET", "/healthz").status, 200);
  EXPECT_EQ(req("GET", "/metrics").status, 200);
  EXPECT_NE(metrics().find(
                "charthouse_http_requests_total{route=\"/v2/\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << metrics();
}

TEST_F(RegistryApi, End2BlobGetHeadRangeEtag) {
  std::string data = "hello blob world";
  std::string d = push_blob("lib/app", data);
  auto get = req("GET", "/v2/lib/app/blobs/" + d);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, data);
  EXPECT_EQ(get.header("docker-content-digest"), d);
  EXPECT_EQ(get.header("content-length"), std::to_string(data.size()));
  auto head = req("HEAD", "/v2/lib/app/blobs/" + d);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(data.size()));
  EXPECT_EQ(head.header("docker-content-digest"), d);
  EXPECT_TRUE(head.body.empty());
  auto range = req("GET", "/v2/lib/app/blobs/" + d, {"Range: bytes=6-9"});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, "blob");
  EXPECT_EQ(range.header("content-range"), "bytes 6-9/" + std::to_string(data.size()));
  auto suffix = req("GET", "/v2/lib/app/blobs/" + d, {"Range: bytes=-5"});
  EXPECT_EQ(suffix.body, "world");
  auto bad_range = req("GET", "/v2/lib/app/blobs/" + d, {"Range: bytes=100-"});
  EXPECT_EQ(bad_range.status, 416);
  auto etag = get.header("etag");
  EXPECT_EQ(etag, "\"" + d + "\"");
  EXPECT_EQ(req("GET", "/v2/lib/app/blobs/" + d, {"If-None-Match: " + etag}).status, 304);
  // Missing blob, blob of another repository, malformed digest.
  std::string other = digest_of("nope").str();
  auto missing = req("GET", "/v2/lib/app/blobs/" + other);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "BLOB_UNKNOWN");
  EXPECT_EQ(req("HEAD", "/v2/lib/app/blobs/" + other).status, 404);
  EXPECT_EQ(req("GET", "/v2/other/repo/blobs/" + d).status, 404);
  auto malformed = req("GET", "/v2/lib/app/blobs/sha256:xyz");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(error_code(malformed), "DIGEST_INVALID");
}

TEST_F(RegistryApi, LargeBlobRoundTrip) {
  std::string data(40 * 1024 * 1024 + 7, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::string d = push_blob("big", data);
  auto get = req("GET", "/v2/big/blobs/" + d);
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(digest_of(get.body).str(), d);
}

TEST_F(RegistryApi, End4bSinglePostAndDigestMismatch) {
  std::string data = "single post";
  std::string d = digest_of(data).str();
  auto r = req("POST", "/v2/sp/blobs/uploads/?digest=" + d, {}, data);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("location"), "/v2/sp/blobs/" + d);
  EXPECT_EQ(req("GET", "/v2/sp/blobs/" + d).body, data);
  auto wrong = req("POST", "/v2/sp/blobs/uploads/?digest=" + digest_of("other").str(), {}, data);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(error_code(wrong), "DIGEST_INVALID");
  EXPECT_EQ(req("HEAD", "/v2/sp/blobs/" + digest_of("other").str()).status, 404);
}

TEST_F(RegistryApi, ChunkedUploadStatusAndOrder) {
  std::string a = std::string(1000, 'a'), b = std::string(500, 'b'), c = "tail";
  std::string whole = a + b + c;
  auto post = req("POST", "/v2/chunked/blobs/uploads/", {"Content-Length: 0"});
  ASSERT_EQ(post.status, 202);
  std::string loc = post.header("location");
  EXPECT_NE(loc.find("/v2/chunked/blobs/uploads/"), std::string::npos);
  EXPECT_FALSE(post.header("docker-upload-uuid").empty());
  auto p1 =
      req("PATCH", loc, {"Content-Range: 0-999", "Content-Type: application/octet-stream"}, a);
  ASSERT_EQ(p1.status, 202) << p1.body;
  EXPECT_EQ(p1.header("range"), "0-999");
  std::string loc2 = p1.header("location");
  EXPECT_NE(loc2, loc) << "a fresh Location per chunk";
  // Out of order: 416 with the current range.
  auto bad = req("PATCH", loc2, {"Content-Range: 2000-2499"}, b);
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.header("range"), "0-999");
  // Status (end-13).
  auto status = req("GET", loc2);
  EXPECT_EQ(status.status, 204);
  EXPECT_EQ(status.header("range"), "0-999");
  // A chunk without Content-Range (streamed as Docker does).
  auto p2 = req("PATCH", loc2, {}, b);
  ASSERT_EQ(p2.status, 202) << p2.body;
  EXPECT_EQ(p2.header("range"), "0-1499");
  // Last chunk in the closing PUT.
  std::string l3 = p2.header("location");
  auto put = req("PUT", l3 + "&digest=" + digest_of(whole).str(), {"Content-Range: 1500-1503"}, c);
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(req("GET", "/v2/chunked/blobs/" + digest_of(whole).str()).body, whole);
  // The session is gone after the PUT.
  EXPECT_EQ(req("GET", l3).status, 404);
  EXPECT_EQ(error_code(req("PATCH", l3, {}, "x")), "BLOB_UPLOAD_UNKNOWN");
}

TEST_F(RegistryApi, UploadCancelSha512AndBadDigest) {
  auto post = req("POST", "/v2/u/blobs/uploads/");
  std::string loc = post.header("location");
  EXPECT_EQ(req("DELETE", loc).status, 204);
  EXPECT_EQ(req("GET", loc).status, 404);

  std::string data = "sha512 content";
  auto p512 = req("POST", "/v2/u/blobs/uploads/?digest-algorithm=sha512");
  ASSERT_EQ(p512.status, 202);
  std::string d512 = digest_of(data, DigestAlgorithm::kSha512).str();
  auto put = req("PUT", p512.header("location") + "&digest=" + d512, {}, data);
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(req("GET", "/v2/u/blobs/" + d512).body, data);

  auto p = req("POST", "/v2/u/blobs/uploads/");
  auto missing_digest = req("PUT", p.header("location"), {}, "x");
  EXPECT_EQ(missing_digest.status, 400);
  EXPECT_EQ(error_code(missing_digest), "DIGEST_INVALID");
  auto unsupported = req("POST", "/v2/u/blobs/uploads/?digest-algorithm=md5");
  EXPECT_EQ(unsupported.status, 400);
}

TEST_F(RegistryApi, End11CrossMountAndAutomaticMount) {
  std::string d = push_blob("src/repo", "shared layer");
  auto m = req("POST", "/v2/dst/repo/blobs/uploads/?mount=" + d + "&from=src/repo");
  EXPECT_EQ(m.status, 201);
  EXPECT_EQ(m.header("location"), "/v2/dst/repo/blobs/" + d);
  EXPECT_EQ(req("GET", "/v2/dst/repo/blobs/" + d).body, "shared layer");
  auto fallback = req(
      "POST", "/v2/dst/repo/blobs/uploads/?mount=" + digest_of("unknown").str() + "&from=src/repo");
  EXPECT_EQ(fallback.status, 202);
  auto automatic = req("POST", "/v2/third/blobs/uploads/?mount=" + d);
  EXPECT_EQ(automatic.status, 201);
  EXPECT_EQ(req("HEAD", "/v2/third/blobs/" + d).status, 200);
}

TEST_F(RegistryApi, End3End7ManifestsByteExact) {
  std::string body = image_manifest("app", {"layer one", "layer two"});
  body.insert(body.size() - 1, " ");  // odd whitespace must survive byte-exactly
  std::string d = digest_of(body).str();
  auto put = put_manifest("app", "1.0.0", body);
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.header("location"), "/v2/app/manifests/" + d);
  EXPECT_EQ(put.header("docker-content-digest"), d);
  for (std::string ref : {std::string("1.0.0"), d}) {
    auto get = req("GET", "/v2/app/manifests/" + ref,
                   {"Accept: application/vnd.oci.image.manifest.v1+json"});
    EXPECT_EQ(get.status, 200);
    EXPECT_EQ(get.body, body);
    EXPECT_EQ(get.header("content-type"), "application/vnd.oci.image.manifest.v1+json");
    EXPECT_EQ(get.header("docker-content-digest"), d);
    auto head = req("HEAD", "/v2/app/manifests/" + ref);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), std::to_string(body.size()));
    EXPECT_EQ(head.header("docker-content-digest"), d);
  }
  EXPECT_EQ(error_code(req("GET", "/v2/app/manifests/2.0.0")), "MANIFEST_UNKNOWN");
  EXPECT_EQ(req("GET", "/v2/app/manifests/" + digest_of("x").str()).status, 404);
  // Push by digest: the digest must match the body.
  auto by_digest = put_manifest("app", d, body);
  EXPECT_EQ(by_digest.status, 201);
  auto mismatch = put_manifest("app", digest_of("x").str(), body);
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(error_code(mismatch), "DIGEST_INVALID");
}

TEST_F(RegistryApi, ManifestValidation) {
  EXPECT_EQ(error_code(put_manifest("v", "t", "not json")), "MANIFEST_INVALID");
  EXPECT_EQ(error_code(put_manifest("v", "t", "{\"schemaVersion\":2}")), "MANIFEST_INVALID");
  std::string body = image_manifest("v", {"l"});
  // Content-Type disagreeing with mediaType.
  EXPECT_EQ(error_code(put_manifest("v", "t", body, "application/vnd.oci.image.index.v1+json")),
            "MANIFEST_INVALID");
  // Missing layer → MANIFEST_BLOB_UNKNOWN, one error per missing blob.
  json m = json::parse(body);
  m["layers"].push_back(descriptor("application/vnd.oci.image.layer.v1.tar", "never pushed"));
  auto missing = put_manifest("v", "t", m.dump());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(error_code(missing), "MANIFEST_BLOB_UNKNOWN");
  EXPECT_EQ(req("GET", "/v2/v/manifests/t").status, 404) << "nothing stored";
  // Too large: 413.
  std::string huge = "{\"schemaVersion\":2,\"pad\":\"" + std::string(4 * 1024 * 1024, 'x') + "\"}";
  EXPECT_EQ(put_manifest("v", "t", huge).status, 413);
  // Bad tag and bad name.
  EXPECT_EQ(put_manifest("v", "-bad", body).status, 400);
  auto bad_name = put_manifest("Upper", "t", body);
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_EQ(error_code(bad_name), "NAME_INVALID");
}

TEST_F(RegistryApi, IndexAndDockerManifests) {
  std::string child = image_manifest("multi", {"amd64 layer"});
  ASSERT_EQ(put_manifest("multi", digest_of(child).str(), child).status, 201);
  json index = {{"schemaVersion", 2},
                {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests",
                 json::array({descriptor("application/vnd.oci.image.manifest.v1+json", child)})}};
  auto put =
      put_manifest("multi", "latest", index.dump(), "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(put.status, 201) << put.body;
  json bad_index = index;
  bad_index["manifests"].push_back(
      descriptor("application/vnd.oci.image.manifest.v1+json", "not there"));
  EXPECT_EQ(error_code(put_manifest("multi", "broken", bad_index.dump(),
                                    "application/vnd.oci.image.index.v1+json")),
            "MANIFEST_BLOB_UNKNOWN");
  push_blob("docker", "{}");
  push_blob("docker", "dl");
  json docker = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
      {"config", descriptor("application/vnd.docker.container.image.v1+json", "{}")},
      {"layers",
       json::array({descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", "dl")})}};
  auto dput = put_manifest("docker", "v1", docker.dump(),
                           "application/vnd.docker.distribution.manifest.v2+json");
  EXPECT_EQ(dput.status, 201) << dput.body;
  EXPECT_EQ(req("GET", "/v2/docker/manifests/v1").header("content-type"),
            "application/vnd.docker.distribution.manifest.v2+json");
}

TEST_F(RegistryApi, End8TagListPagination) {
  std::string body = image_manifest("tags", {"l"});
  for (std::string t : {"b", "a", "c", "1.0.0", "A"})
    ASSERT_EQ(put_manifest("tags", t, body).status, 201);
  auto all = req("GET", "/v2/tags/tags/list");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(json::parse(all.body),
            json({{"name", "tags"},
                  {"tags", {"1.0.0", "A", "a", "b", "c"}},
                  {"charts", json::array()}}));  // which tags hold Helm charts: none here
  auto page = req("GET", "/v2/tags/tags/list?n=2");
  EXPECT_EQ(json::parse(page.body)["tags"], json({"1.0.0", "A"}));
  EXPECT_EQ(page.header("link"), "</v2/tags/tags/list?n=2&last=A>; rel=\"next\"");
  auto next = req("GET", "/v2/tags/tags/list?n=2&last=A");
  EXPECT_EQ(json::parse(next.body)["tags"], json({"a", "b"}));
  auto last = req("GET", "/v2/tags/tags/list?n=2&last=b");
  EXPECT_EQ(json::parse(last.body)["tags"], json({"c"}));
  EXPECT_EQ(last.header("link"), "");
  auto zero = req("GET", "/v2/tags/tags/list?n=0");
  EXPECT_EQ(json::parse(zero.body)["tags"], json::array());
  EXPECT_EQ(zero.header("link"), "");
  auto unknown = req("GET", "/v2/nothere/tags/list");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_code(unknown), "NAME_UNKNOWN");
  EXPECT_EQ(req("GET", "/v2/tags/tags/list?n=abc").status, 400);
}

TEST_F(RegistryApi, CatalogPagination) {
  for (std::string r : {"b/x", "a", "c"}) push_blob(r, "x");
  auto all = req("GET", "/v2/_catalog");
  EXPECT_EQ(json::parse(all.body)["repositories"], json({"a", "b/x", "c"}));
  auto page = req("GET", "/v2/_catalog?n=1&last=a");
  EXPECT_EQ(json::parse(page.body)["repositories"], json({"b/x"}));
  EXPECT_EQ(page.header("link"), "</v2/_catalog?n=1&last=b/x>; rel=\"next\"");
}

TEST_F(RegistryApi, End12ReferrersWithFilter) {
  std::string subject_body = image_manifest("ref", {"base"});
  std::string subject = digest_of(subject_body).str();
  // A referrer pushed before its subject exists is accepted (dangling subject).
  json subj = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
               {"digest", subject},
               {"size", subject_body.size()}};
  std::string sig = image_manifest("ref", {"signature"}, "{\"sig\":1}",
                                   {{"artifactType", "application/vnd.example.sig"},
                                    {"subject", subj},
                                    {"annotations", {{"org.example.kind", "signature"}}}});
  auto sput = put_manifest("ref", digest_of(sig).str(), sig);
  ASSERT_EQ(sput.status, 201) << sput.body;
  EXPECT_EQ(sput.header("oci-subject"), subject);
  std::string sbom =
      image_manifest("ref", {"sbom"}, "{\"sbom\":1}",
                     {{"artifactType", "application/vnd.example.sbom"}, {"subject", subj}});
  ASSERT_EQ(put_manifest("ref", digest_of(sbom).str(), sbom).status, 201);
  ASSERT_EQ(put_manifest("ref", "v1", subject_body).status, 201);

  auto all = req("GET", "/v2/ref/referrers/" + subject);
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.header("content-type"), "application/vnd.oci.image.index.v1+json");
  auto idx = json::parse(all.body);
  EXPECT_EQ(idx["manifests"].size(), 2u);
  auto filtered =
      req("GET", "/v2/ref/referrers/" + subject + "?artifactType=application/vnd.example.sig");
  EXPECT_EQ(filtered.header("oci-filters-applied"), "artifactType");
  auto f = json::parse(filtered.body);
  ASSERT_EQ(f["manifests"].size(), 1u);
  EXPECT_EQ(f["manifests"][0]["artifactType"], "application/vnd.example.sig");
  EXPECT_EQ(f["manifests"][0]["annotations"]["org.example.kind"], "signature");
  EXPECT_EQ(f["manifests"][0]["digest"], digest_of(sig).str());
  // Never 404: an unknown repository or subject gives an empty index; a bad digest 400.
  auto none = req("GET", "/v2/unknown/referrers/" + subject);
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(json::parse(none.body)["manifests"], json::array());
  EXPECT_EQ(req("GET", "/v2/ref/referrers/sha256:bad").status, 400);
}

TEST_F(RegistryApi, MultipleTagsOnPush) {
  std::string body = image_manifest("mt", {"l"});
  std::string d = digest_of(body).str();
  auto r = put_manifest("mt", d + "?tag=a&tag=b&tag=c", body);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("oci-tag"), "a,b,c");
  for (std::string t : {"a", "b", "c"}) EXPECT_EQ(req("GET", "/v2/mt/manifests/" + t).body, body);
}

TEST_F(RegistryApi, End9End10Deletes) {
  std::string body = image_manifest("del", {"layer"});
  std::string d = digest_of(body).str();
  ASSERT_EQ(put_manifest("del", "t1", body).status, 201);
  ASSERT_EQ(put_manifest("del", "t2", body).status, 201);
  EXPECT_EQ(req("DELETE", "/v2/del/manifests/t1").status, 202);
  EXPECT_EQ(req("GET", "/v2/del/manifests/t1").status, 404);
  EXPECT_EQ(req("GET", "/v2/del/manifests/t2").status, 200);
  EXPECT_EQ(req("DELETE", "/v2/del/manifests/" + d).status, 202);
  EXPECT_EQ(req("GET", "/v2/del/manifests/" + d).status, 404);
  EXPECT_EQ(req("GET", "/v2/del/manifests/t2").status, 404) << "tags of a deleted manifest go too";
  EXPECT_EQ(req("DELETE", "/v2/del/manifests/" + d).status, 404);
  std::string ld = digest_of("layer").str();
  EXPECT_EQ(req("DELETE", "/v2/del/blobs/" + ld).status, 202);
  EXPECT_EQ(req("HEAD", "/v2/del/blobs/" + ld).status, 404);
  EXPECT_EQ(req("DELETE", "/v2/del/blobs/" + ld).status, 404);
}

TEST_F(RegistryApi, DeletesCanBeDisabled) {
  stop_server();
  start({"--delete-enabled", "false"});
  std::string body = image_manifest("nd", {"l"});
  ASSERT_EQ(put_manifest("nd", "t", body).status, 201);
  auto r = req("DELETE", "/v2/nd/manifests/t");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(error_code(r), "UNSUPPORTED");
  EXPECT_EQ(req("GET", "/v2/nd/manifests/t").status, 200);
}

TEST_F(RegistryApi, SigtermFinishesAndExitsCleanly) {
  push_blob("s", "x");
  EXPECT_EQ(terminate(), 0) << server_log();
  // The store reopens with everything in it.
  stop_server();
  start({});
  EXPECT_EQ(req("GET", "/v2/s/blobs/" + digest_of("x").str()).body, "x");
}

TEST_F(RegistryApi, AccessLogLinePerRequest) {
  req("GET", "/v2/");
  req("GET", "/v2/nothere/tags/list");
  terminate();
  const std::string log = server_log();
  EXPECT_NE(log.find("\"GET /v2/ HTTP/1.1\" 200"), std::string::npos) << log;
  EXPECT_NE(log.find("\"GET /v2/nothere/tags/list HTTP/1.1\" 404"), std::string::npos) << log;
}

}  // namespace
}  // namespace ch
