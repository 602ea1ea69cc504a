#include "server/metrics.hpp"

#include <fmt/format.h>

#include "server/routes.hpp"

namespace ch::server {

namespace {
const double kBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
constexpr size_t kNumBounds = sizeof kBounds / sizeof kBounds[0];
}  // namespace

void Metrics::observe_request(const std::string& route, const std::string& method, int status,
                              std::uint64_t bytes_in, std::uint64_t bytes_out, double seconds) {
  std::lock_guard lock(mu_);
  // Labels come from fixed sets (routes, methods, 100..599), so the series are bounded.
  requests_[{route, method_label(method), status >= 100 && status <= 599 ? status : 0}]++;
  auto& h = latency_[route];
  if (h.buckets.empty()) h.buckets.assign(kNumBounds, 0);
  for (size_t i = 0; i < kNumBounds; ++i)
    if (seconds <= kBounds[i]) {
      h.buckets[i]++;
      break;
    }
  h.count++;
  h.sum += seconds;
  bytes_in_ += bytes_in;
  bytes_out_ += bytes_out;
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  out += "# HELP charthouse_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE charthouse_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += fmt::format(
        "charthouse_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
        std::get<0>(key), std::get<1>(key), std::get<2>(key), n);
  out += "# HELP charthouse_http_request_duration_seconds Request latency by route.\n";
  out += "# TYPE charthouse_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::uint64_t cum = 0;
    for (size_t i = 0; i < kNumBounds; ++i) {
      cum += h.buckets[i];
      out += fmt::format(
          "charthouse_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
          kBounds[i], cum);
    }
    out += fmt::format(
        "charthouse_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
        h.count);
    out += fmt::format("charthouse_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                       h.sum);
    out += fmt::format("charthouse_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       h.count);
  }
  out += "# TYPE charthouse_http_request_bytes_total counter\n";
  out += fmt::format("charthouse_http_request_bytes_total {}\n", bytes_in_);
  out += "# TYPE charthouse_http_response_bytes_total counter\n";
  out += fmt::format("charthouse_http_response_bytes_total {}\n", bytes_out_);
  out += "# TYPE charthouse_uploads_started_total counter\n";
  out += fmt::format("charthouse_uploads_started_total {}\n", uploads_started_.load());
  out += "# TYPE charthouse_uploads_committed_total counter\n";
  out += fmt::format("charthouse_uploads_committed_total {}\n", uploads_committed_.load());
  out += "# TYPE charthouse_upload_bytes_total counter\n";
  out += fmt::format("charthouse_upload_bytes_total {}\n", upload_bytes_.load());
  out += "# TYPE charthouse_gc_runs_total counter\n";
  out += fmt::format("charthouse_gc_runs_total {}\n", gc_runs_.load());
  out += "# TYPE charthouse_gc_manifests_deleted_total counter\n";
  out += fmt::format("charthouse_gc_manifests_deleted_total {}\n", gc_manifests_.load());
  out += "# TYPE charthouse_gc_blobs_deleted_total counter\n";
  out += fmt::format("charthouse_gc_blobs_deleted_total {}\n", gc_blobs_.load());
  out += "# TYPE charthouse_gc_bytes_freed_total counter\n";
  out += fmt::format("charthouse_gc_bytes_freed_total {}\n", gc_bytes_.load());
  return out;
}

std::string route_of(const std::string& method, const std::string& path) {
  (void)method;
  auto route = match_route(path);
  return route ? std::string(route_label(route->kind)) : "other";
}

std::string method_label(const std::string& method) {
  for (const char* known : {"GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"})
    if (method == known) return method;
  return "other";
}

}  // namespace ch::server
