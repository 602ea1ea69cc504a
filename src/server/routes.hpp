// The URL patterns of `charthouse serve`, matched by hand-written linear code: no regular
// expression and no recursion ever runs on a path, header or body a client sent. Every
// matcher bounds its input first (kMaxPath) and is fuzzed (tests/fuzz).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ch::server {

// Longest request path any route accepts (a 255-byte repository, an area and a digest or
// chart file name fit with room to spare); longer paths are 404 before any matching.
inline constexpr std::size_t kMaxPath = 1024;

enum class RouteKind {
  kHealth,           // /healthz
  kReady,            // /readyz
  kMetrics,          // /metrics
  kAdminGc,          // /_charthouse/gc
  kToken,            // /token
  kBase,             // /v2, /v2/
  kCatalog,          // /v2/_catalog
  kUploadStart,      // /v2/<name>/blobs/uploads[/]
  kUpload,           // /v2/<name>/blobs/uploads/<id>            ref = id
  kBlob,             // /v2/<name>/blobs/<digest>                ref = digest
  kManifest,         // /v2/<name>/manifests/<reference>         ref = tag or digest
  kTags,             // /v2/<name>/tags/list
  kReferrers,        // /v2/<name>/referrers/<digest>            ref = digest
  kApiChartVersion,  // /api/<ns>/charts/<chart>/<version>[/]    name = ns, ref = chart, version
  kApiChart,         // /api/<ns>/charts/<chart>[/]              name = ns, ref = chart
  kApiCharts,        // /api/<ns>/charts[/]                      name = ns
  kIndex,            // /<ns>/index.yaml                         name = ns
  kChartFile,        // /<ns>/charts/<chart>-<version>.tgz[.prov] name = ns, ref = file stem
};

struct Route {
  RouteKind kind;
  std::string name;     // repository (OCI routes) or namespace (classic routes); may be invalid
  std::string ref;      // see RouteKind
  std::string version;  // kApiChartVersion only
  bool prov = false;    // kChartFile: the .prov file
};

// The route table: every route with its label (the path with names folded away, e.g.
// "/v2/<name>/blobs/<ref>"), which is also its metrics label. The router (router.cpp) binds
// each kind to its handler.
struct RouteInfo {
  RouteKind kind;
  std::string_view label;
};
std::string_view route_label(RouteKind kind);

// The route of a percent-decoded request path, or nullopt (404). Names are matched from
// the right (a repository may contain "/blobs/"), exactly as the former patterns
// "^/v2/(.+)/blobs/([^/]+)$" etc. did; callers still validate the name (oci::valid_repository).
std::optional<Route> match_route(std::string_view path);

// Content-Range of a chunked upload, "<first>-<last>" with an optional "bytes " prefix, each
// number at most 19 digits. False when malformed.
bool parse_content_range(std::string_view value, std::uint64_t* first, std::uint64_t* last);

// The parts of a multipart/form-data body by field name (at most 16 parts; the boundary
// comes from `content_type`, at most 70 characters as RFC 2046 says). Throws
// Error(kInvalidArgument) for a missing/oversized boundary, too many parts or a malformed body.
std::map<std::string, std::string> parse_multipart(std::string_view body,
                                                   std::string_view content_type);

}  // namespace ch::server
