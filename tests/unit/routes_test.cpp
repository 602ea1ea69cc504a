// Tests of server/routes.cpp: the hand-written matchers that replaced std::regex on client
// input (the router, Content-Range and multipart), each compared with the regular expression
// it replaced on many generated inputs (std::regex is fine here: the inputs are short and
// ours) and checked on the inputs that used to crash or stall the server. The repository and
// tag grammars are tested in reference_test.cpp.
#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "base/error.hpp"
#include "server/routes.hpp"
#include "unit_helpers.hpp"

namespace ch::server::handlers {
namespace {

using ch::testing::random_string;

// The router against the patterns it replaced, on paths built from route-ish pieces.
TEST(Routes, AgreeWithTheFormerPatterns) {
  const std::regex upload("^/v2/(.+)/blobs/uploads/?([^/]*)$"), blob("^/v2/(.+)/blobs/([^/]+)$"),
      manifest("^/v2/(.+)/manifests/([^/]+)$"), tags("^/v2/(.+)/tags/list$"),
      referrers("^/v2/(.+)/referrers/([^/]+)$"),
      api_version("^/api/(.+)/charts/([^/]+)/([^/]+)/?$"), api_name("^/api/(.+)/charts/([^/]+)/?$"),
      api_list("^/api/(.+)/charts/?$"), index("^/(.+)/index\\.yaml$"),
      archive("^/(.+)/charts/([^/]+)\\.tgz(\\.prov)?$");
  const std::vector<std::string> pieces = {
      "/v2",         "/api",        "/a",    "/b",         "/blobs",  "/uploads",
      "/manifests",  "/tags",       "/list", "/referrers", "/charts", "/x.tgz",
      "/x.tgz.prov", "/index.yaml", "/",     "/sha256:ab"};
  std::mt19937 rng(3);
  std::uniform_int_distribution<size_t> count(1, 6), pick(0, pieces.size() - 1);
  int matched = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string path;
    for (size_t k = count(rng); k > 0; --k) path += pieces[pick(rng)];
    auto r = match_route(path);
    std::smatch m;
    // The former dispatch order: OCI areas under /v2/, then the classic routes elsewhere.
    if (path.rfind("/v2/", 0) == 0 && path != "/v2/" && path != "/v2/_catalog") {
      if (std::regex_match(path, m, upload) && m[2].length() == 0) {
        ASSERT_TRUE(r && r->kind == RouteKind::kUploadStart) << path;
        EXPECT_EQ(r->name, m[1]) << path;
      } else if (std::regex_match(path, m, upload) && path[m.position(2) - 1] == '/') {
        ASSERT_TRUE(r && r->kind == RouteKind::kUpload) << path;
        EXPECT_EQ(r->name, m[1]);
        EXPECT_EQ(r->ref, m[2]);
      } else if (std::regex_match(path, m, upload)) {
        // The old pattern took "uploadsXYZ" for the upload "XYZ"; now it is a blob reference
        // (an invalid digest), as every other registry reads it.
        ASSERT_TRUE(r && r->kind == RouteKind::kBlob) << path;
      } else if (std::regex_match(path, m, blob)) {
        ASSERT_TRUE(r && r->kind == RouteKind::kBlob) << path;
        EXPECT_EQ(r->name, m[1]);
        EXPECT_EQ(r->ref, m[2]);
      } else if (std::regex_match(path, m, manifest)) {
        ASSERT_TRUE(r && r->kind == RouteKind::kManifest) << path;
        EXPECT_EQ(r->name, m[1]);
        EXPECT_EQ(r->ref, m[2]);
      } else if (std::regex_match(path, m, tags)) {
        ASSERT_TRUE(r && r->kind == RouteKind::kTags) << path;
        EXPECT_EQ(r->name, m[1]);
      } else if (std::regex_match(path, m, referrers)) {
        ASSERT_TRUE(r && r->kind == RouteKind::kReferrers) << path;
        EXPECT_EQ(r->name, m[1]);
        EXPECT_EQ(r->ref, m[2]);
      } else {
        EXPECT_FALSE(r) << path;
      }
      matched += r.has_value();
      continue;
    }
    if (path.rfind("/v2/", 0) == 0 || path == "/v2") continue;  // fixed routes
    if (std::regex_match(path, m, api_version)) {
      ASSERT_TRUE(r && r->kind == RouteKind::kApiChartVersion) << path;
      EXPECT_EQ(r->name, m[1]);
      EXPECT_EQ(r->ref, m[2]);
      EXPECT_EQ(r->version, m[3]);
    } else if (std::regex_match(path, m, api_name)) {
      ASSERT_TRUE(r && r->kind == RouteKind::kApiChart) << path;
      EXPECT_EQ(r->name, m[1]);
      EXPECT_EQ(r->ref, m[2]);
    } else if (std::regex_match(path, m, api_list)) {
      ASSERT_TRUE(r && r->kind == RouteKind::kApiCharts) << path;
      EXPECT_EQ(r->name, m[1]);
    } else if (std::regex_match(path, m, index)) {
      ASSERT_TRUE(r && r->kind == RouteKind::kIndex) << path;
      EXPECT_EQ(r->name, m[1]);
    } else if (std::regex_match(path, m, archive)) {
      ASSERT_TRUE(r && r->kind == RouteKind::kChartFile) << path;
      EXPECT_EQ(r->name, m[1]);
      EXPECT_EQ(r->ref, m[2]);
      EXPECT_EQ(r->prov, m[3].matched);
    } else {
      EXPECT_FALSE(r) << path;
    }
    matched += r.has_value();
  }
  EXPECT_GT(matched, 5000);
}

TEST(Routes, FixedRoutesAndLimits) {
  EXPECT_EQ(match_route("/healthz")->kind, RouteKind::kHealth);
  EXPECT_EQ(match_route("/readyz")->kind, RouteKind::kReady);
  EXPECT_EQ(match_route("/v2/")->kind, RouteKind::kBase);
  EXPECT_EQ(match_route("/v2")->kind, RouteKind::kBase);
  EXPECT_EQ(match_route("/v2/_catalog")->kind, RouteKind::kCatalog);
  auto r = match_route("/v2/team/charts/app/manifests/1.0.0");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "team/charts/app");
  EXPECT_EQ(r->ref, "1.0.0");
  // A 40 KB path is no route, and matching it costs one length check.
  EXPECT_FALSE(match_route("/v2/" + std::string(40000, 'a') + "/tags/list"));
  EXPECT_FALSE(match_route("/" + std::string(40000, 'a') + "/index.yaml"));
  EXPECT_TRUE(
      match_route("/v2/" + std::string(255, 'a') + "/blobs/sha256:" + std::string(64, 'f')));
}

TEST(ContentRange, ParsesBoundedNumbers) {
  std::uint64_t a = 0, b = 0;
  EXPECT_TRUE(parse_content_range("0-99", &a, &b));
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 99u);
  EXPECT_TRUE(parse_content_range("bytes 100-199", &a, &b));
  EXPECT_EQ(a, 100u);
  EXPECT_TRUE(parse_content_range("0-9999999999999999999", &a, &b));    // 19 digits
  EXPECT_FALSE(parse_content_range("0-99999999999999999999", &a, &b));  // 20
  EXPECT_FALSE(parse_content_range("0-" + std::string(50000, '9'), &a, &b));
  for (const char* bad : {"", "-", "1-", "-1", "a-1", "1-2-3", "1 -2", "+1-2", "bytes=0-1"})
    EXPECT_FALSE(parse_content_range(bad, &a, &b)) << bad;
}

TEST(Multipart, FieldsAndLimits) {
  std::string body =
      "--XY\r\nContent-Disposition: form-data; name=\"chart\"; filename=\"c.tgz\"\r\n\r\nCHART"
      "\r\n--XY\r\nContent-Disposition: form-data; name=\"prov\"\r\n\r\nPROV\r\n--XY--\r\n";
  auto f = parse_multipart(body, "multipart/form-data; boundary=XY");
  EXPECT_EQ(f["chart"], "CHART");
  EXPECT_EQ(f["prov"], "PROV");
  EXPECT_EQ(parse_multipart(body, "multipart/form-data; boundary=\"XY\"")["chart"], "CHART");
  EXPECT_THROW(parse_multipart(body, "multipart/form-data"), Error);
  EXPECT_THROW(parse_multipart(body, "multipart/form-data; boundary=" + std::string(71, 'b')),
               Error);
  EXPECT_THROW(parse_multipart("--XY\r\nname=\"a\"\r\n\r\nunterminated", "m; boundary=XY"), Error);
  std::string many;
  for (int i = 0; i < 17; ++i)
    many += "--XY\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nx\r\n";
  many += "--XY--\r\n";
  EXPECT_THROW(parse_multipart(many, "m; boundary=XY"), Error);
}

}  // namespace
}  // namespace ch::server::handlers
