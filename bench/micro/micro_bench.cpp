// Micro-benchmarks (Google Benchmark) of the hot paths under the side-by-side benchmarks of
// bench/*.sh: the router's path matching, digests, Go-compatible JSON, version constraints,
// manifest parsing and cosign signature checks. `make bench` runs them after the peers;
// `build/micro_bench --benchmark_filter=Route` runs some.
#include <benchmark/benchmark.h>

#include <string>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "cosign/key.hpp"
#include "gocompat/gojson.hpp"
#include "gocompat/semver.hpp"
#include "oci/manifest.hpp"
#include "oci/reference.hpp"
#include "server/routes.hpp"

namespace {

constexpr const char* kManifest =
    R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json",)"
    R"("digest":"sha256:3bf008d3cce6bcdd7ffbd8e147b4a4febb7b93887f75cc3dbecdc9a7efe5571f","size":115},)"
    R"("layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip",)"
    R"("digest":"sha256:25f0d0137b8b9e966549bfc0903ae89b32e65c7e529cd92d27338fd509c96f73","size":376}],)"
    R"("annotations":{"org.opencontainers.image.title":"my-app","org.opencontainers.image.version":"1.0.0"}})";

void BM_RouteManifest(benchmark::State& state) {
  const std::string path = "/v2/team/charts/my-app/manifests/1.0.0";
  for (auto _ : state) benchmark::DoNotOptimize(ch::server::match_route(path));
}
BENCHMARK(BM_RouteManifest);

void BM_RouteDeepBlob(benchmark::State& state) {
  const std::string path =
      "/v2/a/b/c/d/e/f/blobs/"
      "sha256:25f0d0137b8b9e966549bfc0903ae89b32e65c7e529cd92d27338fd509c96f73";
  for (auto _ : state) benchmark::DoNotOptimize(ch::server::match_route(path));
}
BENCHMARK(BM_RouteDeepBlob);

void BM_Sha256(benchmark::State& state) {
  const std::string data(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(ch::digest_of(data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(4 << 10)->Arg(1 << 20);

void BM_ParseManifest(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ch::oci::parse_manifest(kManifest));
}
BENCHMARK(BM_ParseManifest);

void BM_ParsePushedManifest(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(
        ch::oci::parse_pushed(kManifest, "application/vnd.oci.image.manifest.v1+json"));
}
BENCHMARK(BM_ParsePushedManifest);

void BM_ReferenceParse(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(ch::oci::Reference::parse("oci://ghcr.io/my-org/charts/my-app:1.0.0"));
}
BENCHMARK(BM_ReferenceParse);

void BM_GoJsonMarshal(benchmark::State& state) {
  auto doc = nlohmann::ordered_json::parse(kManifest);
  for (auto _ : state) benchmark::DoNotOptimize(ch::gojson::marshal(doc));
}
BENCHMARK(BM_GoJsonMarshal);

void BM_SemverConstraint(benchmark::State& state) {
  auto c = ch::semver::Constraints::parse(">=1.2.0 <2.0.0-0");
  auto v = ch::semver::Version::parse("1.9.3");
  for (auto _ : state) benchmark::DoNotOptimize(c.check(v));
}
BENCHMARK(BM_SemverConstraint);

void BM_CosignVerify(benchmark::State& state) {
  // The fixture key and the signature skopeo made over its payload
  // (tests/fixtures/signatures/cosign-skopeo).
  auto key = ch::cosign::load_public_key(
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEOqUUUSB0M1bZQWLa4FqLxszzOs7\n"
      "3FbExGXKn3V0Q55IMNd3HCShBdu9gmstb2QvvbcQjXz6j9XVKDwFEaA0aA==\n"
      "-----END PUBLIC KEY-----\n");
  const std::string payload =
      R"({"critical":{"identity":{"docker-reference":"127.0.0.1:5091/signed/my-app:1.0.0"},"image":{"docker-manifest-digest":"sha256:ed81fb809801843c15bc605cbdd5a34b53b369f8aac30471002c8eac8d9ad9b5"},"type":"cosign container image signature"},"optional":{"creator":"containers/image 5.34.2","timestamp":1796628165}})";
  const std::string signature = *ch::base64_decode(
      "MEUCIQC8YPDLo+moUDknlOYYcy+bfIWETbpRvla7SH+lss21YQIgW30YaJmW6NEh7LG/"
      "CbdpLOYxQnX1IgERhq6J6TS9IYo=");
  if (!key.verify(payload, signature)) state.SkipWithError("the fixture signature does not verify");
  for (auto _ : state) benchmark::DoNotOptimize(key.verify(payload, signature));
}
BENCHMARK(BM_CosignVerify);

}  // namespace
