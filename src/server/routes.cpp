#include "server/routes.hpp"

#include "base/error.hpp"

namespace ch::server {

namespace {

constexpr std::string_view kV2 = "/v2/";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Splits "<rest>/<last>" at the last '/': false when there is none or either side is empty.
bool split_last(std::string_view s, std::string_view* rest, std::string_view* last) {
  auto slash = s.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == s.size()) return false;
  *rest = s.substr(0, slash);
  *last = s.substr(slash + 1);
  return true;
}

// "<name>/<area>/<one segment>" with a non-empty name: the segment and the name.
bool area_and_segment(std::string_view s, std::string_view area, std::string_view* name,
                      std::string_view* segment) {
  std::string_view rest;
  if (!split_last(s, &rest, segment)) return false;
  if (!ends_with(rest, area) || rest.size() <= area.size() + 1) return false;
  if (rest[rest.size() - area.size() - 1] != '/') return false;
  *name = rest.substr(0, rest.size() - area.size() - 1);
  return true;
}

Route make(RouteKind kind, std::string_view name, std::string_view ref = {}) {
  return Route{kind, std::string(name), std::string(ref), {}, false};
}

std::optional<Route> match_v2(std::string_view s) {  // s: the path after "/v2/"
  std::string_view name, seg;
  // /blobs/uploads[/] and /blobs/uploads/<id>
  if (ends_with(s, "/blobs/uploads") || ends_with(s, "/blobs/uploads/")) {
    std::string_view n = s.substr(0, s.rfind("/blobs/uploads"));
    if (!n.empty()) return make(RouteKind::kUploadStart, n);
  }
  if (area_and_segment(s, "blobs/uploads", &name, &seg)) return make(RouteKind::kUpload, name, seg);
  if (area_and_segment(s, "blobs", &name, &seg)) return make(RouteKind::kBlob, name, seg);
  if (area_and_segment(s, "manifests", &name, &seg)) return make(RouteKind::kManifest, name, seg);
  if (ends_with(s, "/tags/list") && s.size() > 10)
    return make(RouteKind::kTags, s.substr(0, s.size() - 10));
  if (area_and_segment(s, "referrers", &name, &seg)) return make(RouteKind::kReferrers, name, seg);
  return std::nullopt;
}

std::optional<Route> match_api(std::string_view s) {  // s: the path after "/api/"
  if (ends_with(s, "/")) s.remove_suffix(1);
  std::string_view ns, chart, version, rest;
  if (split_last(s, &rest, &version) && area_and_segment(rest, "charts", &ns, &chart)) {
    Route r = make(RouteKind::kApiChartVersion, ns, chart);
    r.version = std::string(version);
    return r;
  }
  if (area_and_segment(s, "charts", &ns, &chart)) return make(RouteKind::kApiChart, ns, chart);
  if (ends_with(s, "/charts") && s.size() > 7)
    return make(RouteKind::kApiCharts, s.substr(0, s.size() - 7));
  return std::nullopt;
}

std::optional<Route> match_classic(std::string_view s) {  // s: the path after "/"
  if (ends_with(s, "/index.yaml") && s.size() > 11)
    return make(RouteKind::kIndex, s.substr(0, s.size() - 11));
  bool prov = false;
  if (ends_with(s, ".prov")) {
    prov = true;
    s.remove_suffix(5);
  }
  std::string_view ns, file;
  if (!area_and_segment(s, "charts", &ns, &file) || !ends_with(file, ".tgz") || file.size() == 4)
    return std::nullopt;
  Route r = make(RouteKind::kChartFile, ns, file.substr(0, file.size() - 4));
  r.prov = prov;
  return r;
}

}  // namespace

namespace {

constexpr RouteInfo kRoutes[] = {
    {RouteKind::kHealth, "/healthz"},
    {RouteKind::kReady, "/readyz"},
    {RouteKind::kMetrics, "/metrics"},
    {RouteKind::kAdminGc, "/_charthouse/gc"},
    {RouteKind::kToken, "/token"},
    {RouteKind::kBase, "/v2/"},
    {RouteKind::kCatalog, "/v2/_catalog"},
    {RouteKind::kUploadStart, "/v2/<name>/blobs/uploads/<id>"},
    {RouteKind::kUpload, "/v2/<name>/blobs/uploads/<id>"},
    {RouteKind::kBlob, "/v2/<name>/blobs/<ref>"},
    {RouteKind::kManifest, "/v2/<name>/manifests/<ref>"},
    {RouteKind::kTags, "/v2/<name>/tags/list"},
    {RouteKind::kReferrers, "/v2/<name>/referrers/<ref>"},
    {RouteKind::kApiChartVersion, "/api/<ns>/charts"},
    {RouteKind::kApiChart, "/api/<ns>/charts"},
    {RouteKind::kApiCharts, "/api/<ns>/charts"},
    {RouteKind::kIndex, "/<ns>/index.yaml"},
    {RouteKind::kChartFile, "/<ns>/charts/<file>"},
};

}  // namespace

std::string_view route_label(RouteKind kind) {
  for (const RouteInfo& r : kRoutes)
    if (r.kind == kind) return r.label;
  return "other";
}

std::optional<Route> match_route(std::string_view path) {
  if (path.size() > kMaxPath) return std::nullopt;
  if (path == "/healthz") return make(RouteKind::kHealth, "");
  if (path == "/readyz") return make(RouteKind::kReady, "");
  if (path == "/metrics") return make(RouteKind::kMetrics, "");
  if (path == "/_charthouse/gc") return make(RouteKind::kAdminGc, "");
  if (path == "/token") return make(RouteKind::kToken, "");
  if (path == "/v2" || path == "/v2/") return make(RouteKind::kBase, "");
  if (path == "/v2/_catalog") return make(RouteKind::kCatalog, "");
  if (path.substr(0, kV2.size()) == kV2) return match_v2(path.substr(kV2.size()));
  if (path.substr(0, 5) == "/api/") {
    if (auto r = match_api(path.substr(5))) return r;
  }
  if (path.size() > 1 && path[0] == '/') return match_classic(path.substr(1));
  return std::nullopt;
}

bool parse_content_range(std::string_view value, std::uint64_t* first, std::uint64_t* last) {
  if (value.substr(0, 6) == "bytes ") value.remove_prefix(6);
  auto number = [](std::string_view digits, std::uint64_t* out) {
    if (digits.empty() || digits.size() > 19) return false;  // 19 digits always fit
    std::uint64_t v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    *out = v;
    return true;
  };
  auto dash = value.find('-');
  if (dash == std::string_view::npos) return false;
  return number(value.substr(0, dash), first) && number(value.substr(dash + 1), last);
}

std::map<std::string, std::string> parse_multipart(std::string_view body,
                                                   std::string_view content_type) {
  constexpr std::size_t kMaxParts = 16;
  constexpr std::size_t kMaxPartHeaders = 8 * 1024;
  auto bad = [](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, "malformed multipart body: " + why);
  };
  auto b = content_type.find("boundary=");
  if (b == std::string_view::npos) throw bad("no boundary");
  std::string_view boundary = content_type.substr(b + 9);
  if (auto semi = boundary.find(';'); semi != std::string_view::npos)
    boundary = boundary.substr(0, semi);
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"')
    boundary = boundary.substr(1, boundary.size() - 2);
  if (boundary.empty() || boundary.size() > 70) throw bad("boundary must be 1 to 70 characters");
  std::string delimiter = "--" + std::string(boundary);
  std::string next_delimiter = "\r\n" + delimiter;
  std::map<std::string, std::string> fields;
  std::size_t parts = 0;
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) throw bad("no boundary line");
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") break;  // closing delimiter
    if (++parts > kMaxParts) throw bad("more than 16 parts");
    std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos || headers_end - pos > kMaxPartHeaders)
      throw bad("part headers missing or too long");
    std::string_view headers = body.substr(pos, headers_end - pos);
    std::size_t next = body.find(next_delimiter, headers_end + 4);
    if (next == std::string_view::npos) throw bad("part not terminated by the boundary");
    std::string_view data = body.substr(headers_end + 4, next - headers_end - 4);
    if (auto n = headers.find("name=\""); n != std::string_view::npos) {
      auto close = headers.find('"', n + 6);
      if (close == std::string_view::npos) throw bad("unterminated field name");
      fields[std::string(headers.substr(n + 6, close - n - 6))] = std::string(data);
    }
    pos = next + 2;
  }
  return fields;
}

}  // namespace ch::server
