#include "client/classic_repo.hpp"

#include <map>
#include <memory>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/version.hpp"
#include "client/transport.hpp"
#include "helm/provenance.hpp"

namespace ch::client {

namespace {

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// scheme://host[:port] of an absolute URL, "" otherwise.
std::string origin_of(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  return url.substr(0, url.find('/', scheme_end + 3));
}

TlsOptions tls_of(const helm::RepoEntry& e) {
  TlsOptions tls;
  tls.insecure_skip_verify = e.insecure_skip_tls_verify;
  tls.ca_file = e.ca_file;
  tls.cert_file = e.cert_file;
  tls.key_file = e.key_file;
  return tls;
}

// GET url with the entry's credentials (when they may go there), body to sink.
Response get(const helm::RepoEntry& entry, const std::string& url,
             std::function<void(std::string_view)> sink) {
  Transport transport(tls_of(entry), std::string(kUserAgent));
  Request request;
  request.url = url;
  request.sink = std::move(sink);
  request.max_body = 512ull * 1024 * 1024;
  bool same_origin = origin_of(url) == origin_of(entry.url);
  if ((!entry.username.empty() || !entry.password.empty()) &&
      (same_origin || entry.pass_credentials_all))
    request.headers.emplace_back("Authorization",
                                 "Basic " + base64_encode(entry.username + ":" + entry.password));
  Response response = transport.send(request);
  if (response.status != 200) {
    static const std::map<long, std::string> reasons = {{401, "401 Unauthorized"},
                                                        {403, "403 Forbidden"},
                                                        {404, "404 Not Found"},
                                                        {500, "500 Internal Server Error"}};
    auto it = reasons.find(response.status);
    throw Error(response.status == 401 || response.status == 403 ? ErrorCode::kUnauthorized
                : response.status == 404                         ? ErrorCode::kNotFound
                                                                 : ErrorCode::kNetwork,
                "failed to fetch " + url + " : " +
                    (it != reasons.end() ? it->second : std::to_string(response.status)));
  }
  return response;
}

// Helm's normalizeURL: absolute URLs as they are, relative ones joined to the base path.
std::string resolve_url(const std::string& base, const std::string& url) {
  if (url.find("://") != std::string::npos) return url;
  std::string rel = url;
  while (rel.rfind("./", 0) == 0) rel.erase(0, 2);
  if (!rel.empty() && rel.front() == '/') return origin_of(base) + rel;
  return trim_slash(base) + "/" + rel;
}

}  // namespace

helm::IndexFile fetch_index(const helm::RepoEntry& entry, const std::filesystem::path& cache) {
  std::string url = trim_slash(entry.url) + "/index.yaml";
  std::string body;
  get(entry, url, [&body](std::string_view chunk) { body.append(chunk); });
  helm::IndexFile index = helm::IndexFile::parse(body, url);
  std::filesystem::create_directories(cache);
  fs::write_file_atomic(helm::index_cache_file(cache, entry.name), body, 0644);
  std::string names;
  for (const auto& [name, versions] : index.entries) names += name + "\n";
  fs::write_file_atomic(helm::charts_cache_file(cache, entry.name), names, 0644);
  return index;
}

std::filesystem::path download_chart_version(const helm::RepoEntry& entry,
                                             const helm::ChartVersion& version,
                                             const std::filesystem::path& dest_file) {
  if (version.urls.empty())
    throw Error(ErrorCode::kNotFound, "chart " + version.metadata.name + " " +
                                          version.metadata.version + " has no download URL");
  std::string url = resolve_url(entry.url, version.urls.front());
  fs::AtomicFile file(dest_file, 0644);
  std::unique_ptr<VerifyingSink> verifier;
  if (!version.digest.empty())
    verifier =
        std::make_unique<VerifyingSink>(Digest::parse("sha256:" + version.digest),
                                        [&file](std::string_view chunk) { file.write(chunk); });
  get(entry, url, [&](std::string_view chunk) {
    if (verifier)
      verifier->write(chunk);
    else
      file.write(chunk);
  });
  if (verifier) {
    try {
      verifier->finish();
    } catch (const Error& e) {
      throw Error(ErrorCode::kDigestMismatch,
                  "GET " + url + ": " + e.what() + " (the digest the repository index gives)");
    }
  }
  file.commit();
  return dest_file;
}

std::string download_provenance(const helm::RepoEntry& entry, const helm::ChartVersion& version) {
  if (version.urls.empty())
    throw Error(ErrorCode::kNotFound, "chart " + version.metadata.name + " " +
                                          version.metadata.version + " has no download URL");
  std::string prov_url = resolve_url(entry.url, version.urls.front()) + ".prov";
  std::string body;
  try {
    get(entry, prov_url, [&](std::string_view chunk) {
      if (body.size() + chunk.size() > helm::kMaxProvenanceSize)
        throw Error(ErrorCode::kTooLarge, prov_url + " is larger than " +
                                              std::to_string(helm::kMaxProvenanceSize) + " bytes");
      body.append(chunk);
    });
  } catch (const Error& e) {
    throw Error(e.code(), "failed to fetch provenance \"" + prov_url + "\"");
  }
  return body;
}

}  // namespace ch::client
