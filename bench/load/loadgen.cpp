// ch-loadgen: the load generator and report writer of `make bench` (bench/registry.sh).
// Each workload subcommand runs one bounded measurement against one registry over plain
// HTTP on loopback and appends one JSON line {row, target, primary, better, metrics} to
// --out; `report` turns those lines into medians, ratios charthouse/peer, a Markdown table,
// a JSON document and a gnuplot chart. Every response is checked (status, digests), so a
// registry that answers wrongly fails the run instead of looking fast.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/file.hpp"
#include "base/percent.hpp"
#include "helm/loader.hpp"
#include "helm/oci_artifact.hpp"
#include "http.hpp"
#include "oci/media_types.hpp"

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fsys = std::filesystem;

namespace ch::bench {
namespace {

const std::string kManifestAccept = std::string(oci::kImageManifest) + ", " +
                                    std::string(oci::kImageIndex) + ", " +
                                    std::string(oci::kDockerManifest);
const std::string kOciManifest(oci::kImageManifest);
const std::string kChartLayer(oci::kHelmChartLayer);

using Args = std::map<std::string, std::string>;

std::string arg(const Args& a, const std::string& k, std::optional<std::string> def = {}) {
  auto it = a.find(k);
  if (it != a.end()) return it->second;
  if (def) return *def;
  throw std::runtime_error("missing --" + k);
}
long long arg_int(const Args& a, const std::string& k, long long def) {
  auto it = a.find(k);
  return it == a.end() ? def : std::stoll(it->second);
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto idx = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) - 1;
  return v[std::min(idx, v.size() - 1)];
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void expect(const HttpResponse& r, std::initializer_list<int> ok, const std::string& what) {
  for (int s : ok)
    if (r.status == s) return;
  throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " " +
                           r.body.substr(0, 300));
}

// The path (and query) of an absolute or relative Location.
std::string location_target(const std::string& loc) {
  if (loc.rfind("http://", 0) == 0 || loc.rfind("https://", 0) == 0) {
    auto slash = loc.find('/', loc.find("//") + 2);
    return slash == std::string::npos ? "/" : loc.substr(slash);
  }
  return loc;
}

std::string with_param(const std::string& target, const std::string& kv) {
  return target + (target.find('?') == std::string::npos ? "?" : "&") + kv;
}

void emit(const Args& a, const std::string& primary, const std::string& better,
          const json& metrics) {
  json line = {{"row", arg(a, "row")},
               {"target", arg(a, "target")},
               {"primary", primary},
               {"better", better},
               {"metrics", metrics}};
  if (auto it = a.find("order"); it != a.end()) line["order"] = std::stoi(it->second);
  std::string text = line.dump();
  std::cout << text << "\n";
  if (auto it = a.find("out"); it != a.end()) {
    std::ofstream out(it->second, std::ios::app);
    out << text << "\n";
    if (!out) throw std::runtime_error("cannot append to " + it->second);
  }
}

// --- Bearer token flow (Docker token spec), as a client without a cached token does it.

struct Credentials {
  std::string user, password;
  bool any() const { return !user.empty(); }
};

std::string challenge_param(const std::string& header, const std::string& name) {
  auto pos = header.find(name + "=\"");
  if (pos == std::string::npos) return {};
  pos += name.size() + 2;
  return header.substr(pos, header.find('"', pos) - pos);
}

// Answers a 401 challenge: GET <realm>?service=&scope= with Basic credentials.
std::string fetch_token(HttpConnection& c, const HttpResponse& challenge, const Credentials& cr) {
  std::string h = challenge.header("www-authenticate");
  if (h.rfind("Bearer ", 0) != 0) throw std::runtime_error("expected a Bearer challenge: " + h);
  std::string target = location_target(challenge_param(h, "realm"));
  target = with_param(target, "service=" + percent_encode(challenge_param(h, "service")));
  if (auto scope = challenge_param(h, "scope"); !scope.empty())
    target = with_param(target, "scope=" + percent_encode(scope));
  HttpRequest req{.target = target};
  if (cr.any())
    req.headers.emplace_back("Authorization",
                             "Basic " + base64_encode(cr.user + ":" + cr.password));
  auto r = c.send(req);
  expect(r, {200}, "GET token");
  auto j = json::parse(r.body);
  if (j.contains("token")) return j["token"].get<std::string>();
  return j.at("access_token").get<std::string>();
}

// Sends `req`; on 401 fetches a token (once per call chain via `token`) and retries.
HttpResponse send_authed(HttpConnection& c, HttpRequest req, const Credentials& cr,
                         std::string& token) {
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  auto r = c.send(req);
  if (r.status != 401) return r;
  if (!token.empty()) req.headers.pop_back();
  token = fetch_token(c, r, cr);
  req.headers.emplace_back("Authorization", "Bearer " + token);
  return c.send(req);
}

void check_digest(const HttpResponse& r, const std::string& digest, const std::string& what) {
  if (digest_of(r.body).str() != digest)
    throw std::runtime_error(what + ": content does not match " + digest);
}

// --- get: the same GET from N connections; requests/s and latency.

int cmd_get(const Args& a) {
  auto [host, port] = split_host_port(arg(a, "addr"));
  std::string path = arg(a, "path");
  int conns = static_cast<int>(arg_int(a, "conns", 1));
  long long total = arg_int(a, "requests", 10000);
  double max_seconds = static_cast<double>(arg_int(a, "max-seconds", 10));
  std::string accept = arg(a, "accept", kManifestAccept);
  long long expect_bytes = arg_int(a, "expect-bytes", -1);

  std::atomic<long long> issued{0};
  std::atomic<long long> errors{0};
  std::atomic<std::uint64_t> bytes{0};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(conns));
  std::mutex err_mu;
  std::string first_error;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration<double>(max_seconds);
  std::vector<std::thread> threads;
  for (int i = 0; i < conns; ++i) {
    threads.emplace_back([&, i] {
      HttpConnection c(host, port);
      HttpRequest req{.target = path, .discard_body = true};
      req.headers.emplace_back("Accept", accept);
      auto& mine = lat[static_cast<std::size_t>(i)];
      mine.reserve(static_cast<std::size_t>(total / conns + 1));
      while (issued.fetch_add(1) < total && Clock::now() < deadline) {
        auto t0 = Clock::now();
        try {
          auto r = c.send(req);
          mine.push_back(seconds_since(t0) * 1000);
          bytes += r.body_bytes;
          if (r.status != 200 ||
              (expect_bytes >= 0 && r.body_bytes != static_cast<std::uint64_t>(expect_bytes))) {
            ++errors;
            std::lock_guard lock(err_mu);
            if (first_error.empty()) first_error = "HTTP " + std::to_string(r.status);
          }
        } catch (const std::exception& e) {
          ++errors;
          std::lock_guard lock(err_mu);
          if (first_error.empty()) first_error = e.what();
          c.close();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = seconds_since(start);
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  if (errors > 0)
    throw std::runtime_error("GET " + path + ": " + std::to_string(errors.load()) +
                             " failed requests, first: " + first_error);
  double n = static_cast<double>(all.size());
  emit(a, "rps", "higher",
       {{"requests", all.size()},
        {"seconds", secs},
        {"rps", n / secs},
        {"p50_ms", percentile(all, 50)},
        {"p99_ms", percentile(all, 99)},
        {"mb_per_s", static_cast<double>(bytes.load()) / 1e6 / secs}});
  return 0;
}

// --- pull: what `helm pull oci://…` does, on a new connection each time: resolve the tag
// (HEAD, answering the token challenge when there is one), GET the manifest by digest, the
// config and the chart layer, each checked against its digest.

// Helm-style chart pulls, each on a new connection; --conns N runs N pullers at once (the
// count is shared; latencies of all of them go into one distribution).
int cmd_pull(const Args& a) {
  auto [host, port] = split_host_port(arg(a, "addr"));
  std::string repo = arg(a, "repo"), tag = arg(a, "tag");
  long long count = arg_int(a, "count", 2000);
  long long conns = std::max(1LL, arg_int(a, "conns", 1));
  double max_seconds = static_cast<double>(arg_int(a, "max-seconds", 60));
  Credentials cr{arg(a, "user", ""), arg(a, "password", "")};
  std::vector<double> lat;
  std::mutex mu;
  std::atomic<long long> next{0};
  std::atomic<std::uint64_t> tokens{0};
  std::string failure;
  auto start = Clock::now();
  auto puller = [&] {
    try {
      std::vector<double> mine;
      while (next.fetch_add(1) < count && seconds_since(start) < max_seconds) {
        auto t0 = Clock::now();
        HttpConnection c(host, port);
        std::string token;
        HttpRequest head{.method = "HEAD", .target = "/v2/" + repo + "/manifests/" + tag};
        head.headers.emplace_back("Accept", kManifestAccept);
        auto r = send_authed(c, head, cr, token);
        expect(r, {200}, "HEAD manifest");
        if (!token.empty()) ++tokens;
        std::string digest = r.header("docker-content-digest");
        HttpRequest get{.target = "/v2/" + repo + "/manifests/" + digest};
        get.headers.emplace_back("Accept", kManifestAccept);
        r = send_authed(c, get, cr, token);
        expect(r, {200}, "GET manifest");
        check_digest(r, digest, "manifest");
        auto m = json::parse(r.body);
        std::vector<std::string> blobs{m.at("config").at("digest").get<std::string>()};
        for (const auto& l : m.at("layers"))
          if (l.at("mediaType") == kChartLayer) blobs.push_back(l.at("digest").get<std::string>());
        if (blobs.size() != 2) throw std::runtime_error("manifest without a chart layer");
        for (const auto& d : blobs) {
          auto b = send_authed(c, HttpRequest{.target = "/v2/" + repo + "/blobs/" + d}, cr, token);
          expect(b, {200}, "GET blob " + d);
          check_digest(b, d, "blob");
        }
        mine.push_back(seconds_since(t0) * 1000);
      }
      std::lock_guard lock(mu);
      lat.insert(lat.end(), mine.begin(), mine.end());
    } catch (const std::exception& e) {
      std::lock_guard lock(mu);
      if (failure.empty()) failure = e.what();
      next = count;  // the others stop too
    }
  };
  std::vector<std::thread> threads;
  for (long long i = 1; i < conns; ++i) threads.emplace_back(puller);
  puller();
  for (auto& t : threads) t.join();
  if (!failure.empty()) throw std::runtime_error(failure);
  double secs = seconds_since(start);
  if (cr.any() && tokens != lat.size())
    throw std::runtime_error("expected a token exchange on every pull");
  emit(a, "pulls_per_s", "higher",
       {{"pulls", lat.size()},
        {"conns", conns},
        {"seconds", secs},
        {"pulls_per_s", static_cast<double>(lat.size()) / secs},
        {"p50_ms", percentile(lat, 50)},
        {"p99_ms", percentile(lat, 99)},
        {"token_auth", cr.any()}});
  return 0;
}

// --- pushes

struct Blob {
  std::string digest;
  std::string_view data;
};

void push_blob_bytes(HttpConnection& c, const std::string& repo, const Blob& b,
                     const Credentials& cr, std::string& token) {
  auto h =
      send_authed(c, {.method = "HEAD", .target = "/v2/" + repo + "/blobs/" + b.digest}, cr, token);
  if (h.status == 200) return;
  expect(h, {404}, "HEAD blob");
  auto p =
      send_authed(c, {.method = "POST", .target = "/v2/" + repo + "/blobs/uploads/"}, cr, token);
  expect(p, {202}, "POST upload");
  HttpRequest put{.method = "PUT",
                  .target = with_param(location_target(p.header("location")), "digest=" + b.digest),
                  .body = b.data};
  put.headers.emplace_back("Content-Type", "application/octet-stream");
  expect(send_authed(c, put, cr, token), {201}, "PUT blob");
}

// The artifact `helm push` makes of a packaged chart (no provenance: layers[0] is the chart).
struct ChartPush {
  std::string name;
  helm::ChartArtifact art;
};
ChartPush chart_artifact(const std::string& tgz) {
  auto chart = helm::load_archive(tgz);
  oci::Descriptor layer{.media_type = kChartLayer,
                        .digest = digest_of(tgz).str(),
                        .size = static_cast<std::int64_t>(tgz.size())};
  return {chart.metadata.name, helm::build_chart_artifact(chart.metadata, layer, std::nullopt, "")};
}

// Every *.tgz in --dir becomes `helm push`'s artifact and is pushed to <namespace>/<name>:
// HEAD blob, POST + PUT ?digest= for config and chart layer, PUT manifest (as oras-go does).
int cmd_push_charts(const Args& a) {
  auto [host, port] = split_host_port(arg(a, "addr"));
  std::string ns = arg(a, "namespace");
  Credentials cr{arg(a, "user", ""), arg(a, "password", "")};
  struct Item {
    std::string repo, layer;
    helm::ChartArtifact art;
  };
  std::vector<Item> items;
  std::vector<fsys::path> files;
  for (const auto& e : fsys::directory_iterator(arg(a, "dir")))
    if (e.path().extension() == ".tgz") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Item it;
    it.layer = fs::read_file(f);
    auto [name, art] = chart_artifact(it.layer);
    it.art = std::move(art);
    it.repo = ns + "/" + name;
    items.push_back(std::move(it));
  }
  if (items.empty()) throw std::runtime_error("no .tgz in " + arg(a, "dir"));

  std::vector<double> lat;
  HttpConnection c(host, port);
  std::string token;
  auto start = Clock::now();
  for (const auto& it : items) {
    auto t0 = Clock::now();
    push_blob_bytes(c, it.repo, {it.art.config_desc.digest, it.art.config}, cr, token);
    push_blob_bytes(c, it.repo, {it.art.layers[0].digest, it.layer}, cr, token);
    HttpRequest put{.method = "PUT",
                    .target = "/v2/" + it.repo + "/manifests/" + it.art.tag,
                    .body = it.art.manifest};
    put.headers.emplace_back("Content-Type", kOciManifest);
    expect(send_authed(c, put, cr, token), {201}, "PUT manifest");
    lat.push_back(seconds_since(t0) * 1000);
  }
  double secs = seconds_since(start);
  emit(a, "charts_per_s", "higher",
       {{"charts", lat.size()},
        {"seconds", secs},
        {"charts_per_s", static_cast<double>(lat.size()) / secs},
        {"p50_ms", percentile(lat, 50)},
        {"p99_ms", percentile(lat, 99)}});
  return 0;
}

// A file pushed as one blob: monolithically (POST, then one PUT ?digest= with the whole
// body) or in --chunk byte PATCHes with Content-Range, then PUT ?digest=.
int cmd_push_blob(const Args& a) {
  auto [host, port] = split_host_port(arg(a, "addr"));
  std::string repo = arg(a, "repo");
  std::string file = arg(a, "file");
  std::string digest = arg(a, "digest");  // computed once by the caller, outside the timing
  std::uint64_t chunk = static_cast<std::uint64_t>(arg_int(a, "chunk", 0));
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + file);
  std::uint64_t size = fsys::file_size(file);
  HttpConnection c(host, port);
  auto start = Clock::now();
  auto p = c.send({.method = "POST", .target = "/v2/" + repo + "/blobs/uploads/"});
  expect(p, {202}, "POST upload");
  std::string loc = location_target(p.header("location"));
  if (chunk == 0) {
    FileBody body{fd, 0, size};
    HttpRequest put{.method = "PUT", .target = with_param(loc, "digest=" + digest), .file = &body};
    put.headers.emplace_back("Content-Type", "application/octet-stream");
    expect(c.send(put), {201}, "PUT blob");
  } else {
    for (std::uint64_t off = 0; off < size; off += chunk) {
      FileBody body{fd, off, std::min(chunk, size - off)};
      HttpRequest patch{.method = "PATCH", .target = loc, .file = &body};
      patch.headers.emplace_back("Content-Type", "application/octet-stream");
      patch.headers.emplace_back("Content-Range",
                                 std::to_string(off) + "-" + std::to_string(off + body.length - 1));
      auto r = c.send(patch);
      expect(r, {202}, "PATCH chunk");
      loc = location_target(r.header("location"));
    }
    expect(c.send({.method = "PUT", .target = with_param(loc, "digest=" + digest)}), {201},
           "PUT (close upload)");
  }
  double secs = seconds_since(start);
  ::close(fd);
  // The blob must now be there, complete.
  auto h = c.send({.method = "HEAD", .target = "/v2/" + repo + "/blobs/" + digest});
  expect(h, {200}, "HEAD pushed blob");
  if (h.header("content-length") != std::to_string(size))
    throw std::runtime_error("pushed blob has the wrong size");
  emit(a, "mb_per_s", "higher",
       {{"bytes", size}, {"seconds", secs}, {"mb_per_s", static_cast<double>(size) / 1e6 / secs}});
  return 0;
}

// --- blob-get: one large GET, body discarded (copied and dropped like a client that stores
// it, or with --in-kernel 1 dropped by the kernel: the server's sending alone); MB/s.

int cmd_blob_get(const Args& a) {
  auto [host, port] = split_host_port(arg(a, "addr"));
  std::string path = arg(a, "path");
  std::uint64_t expect_bytes = static_cast<std::uint64_t>(arg_int(a, "expect-bytes", -1));
  const bool in_kernel = arg(a, "in-kernel", "0") == "1";
  const long long reps = std::clamp<long long>(arg_int(a, "reps", 1), 1, 100);
  HttpConnection c(host, port);
  std::vector<double> rates;
  for (long long i = 0; i < reps; ++i) {  // one kept-alive connection; the median is reported
    auto start = Clock::now();
    auto r = c.send({.target = path, .discard_body = true, .discard_in_kernel = in_kernel});
    double secs = seconds_since(start);
    expect(r, {200}, "GET " + path);
    if (r.body_bytes != expect_bytes)
      throw std::runtime_error("GET " + path + ": " + std::to_string(r.body_bytes) + " bytes");
    rates.push_back(static_cast<double>(r.body_bytes) / 1e6 / secs);
  }
  emit(a, "mb_per_s", "higher",
       {{"bytes", expect_bytes}, {"reps", reps}, {"mb_per_s", median(rates)}});
  return 0;
}

// --- populate: a repository with --tags tags of one chart, or --repos repositories
// (<prefix>/r<i>) holding it, mounted from the first (POST ?mount=&from=) then PUT manifest.

int cmd_populate(const Args& a) {
  auto [host, port] = split_host_port(arg(a, "addr"));
  std::string repo = arg(a, "repo");
  long long tags = arg_int(a, "tags", 0), repos = arg_int(a, "repos", 0);
  int conns = static_cast<int>(arg_int(a, "conns", 4));
  std::string tgz = fs::read_file(arg(a, "chart"));
  auto art = chart_artifact(tgz).art;
  const std::string& layer_digest = art.layers[0].digest;
  {
    HttpConnection c(host, port);
    Credentials none;
    std::string token;
    push_blob_bytes(c, repo, {art.config_desc.digest, art.config}, none, token);
    push_blob_bytes(c, repo, {layer_digest, tgz}, none, token);
  }
  long long n = tags > 0 ? tags : repos;
  std::atomic<long long> next{0};
  std::mutex mu;
  std::string error;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < conns; ++t) {
    threads.emplace_back([&] {
      try {
        HttpConnection c(host, port);
        for (long long i; (i = next.fetch_add(1)) < n;) {
          char name[32];
          std::snprintf(name, sizeof name, "%05lld", i);
          std::string target_repo = tags > 0 ? repo : repo + "-r" + name;
          std::string tag = tags > 0 ? std::string("v") + name : art.tag;
          if (repos > 0) {
            for (const auto& d : {art.config_desc.digest, layer_digest}) {
              auto r = c.send({.method = "POST",
                               .target = "/v2/" + target_repo + "/blobs/uploads/?mount=" + d +
                                         "&from=" + repo});
              expect(r, {201}, "mount " + d);
            }
          }
          HttpRequest put{.method = "PUT",
                          .target = "/v2/" + target_repo + "/manifests/" + tag,
                          .body = art.manifest};
          put.headers.emplace_back("Content-Type", kOciManifest);
          expect(c.send(put), {201}, "PUT manifest");
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        if (error.empty()) error = e.what();
        next = n;
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!error.empty()) throw std::runtime_error(error);
  std::cerr << "populated " << n << (tags > 0 ? " tags" : " repositories") << " in "
            << seconds_since(start) << " s\n";
  return 0;
}

// --- list: first page (?n=--n) or a full walk following Link rel="next" (?n=--page);
// --reps runs on one connection, the median is reported.

int cmd_list(const Args& a) {
  auto [host, port] = split_host_port(arg(a, "addr"));
  std::string path = arg(a, "path");
  std::string key = path.find("_catalog") != std::string::npos ? "repositories" : "tags";
  bool walk = arg(a, "walk", "0") == "1";
  long long page = arg_int(a, "page", 100);
  long long expect_entries = arg_int(a, "expect", -1);
  long long min_entries = arg_int(a, "min", -1);
  int reps = static_cast<int>(arg_int(a, "reps", 5));
  HttpConnection c(host, port);
  std::vector<double> ms;
  long long entries = 0, pages = 0;
  for (int rep = 0; rep < reps; ++rep) {
    entries = pages = 0;
    std::string target = path + "?n=" + std::to_string(page);
    auto t0 = Clock::now();
    while (!target.empty()) {
      auto r = c.send({.target = target});
      expect(r, {200}, "GET " + target);
      ++pages;
      auto j = json::parse(r.body);
      if (j.contains(key) && j[key].is_array()) entries += static_cast<long long>(j[key].size());
      target.clear();
      if (!walk) break;
      std::string link = r.header("link");
      if (auto lt = link.find('<');
          lt != std::string::npos && link.find("rel=\"next\"") != std::string::npos)
        target = location_target(link.substr(lt + 1, link.find('>') - lt - 1));
    }
    ms.push_back(seconds_since(t0) * 1000);
    if (walk && expect_entries >= 0 && entries != expect_entries)
      throw std::runtime_error("walk of " + path + " found " + std::to_string(entries) +
                               " entries, expected " + std::to_string(expect_entries));
    if (walk && min_entries >= 0 && entries < min_entries)
      throw std::runtime_error("walk of " + path + " found " + std::to_string(entries) +
                               " entries, expected at least " + std::to_string(min_entries));
  }
  emit(a, "ms", "lower",
       {{"ms", median(ms)}, {"entries", entries}, {"pages", pages}, {"reps", reps}});
  return 0;
}

// --- record: a value measured elsewhere (RSS, openssl speed).

int cmd_record(const Args& a) {
  std::string metric = arg(a, "metric");
  emit(a, metric, arg(a, "better", "lower"), {{metric, std::stod(arg(a, "value"))}});
  return 0;
}

// --- report

std::string fmt(double v) {
  char buf[64];
  if (v >= 1000)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (v >= 100)
    std::snprintf(buf, sizeof buf, "%.1f", v);
  else if (v >= 1)
    std::snprintf(buf, sizeof buf, "%.2f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

const std::map<std::string, std::string> kUnits = {
    {"rps", "req/s"},
    {"pulls_per_s", "pulls/s"},
    {"charts_per_s", "charts/s"},
    {"mb_per_s", "MB/s"},
    {"ms", "ms"},
    {"rss_mib", "MiB"},
};

int cmd_report(const Args& a) {
  std::ifstream in(arg(a, "in"));
  if (!in) throw std::runtime_error("cannot read " + arg(a, "in"));
  struct Cell {
    std::map<std::string, std::vector<double>> metrics;
  };
  struct Row {
    std::string name, primary, better;
    int order = 0;
    std::map<std::string, Cell> targets;
  };
  std::vector<Row> rows;
  std::map<std::string, std::size_t> index;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line);
    std::string name = j["row"];
    auto [it, fresh] = index.emplace(name, rows.size());
    if (fresh) rows.push_back({name, j["primary"], j["better"], j.value("order", 0), {}});
    auto& cell = rows[it->second].targets[j["target"].get<std::string>()];
    for (auto& [k, v] : j["metrics"].items())
      if (v.is_number()) cell.metrics[k].push_back(v.get<double>());
  }
  const std::string self = "charthouse", peer = "docker-registry";
  json doc = {
      {"date", arg(a, "date", "")}, {"machine", arg(a, "machine", "")}, {"rows", json::array()}};
  struct Out {
    const Row* row;
    double primary_self = NAN, primary_peer = NAN, ratio = NAN, advantage = NAN;
    std::string ceiling_name;
    double ceiling = NAN;
  };
  std::vector<Out> outs;
  for (const auto& row : rows) {
    Out o{&row};
    auto med = [&](const std::string& target, const std::string& metric) {
      auto t = row.targets.find(target);
      if (t == row.targets.end()) return static_cast<double>(NAN);
      auto m = t->second.metrics.find(metric);
      return m == t->second.metrics.end() ? static_cast<double>(NAN) : median(m->second);
    };
    o.primary_self = med(self, row.primary);
    o.primary_peer = med(peer, row.primary);
    o.ratio = o.primary_self / o.primary_peer;
    o.advantage = row.better == "higher" ? o.ratio : 1 / o.ratio;
    for (const auto& [t, _] : row.targets)
      if (t != self && t != peer) {
        o.ceiling_name = t;
        o.ceiling = med(t, row.primary);
      }
    json jr = {{"workload", row.name},
               {"metric", row.primary},
               {"better", row.better},
               {"ratio_charthouse_over_peer", o.ratio},
               {"charthouse_advantage", o.advantage},
               {"targets", json::object()}};
    for (const auto& [t, cell] : row.targets) {
      json jt = json::object();
      for (const auto& [m, v] : cell.metrics) jt[m] = {{"median", median(v)}, {"runs", v.size()}};
      jr["targets"][t] = jt;
    }
    doc["rows"].push_back(jr);
    outs.push_back(o);
  }
  // Rows where charthouse loses come first, worst first; the rest keep their order.
  std::stable_sort(outs.begin(), outs.end(), [](const Out& x, const Out& y) {
    bool lx = x.advantage < 1, ly = y.advantage < 1;
    if (lx != ly) return lx;
    if (lx) return x.advantage < y.advantage;
    return x.row->order < y.row->order;
  });

  auto extra = [](const Cell* c) {
    if (c == nullptr) return std::string();
    std::string s;
    auto p50 = c->metrics.find("p50_ms"), p99 = c->metrics.find("p99_ms");
    if (p50 != c->metrics.end()) s += " (p50 " + fmt(median(p50->second)) + " ms";
    if (p99 != c->metrics.end()) s += ", p99 " + fmt(median(p99->second)) + " ms";
    if (!s.empty()) s += ")";
    return s;
  };
  std::ostringstream md;
  md << "| Workload | charthouse | docker-registry | charthouse/peer | verdict | ceiling |\n"
     << "|---|---|---|---|---|---|\n";
  for (const auto& o : outs) {
    const auto& row = *o.row;
    auto unit = kUnits.count(row.primary) ? kUnits.at(row.primary) : row.primary;
    auto cell = [&](const std::string& t) -> const Cell* {
      auto it = row.targets.find(t);
      return it == row.targets.end() ? nullptr : &it->second;
    };
    md << "| " << row.name << " | " << fmt(o.primary_self) << " " << unit << extra(cell(self))
       << " | " << fmt(o.primary_peer) << " " << unit << extra(cell(peer)) << " | " << fmt(o.ratio)
       << " | "
       << (std::isnan(o.advantage) ? std::string("charthouse only")
           : o.advantage >= 1      ? "faster " + fmt(o.advantage) + "×"
                                   : "**slower** " + fmt(o.advantage) + "×")
       << " | ";
    if (!o.ceiling_name.empty())
      md << o.ceiling_name << " " << fmt(o.ceiling) << " " << unit << " (charthouse at "
         << fmt(100 * o.primary_self / o.ceiling) << "%)";
    md << " |\n";
  }
  md << "\ncharthouse/peer is the ratio of the medians of the row's metric; verdict says how "
        "many times better charthouse is (higher is better for rates, lower for times and "
        "memory).\n";

  fsys::path dir = arg(a, "out-dir");
  fsys::create_directories(dir);
  // --name: the files' prefix (registry, scaleout).
  const std::string name = arg(a, "name", "registry");
  std::ofstream(dir / (name + ".md")) << md.str();
  std::ofstream(dir / (name + ".json")) << doc.dump(2) << "\n";
  // gnuplot: one bar per workload, charthouse's advantage over docker-registry (log scale).
  {
    std::ofstream dat(dir / (name + "-ratios.dat"));
    int i = 0;
    for (const auto& o : outs) {
      std::string label = o.row->name;
      for (auto& ch : label)
        if (ch == '"') ch = '\'';
      dat << i++ << " \"" << label << "\" " << o.advantage << "\n";
    }
    std::ofstream gp(dir / (name + "-ratios.gp"));
    gp << "set terminal pngcairo size 1100," << 200 + 28 * outs.size() << " font 'sans,10'\n"
       << "set output '" << (dir / (name + "-ratios.png")).string() << "'\n"
       << "set title 'charthouse serve vs docker-registry: times better (>1: charthouse "
          "faster/smaller)'\n"
       << "set style fill solid 0.8\nset boxwidth 0.7\nset logscale x 2\nset grid xtics\n"
       << "set termoption noenhanced\nset xlabel 'charthouse advantage (log scale)'\n"
       << "set yrange [" << outs.size() << ":-1]\nset ytics scale 0\nset key off\n"
       << "set arrow from 1, graph 0 to 1, graph 1 nohead lw 2 lc rgb 'black'\n"
       << "plot '" << (dir / (name + "-ratios.dat")).string()
       << "' using ($3/2):1:($3/2):(0.35):($3 >= 1 ? 0x2e7d32 : 0xc62828):ytic(2) with "
          "boxxyerror lc rgb variable, '' using 3:1:(sprintf('%.2f', $3)) with labels left "
          "offset 0.5,0\n";
  }
  std::cout << md.str();
  return 0;
}

}  // namespace
}  // namespace ch::bench

int main(int argc, char** argv) {
  using namespace ch::bench;
  if (argc < 2) {
    std::cerr << "usage: ch-loadgen get|pull|push-charts|push-blob|blob-get|populate|list|record|"
                 "report --key value ...\n";
    return 2;
  }
  std::string cmd = argv[1];
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0 || i + 1 >= argc) {
      std::cerr << "ch-loadgen: expected --key value, got " << k << "\n";
      return 2;
    }
    a[k.substr(2)] = argv[++i];
  }
  try {
    if (cmd == "get") return cmd_get(a);
    if (cmd == "pull") return cmd_pull(a);
    if (cmd == "push-charts") return cmd_push_charts(a);
    if (cmd == "push-blob") return cmd_push_blob(a);
    if (cmd == "blob-get") return cmd_blob_get(a);
    if (cmd == "populate") return cmd_populate(a);
    if (cmd == "list") return cmd_list(a);
    if (cmd == "record") return cmd_record(a);
    if (cmd == "report") return cmd_report(a);
    std::cerr << "ch-loadgen: unknown command " << cmd << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ch-loadgen " << cmd << ": " << e.what() << "\n";
    return 1;
  }
}
