// Tests of server/metrics.cpp: Prometheus text exposition of requests, latency and counters.
#include "server/metrics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/routes.hpp"

namespace ch::server {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

// The lines of `text` that start with `prefix`, joined by '\n'.
std::string lines_with(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    if (line.rfind(prefix, 0) == 0) out += line + "\n";
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

TEST(Metrics, RouteLabelsFoldNamesAndDigestsAway) {
  const std::pair<const char*, const char*> cases[] = {
      {"/healthz", "/healthz"},
      {"/readyz", "/readyz"},
      {"/metrics", "/metrics"},
      {"/_charthouse/gc", "/_charthouse/gc"},
      {"/token", "/token"},
      {"/v2/", "/v2/"},
      {"/v2", "/v2/"},
      {"/v2/_catalog", "/v2/_catalog"},
      {"/v2/team/app/blobs/uploads/", "/v2/<name>/blobs/uploads/<id>"},
      {"/v2/team/app/blobs/uploads/0123-abcd", "/v2/<name>/blobs/uploads/<id>"},
      {"/v2/team/app/manifests/1.0.0", "/v2/<name>/manifests/<ref>"},
      {"/v2/team/app/tags/list", "/v2/<name>/tags/list"},
      {"/api/ns/charts", "/api/<ns>/charts"},
      {"/api/ns/charts/app", "/api/<ns>/charts"},
      {"/api/ns/charts/app/1.0.0", "/api/<ns>/charts"},
      {"/ns/index.yaml", "/<ns>/index.yaml"},
      {"/ns/charts/app-1.0.0.tgz", "/<ns>/charts/<file>"},
      {"/ns/charts/app-1.0.0.tgz.prov", "/<ns>/charts/<file>"},
      {"/", "other"},
      {"/favicon.ico", "other"},
  };
  for (const auto& [path, route] : cases) EXPECT_EQ(route_of("GET", path), route) << path;
  EXPECT_EQ(route_of("GET", "/v2/a/blobs/" + kDigest), "/v2/<name>/blobs/<ref>");
  EXPECT_EQ(route_of("GET", "/v2/a/referrers/" + kDigest), "/v2/<name>/referrers/<ref>");
  // Past the longest path any route takes: no route, one label.
  EXPECT_EQ(route_of("GET", "/v2/" + std::string(kMaxPath, 'a') + "/tags/list"), "other");
}

TEST(Metrics, MethodLabelsAreAFixedSet) {
  for (const char* m : {"GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"})
    EXPECT_EQ(method_label(m), m);
  for (const char* m : {"get", "TRACE", "CONNECT", "BREW", ""}) EXPECT_EQ(method_label(m), "other");
}

TEST(Metrics, FreshRegistryRendersEveryFamilyAtZero) {
  Metrics m;
  EXPECT_EQ(m.render(),
            "# HELP charthouse_http_requests_total HTTP requests by route, method and status.\n"
            "# TYPE charthouse_http_requests_total counter\n"
            "# HELP charthouse_http_request_duration_seconds Request latency by route.\n"
            "# TYPE charthouse_http_request_duration_seconds histogram\n"
            "# TYPE charthouse_http_request_bytes_total counter\n"
            "charthouse_http_request_bytes_total 0\n"
            "# TYPE charthouse_http_response_bytes_total counter\n"
            "charthouse_http_response_bytes_total 0\n"
            "# TYPE charthouse_uploads_started_total counter\n"
            "charthouse_uploads_started_total 0\n"
            "# TYPE charthouse_uploads_committed_total counter\n"
            "charthouse_uploads_committed_total 0\n"
            "# TYPE charthouse_upload_bytes_total counter\n"
            "charthouse_upload_bytes_total 0\n"
            "# TYPE charthouse_gc_runs_total counter\n"
            "charthouse_gc_runs_total 0\n"
            "# TYPE charthouse_gc_manifests_deleted_total counter\n"
            "charthouse_gc_manifests_deleted_total 0\n"
            "# TYPE charthouse_gc_blobs_deleted_total counter\n"
            "charthouse_gc_blobs_deleted_total 0\n"
            "# TYPE charthouse_gc_bytes_freed_total counter\n"
            "charthouse_gc_bytes_freed_total 0\n");
}

TEST(Metrics, RequestsCountedByRouteMethodAndStatus) {
  Metrics m;
  m.observe_request("/v2/", "GET", 200, 0, 10, 0.001);
  m.observe_request("/v2/", "GET", 200, 0, 10, 0.001);
  m.observe_request("/v2/", "GET", 401, 0, 5, 0.001);
  m.observe_request("/v2/", "BREW", 200, 0, 0, 0.001);      // unknown method: "other"
  m.observe_request("/token", "POST", 600, 100, 0, 0.001);  // status outside 100..599: 0
  m.observe_request("/token", "POST", 99, 1, 0, 0.001);
  EXPECT_EQ(lines_with(m.render(), "charthouse_http_requests_total{"),
            "charthouse_http_requests_total{route=\"/token\",method=\"POST\",status=\"0\"} 2\n"
            "charthouse_http_requests_total{route=\"/v2/\",method=\"GET\",status=\"200\"} 2\n"
            "charthouse_http_requests_total{route=\"/v2/\",method=\"GET\",status=\"401\"} 1\n"
            "charthouse_http_requests_total{route=\"/v2/\",method=\"other\",status=\"200\"} 1\n");
  EXPECT_EQ(lines_with(m.render(), "charthouse_http_re"),
            lines_with(m.render(), "charthouse_http_requests_total{") +
                lines_with(m.render(), "charthouse_http_request_duration_seconds") +
                "charthouse_http_request_bytes_total 101\n"
                "charthouse_http_response_bytes_total 25\n");
}

TEST(Metrics, LatencyHistogramBucketsAreCumulativeAndInclusive) {
  Metrics m;
  // Exactly representable values: 2^-11 (under 0.0005), 0.25 (on a bound), 16 (past 10).
  m.observe_request("/v2/<name>/blobs/<ref>", "GET", 200, 0, 0, 0.00048828125);
  m.observe_request("/v2/<name>/blobs/<ref>", "GET", 200, 0, 0, 0.25);
  m.observe_request("/v2/<name>/blobs/<ref>", "HEAD", 200, 0, 0, 16);
  const std::string b =
      "charthouse_http_request_duration_seconds_bucket{route=\"/v2/<name>/"
      "blobs/<ref>\",le=";
  EXPECT_EQ(lines_with(m.render(), "charthouse_http_request_duration_seconds_"),
            b + "\"0.0005\"} 1\n" + b + "\"0.001\"} 1\n" + b + "\"0.0025\"} 1\n" + b +
                "\"0.005\"} 1\n" + b + "\"0.01\"} 1\n" + b + "\"0.025\"} 1\n" + b +
                "\"0.05\"} 1\n" + b + "\"0.1\"} 1\n" + b + "\"0.25\"} 2\n" + b + "\"0.5\"} 2\n" +
                b + "\"1\"} 2\n" + b + "\"2.5\"} 2\n" + b + "\"5\"} 2\n" + b + "\"10\"} 2\n" + b +
                "\"+Inf\"} 3\n"
                "charthouse_http_request_duration_seconds_sum{route=\"/v2/<name>/blobs/<ref>\"} "
                "16.25048828125\n"
                "charthouse_http_request_duration_seconds_count{route=\"/v2/<name>/blobs/<ref>\"} "
                "3\n");
}

TEST(Metrics, UploadAndGcCountersAddUp) {
  Metrics m;
  m.upload_started();
  m.upload_started();
  m.upload_committed(1000);
  m.upload_committed(24);
  m.gc_run(2, 3, 4096);
  m.gc_run(0, 1, 1);
  std::string text = m.render();
  EXPECT_NE(text.find("\ncharthouse_uploads_started_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("\ncharthouse_uploads_committed_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("\ncharthouse_upload_bytes_total 1024\n"), std::string::npos);
  EXPECT_NE(text.find("\ncharthouse_gc_runs_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("\ncharthouse_gc_manifests_deleted_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("\ncharthouse_gc_blobs_deleted_total 4\n"), std::string::npos);
  EXPECT_NE(text.find("\ncharthouse_gc_bytes_freed_total 4097\n"), std::string::npos);
}

TEST(Metrics, ConcurrentObservationsAreAllCounted) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        m.observe_request("/v2/", "GET", 200, 1, 2, 0.002);
        m.upload_started();
        if (i % 100 == 0) (void)m.render();
      }
    });
  for (auto& t : threads) t.join();
  std::string text = m.render();
  EXPECT_NE(
      text.find("charthouse_http_requests_total{route=\"/v2/\",method=\"GET\",status=\"200\"} "
                "16000\n"),
      std::string::npos);
  EXPECT_NE(text.find("charthouse_http_request_duration_seconds_count{route=\"/v2/\"} 16000\n"),
            std::string::npos);
  EXPECT_NE(text.find("charthouse_http_request_bytes_total 16000\n"), std::string::npos);
  EXPECT_NE(text.find("charthouse_http_response_bytes_total 32000\n"), std::string::npos);
  EXPECT_NE(text.find("charthouse_uploads_started_total 16000\n"), std::string::npos);
}

}  // namespace
}  // namespace ch::server
