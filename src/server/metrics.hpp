// Prometheus metrics of the registry: requests by route, method and status, latency
// histograms, bytes in and out, uploads and garbage collection. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace ch::server {

class Metrics {
 public:
  void observe_request(const std::string& route, const std::string& method, int status,
                       std::uint64_t bytes_in, std::uint64_t bytes_out, double seconds);
  void upload_started() { uploads_started_++; }
  void upload_committed(std::uint64_t bytes) {
    uploads_committed_++;
    upload_bytes_ += bytes;
  }
  void gc_run(std::uint64_t manifests, std::uint64_t blobs, std::uint64_t bytes) {
    gc_runs_++;
    gc_manifests_ += manifests;
    gc_blobs_ += blobs;
    gc_bytes_ += bytes;
  }
  // The text exposition format (version 0.0.4).
  std::string render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> buckets;  // cumulative counts are computed at render time
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
  std::atomic<std::uint64_t> uploads_started_{0}, uploads_committed_{0}, upload_bytes_{0};
  std::atomic<std::uint64_t> gc_runs_{0}, gc_manifests_{0}, gc_blobs_{0}, gc_bytes_{0};
};

// The method label: one of GET HEAD PUT POST PATCH DELETE OPTIONS, else "other".
std::string method_label(const std::string& method);

// Route label of a request path, with names and digests folded away ("/v2/<name>/blobs/<digest>").
std::string route_of(const std::string& method, const std::string& path);

}  // namespace ch::server
