#include "client/registry_client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "base/percent.hpp"
#include "client/challenge.hpp"
#include "oci/media_types.hpp"

namespace ch::client {

namespace {

// What the client buffers from a registry is bounded (oras-go's limits where it has them):
constexpr std::uint64_t kMaxManifest = 4 * 1024 * 1024;       // manifests, small blobs
constexpr std::uint64_t kMaxListingPage = 4 * 1024 * 1024;    // one tag list / catalog page
constexpr std::uint64_t kMaxListingTotal = 64 * 1024 * 1024;  // all pages of one listing
constexpr std::uint64_t kMaxTokenResponse = 128 * 1024;       // a token endpoint's answer
constexpr std::uint64_t kMaxBuffered = 4 * 1024 * 1024;       // anything else (error bodies)
// Redirects of an OAuth2 POST followed (on the realm's origin only).
constexpr int kMaxTokenRedirects = 5;

bool is_authorization(const std::pair<std::string, std::string>& header) {
  std::string name = header.first;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "authorization";
}

std::string manifest_accept() {
  return std::string(oci::kDockerManifest) + ", " + std::string(oci::kDockerManifestList) + ", " +
         std::string(oci::kImageManifest) + ", " + std::string(oci::kImageIndex) +
         ", application/vnd.oci.artifact.manifest.v1+json";
}

std::string pull_scope(const std::string& repository) {
  return "repository:" + repository + ":pull";
}
std::string push_scope(const std::string& repository) {
  return "repository:" + repository + ":pull,push";
}

// Scopes as oras CleanScopes leaves them: per resource the union of actions, sorted.
std::vector<std::string> clean_scopes(const std::vector<std::string>& scopes) {
  std::map<std::string, std::set<std::string>> by_resource;
  for (const std::string& s : scopes) {
    auto colon = s.rfind(':');
    if (colon == std::string::npos) continue;
    std::string resource = s.substr(0, colon);
    std::string actions = s.substr(colon + 1);
    auto& set = by_resource[resource];
    size_t pos = 0;
    while (pos <= actions.size()) {
      size_t comma = actions.find(',', pos);
      if (comma == std::string::npos) comma = actions.size();
      if (comma > pos) set.insert(actions.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  std::vector<std::string> out;
  for (const auto& [resource, actions] : by_resource) {
    std::string joined;
    if (actions.count("*")) {
      joined = "*";
    } else {
      for (const std::string& a : actions) joined += (joined.empty() ? "" : ",") + a;
    }
    if (!joined.empty()) out.push_back(resource + ":" + joined);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string strip_params(std::string content_type) {
  auto semi = content_type.find(';');
  if (semi != std::string::npos) content_type.resize(semi);
  while (!content_type.empty() && content_type.back() == ' ') content_type.pop_back();
  return content_type;
}

// A float64 as Go's %v prints it: the shortest digits that read back the same, in %e form
// (exponent of two digits at least) when the decimal exponent is < -4 or >= 6.
std::string go_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  if (ec != std::errc()) return "0";
  std::string sci(buf, end);  // [-]d[.ddd]e(+|-)dd
  auto e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  bool negative = sci[0] == '-';
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exponent < 0 ? "e-" : "e+";
    std::string x = std::to_string(exponent < 0 ? -exponent : exponent);
    out += (x.size() < 2 ? "0" : "") + x;
    return out;
  }
  if (exponent < 0) {
    out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
    out += digits + std::string(static_cast<size_t>(exponent) + 1 - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(exponent) + 1) + "." +
           digits.substr(static_cast<size_t>(exponent) + 1);
  }
  return out;
}

// A JSON value decoded into Go's `any` and printed with %v: map[k:v …] with sorted keys,
// [a b …], <nil>, numbers as float64. Depth is bounded by the JSON parser's limit.
std::string go_value(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "<nil>";
    case nlohmann::json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string:
      return v.get<std::string>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return go_float(v.get<double>());
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + go_value(v[i]);
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, x] : v.items()) {  // nlohmann's object is a sorted map
        out += (first ? "" : " ") + k + ":" + go_value(x);
        first = false;
      }
      return out + "]";
    }
    default:
      return "";
  }
}

}  // namespace

void throw_status(const Request& request, const Response& response) {
  const std::string& url = response.final_url.empty() ? request.url : response.final_url;
  std::string message =
      request.method + " \"" + url + "\": response status code " + std::to_string(response.status);
  nlohmann::json doc;
  try {
    doc = parse_untrusted_json(response.body);
  } catch (const Error&) {
    // not JSON (or absurdly nested): the status alone is reported
  }
  std::vector<std::string> parts;
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
    for (const auto& e : doc["errors"]) {
      if (!e.is_object()) continue;
      // oras-go's errcode.Error: the code lower-cased with '_' as ' ', the message, and the
      // detail (when there is a message and a non-null detail) as Go's %v prints it.
      std::string code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>()
                                                                     : std::string();
      std::transform(code.begin(), code.end(), code.begin(), [](char ch) {
        return ch == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      });
      std::string text = e.contains("message") && e["message"].is_string()
                             ? e["message"].get<std::string>()
                             : std::string();
      std::string part = code.empty() ? text : text.empty() ? code : code + ": " + text;
      if (!text.empty())
        if (auto d = e.find("detail"); d != e.end() && !d->is_null()) part += ": " + go_value(*d);
      parts.push_back(part);
    }
  }
  if (!parts.empty()) {
    message += ": " + join(parts, "; ");
  } else {
    static const std::map<long, std::string> reasons = {
        {400, "Bad Request"},       {401, "Unauthorized"},       {403, "Forbidden"},
        {404, "Not Found"},         {405, "Method Not Allowed"}, {409, "Conflict"},
        {413, "Payload Too Large"}, {429, "Too Many Requests"},  {500, "Internal Server Error"},
        {502, "Bad Gateway"},       {503, "Service Unavailable"}};
    auto it = reasons.find(response.status);
    message += ": " + (it != reasons.end() ? it->second : std::string("unexpected status"));
  }
  ErrorCode code = response.status == 401 || response.status == 403 ? ErrorCode::kUnauthorized
                   : response.status == 404                         ? ErrorCode::kNotFound
                                                                    : ErrorCode::kNetwork;
  throw Error(code, message);
}

struct RegistryClient::HostState {
  std::mutex mutex;
  std::string scheme;      // "https" or "http"
  bool fell_back = false;  // a loopback registry answered TLS in plain HTTP: now "http"
  bool basic = false;      // the registry asked for Basic once: send it up front from now on
  std::optional<Credential> credential;
  std::map<std::string, std::string> tokens;  // space-joined scopes -> bearer token
};

RegistryClient::RegistryClient(ClientOptions options, CredentialStore credentials)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      transport_(options_.tls, options_.user_agent) {}

RegistryClient::RegistryClient(ClientOptions options)
    : RegistryClient(options, CredentialStore::from_environment(options.registry_config)) {}

RegistryClient::~RegistryClient() = default;

RegistryClient::HostState& RegistryClient::state(const std::string& host) {
  std::lock_guard lock(mutex_);
  auto& slot = hosts_[host];
  if (!slot) {
    slot = std::make_unique<HostState>();
    // --plain-http is ignored when TLS flags are given, as in Helm 3.18+/4.
    slot->scheme = options_.plain_http && !options_.tls.configured() ? "http" : "https";
  }
  return *slot;
}

std::string RegistryClient::base_url(const std::string& host) {
  HostState& s = state(host);
  std::lock_guard lock(s.mutex);
  return s.scheme + "://" + host;
}

Origin RegistryClient::registry_origin(const std::string& host) {
  std::optional<Origin> o = parse_origin(base_url(host));
  if (!o)
    throw Error(ErrorCode::kInvalidArgument,
                "invalid registry host \"" + host + "\": expected host[:port]");
  return *o;
}

Credential RegistryClient::credential_for(const std::string& host) {
  if (!options_.username.empty() && !options_.password.empty())
    return Credential{options_.username, options_.password, {}, {}};
  HostState& s = state(host);
  std::lock_guard lock(s.mutex);
  if (!s.credential) s.credential = credentials_.get(host);
  return *s.credential;
}

std::string RegistryClient::fetch_token(const std::string& host, const std::string& challenge,
                                        std::vector<std::string> scopes,
                                        const Credential& credential, bool force_oauth2,
                                        std::string* refresh_token) {
  if (!credential.access_token.empty()) return credential.access_token;
  Challenge c = parse_challenge(challenge);
  std::string realm = c.params["realm"];
  std::string service = c.params["service"];
  if (realm.empty()) throw Error(ErrorCode::kUnauthorized, "bearer challenge without a realm");
  // The realm may be on another origin (that is how token auth works) and receives the
  // registry's credentials, but never over plain HTTP when the registry is https, nor on an
  // internal address other than the registry's own host and port.
  Origin realm_origin = check_token_realm(registry_origin(host), realm);
  if (auto it = c.params.find("scope"); it != c.params.end()) {
    size_t pos = 0;
    const std::string& s = it->second;
    while (pos < s.size()) {
      size_t space = s.find(' ', pos);
      if (space == std::string::npos) space = s.size();
      if (space > pos) scopes.push_back(s.substr(pos, space - pos));
      pos = space + 1;
    }
  }
  scopes = clean_scopes(scopes);

  Request request;
  request.max_body = kMaxTokenResponse;
  if (!credential.refresh_token.empty() || force_oauth2) {
    request.method = "POST";
    request.url = realm;
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    std::string form;
    if (!credential.refresh_token.empty()) {
      form = "grant_type=refresh_token&refresh_token=" + percent_encode(credential.refresh_token);
    } else {
      form = "grant_type=password&username=" + percent_encode(credential.username) +
             "&password=" + percent_encode(credential.password);
    }
    form += "&service=" + percent_encode(service) + "&client_id=charthouse";
    if (!scopes.empty()) form += "&scope=" + percent_encode(join(scopes, " "));
    request.body = form;
  } else {
    request.url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
    request.url += "service=" + percent_encode(service);
    for (const std::string& s : scopes) request.url += "&scope=" + percent_encode(s);
    // A login asks for an identity token, as Docker's login (Helm 3's) does.
    if (refresh_token != nullptr && !credential.username.empty())
      request.url += "&offline_token=true&client_id=charthouse";
    if (!credential.username.empty() || !credential.password.empty())
      request.headers.emplace_back(
          "Authorization",
          "Basic " + base64_encode(credential.username + ":" + credential.password));
  }
  // Redirects are followed here, not by libcurl, so that each hop is checked like the realm
  // itself (no plain HTTP for an https registry, no internal address), the form of a POST
  // (password or refresh token) is re-sent only on the realm's origin, and a GET's Basic
  // credentials are dropped once it leaves that origin.
  request.follow_redirects = false;
  Response response = transport_.send(request);
  Origin registry = registry_origin(host);
  for (int hops = 0;
       response.status >= 300 && response.status < 400 && !response.header("location").empty();
       ++hops) {
    bool post = request.method == "POST";
    if (post && response.status != 307 && response.status != 308) break;  // not followed
    std::string next = resolve_reference(request.url, response.header("location"));
    Origin next_origin = check_token_realm(registry, next);
    if (hops >= kMaxTokenRedirects || (post && next_origin != realm_origin))
      throw Error(ErrorCode::kUnauthorized, "failed to fetch token: " + request.method + " \"" +
                                                request.url + "\" redirects to \"" + next +
                                                "\"; not followed with the credentials");
    if (next_origin != realm_origin) std::erase_if(request.headers, is_authorization);
    request.url = next;
    response = transport_.send(request);
  }
  if (response.status != 200) {
    try {
      throw_status(request, response);
    } catch (const Error& e) {
      throw Error(ErrorCode::kUnauthorized, std::string("failed to fetch token: ") + e.what());
    }
  }
  nlohmann::json doc;
  try {
    doc = parse_untrusted_json(response.body);
  } catch (const Error& e) {
    throw Error(ErrorCode::kUnauthorized,
                "token response from " + realm + " is not usable: " + e.what());
  }
  std::string token;
  if (doc.is_object()) {
    if (doc.contains("access_token") && doc["access_token"].is_string())
      token = doc["access_token"].get<std::string>();
    else if (doc.contains("token") && doc["token"].is_string())
      token = doc["token"].get<std::string>();
  }
  if (token.empty())
    throw Error(ErrorCode::kUnauthorized, "token response from " + realm + " has no token");
  if (refresh_token != nullptr && doc.contains("refresh_token") && doc["refresh_token"].is_string())
    *refresh_token = doc["refresh_token"].get<std::string>();
  return token;
}

Response RegistryClient::send(const std::string& host, Request request,
                              const std::vector<std::string>& scopes,
                              const Credential* credential_override, bool force_oauth2,
                              std::string* refresh_token) {
  HostState& s = state(host);
  request.max_body = std::min(request.max_body, kMaxBuffered);
  // Only this function adds credentials, and only for the registry's own origin.
  std::erase_if(request.headers, is_authorization);
  {
    // After the loopback fallback to plain HTTP, URLs made before it still say https.
    std::lock_guard lock(s.mutex);
    std::string https_prefix = "https://" + host;
    if (s.fell_back && request.url.starts_with(https_prefix) &&
        (request.url.size() == https_prefix.size() ||
         std::string_view("/?#").find(request.url[https_prefix.size()]) != std::string::npos))
      request.url = "http://" + host + request.url.substr(https_prefix.size());
  }
  std::optional<Origin> target = parse_origin(request.url);
  if (!target || *target != registry_origin(host)) {
    // Another origin the registry pointed at (a Link page, an upload Location): no Basic
    // credentials, no bearer token, and no answer to a challenge it sends — what Helm's
    // host-bound credential function gives for a host it was not configured for.
    return transport_.send(request);
  }
  std::string scope_key = join(clean_scopes(scopes), " ");
  auto credential = [&] {
    return credential_override != nullptr ? *credential_override : credential_for(host);
  };
  auto set_auth = [&request](const std::string& value) {
    std::erase_if(request.headers, is_authorization);
    request.headers.emplace_back("Authorization", value);
  };
  // Cached auth first, as oras's auth.Client does with its cache.
  if (credential_override == nullptr) {
    std::unique_lock lock(s.mutex);
    if (s.basic) {
      lock.unlock();
      Credential c = credential();
      set_auth("Basic " + base64_encode(c.username + ":" + c.password));
    } else if (auto it = s.tokens.find(scope_key); it != s.tokens.end()) {
      set_auth("Bearer " + it->second);
    }
  }

  auto attempt = [&]() -> Response {
    try {
      return transport_.send(request);
    } catch (const Error& e) {
      // Helm 3 talks plain HTTP to registries on this machine; fall back when a loopback
      // registry answered our TLS handshake in plain HTTP.
      if (e.code() != ErrorCode::kNetwork || !is_loopback_host(host) || options_.tls.configured() ||
          !Transport::is_plain_http_answer(e.what()))
        throw;
      std::string old_prefix = "https://" + host;
      if (!request.url.starts_with(old_prefix)) throw;
      {
        std::lock_guard lock(s.mutex);
        s.scheme = "http";
        s.fell_back = true;
      }
      request.url = "http://" + host + request.url.substr(old_prefix.size());
      return transport_.send(request);
    }
  };

  Response response = attempt();
  if (response.status != 401) return response;
  // A challenge from wherever a redirect led (another origin) is not the registry's: its
  // realm would receive the registry's credentials.
  if (!response.final_url.empty()) {
    std::optional<Origin> answered = parse_origin(response.final_url);
    if (!answered || *answered != registry_origin(host)) return response;
  }
  std::string challenge = response.header("www-authenticate");
  std::string scheme = parse_challenge(challenge).scheme;
  Credential c = credential();
  if (scheme == "basic") {
    if (c.username.empty() || c.password.empty()) return response;
    set_auth("Basic " + base64_encode(c.username + ":" + c.password));
    if (credential_override == nullptr) {
      std::lock_guard lock(s.mutex);
      s.basic = true;
    }
  } else if (scheme == "bearer") {
    std::string token = fetch_token(host, challenge, scopes, c, force_oauth2, refresh_token);
    if (credential_override == nullptr) {
      std::lock_guard lock(s.mutex);
      s.tokens[scope_key] = token;
    }
    set_auth("Bearer " + token);
  } else {
    return response;
  }
  return attempt();
}

std::string RegistryClient::ping(const std::string& host, const Credential& credential) {
  Request request;
  request.url = base_url(host) + "/v2/";
  std::string refresh_token;
  auto check = [&](bool force_oauth2) {
    refresh_token.clear();
    Response r = send(host, request, {}, &credential, force_oauth2, &refresh_token);
    if (r.status != 200) throw_status(request, r);
  };
  try {
    check(true);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNetwork) throw;
    request.url = base_url(host) + "/v2/";
    check(false);  // registries whose token endpoint only takes GET
  }
  return refresh_token;
}

FetchedManifest RegistryClient::get_manifest(const std::string& host, const std::string& repository,
                                             const std::string& reference) {
  Request request;
  request.url = base_url(host) + "/v2/" + repository + "/manifests/" + reference;
  request.headers.emplace_back("Accept", manifest_accept());
  request.max_body = kMaxManifest;
  Response r = send(host, request, {pull_scope(repository)});
  if (r.status == 404) {
    // Helm's words for a manifest that is not there (`<ref>: not found`); the exchange
    // follows on a second line for whoever debugs it.
    std::string ref =
        host + "/" + repository + (Digest::is_valid(reference) ? "@" : ":") + reference;
    try {
      throw_status(request, r);
    } catch (const Error& e) {
      throw Error(ErrorCode::kNotFound, ref + ": not found\n" + e.what());
    }
  }
  if (r.status != 200) throw_status(request, r);
  FetchedManifest m;
  m.bytes = std::move(r.body);
  m.media_type = strip_params(r.header("content-type"));
  std::string computed = digest_of(m.bytes).str();
  std::string header = r.header("docker-content-digest");
  m.digest = header.empty() ? computed : header;
  if (Digest::is_valid(reference)) {
    Digest wanted = Digest::parse(reference);
    if (digest_of(m.bytes, wanted.algorithm).str() != reference)
      throw Error(
          ErrorCode::kDigestMismatch,
          "GET \"" + request.url + "\": manifest content does not match digest " + reference);
    if (!header.empty() && header != reference)
      throw Error(ErrorCode::kDigestMismatch, "GET \"" + request.url +
                                                  "\": invalid response; digest mismatch in "
                                                  "Docker-Content-Digest: received \"" +
                                                  header + "\" when expecting \"" + reference +
                                                  "\"");
    m.digest = reference;
  } else if (!header.empty() && header != computed && header.starts_with("sha256:")) {
    throw Error(ErrorCode::kDigestMismatch, "GET \"" + request.url + "\": Docker-Content-Digest " +
                                                header + " does not match the manifest content (" +
                                                computed + ")");
  }
  return m;
}

std::optional<Descriptor> RegistryClient::head_manifest(const std::string& host,
                                                        const std::string& repository,
                                                        const std::string& reference,
                                                        bool for_push) {
  Request request;
  request.method = "HEAD";
  request.url = base_url(host) + "/v2/" + repository + "/manifests/" + reference;
  request.headers.emplace_back("Accept", manifest_accept());
  Response r = send(host, request, {for_push ? push_scope(repository) : pull_scope(repository)});
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) throw_status(request, r);
  Descriptor d;
  d.media_type = strip_params(r.header("content-type"));
  d.digest = r.header("docker-content-digest");
  std::string length = r.header("content-length");
  d.size = 0;
  if (!length.empty()) {
    auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), d.size);
    if (ec != std::errc() || end != length.data() + length.size() || d.size < 0)
      throw Error(ErrorCode::kNetwork,
                  "HEAD \"" + request.url + "\": invalid Content-Length \"" + length + "\"");
  }
  if (d.digest.empty() && Digest::is_valid(reference)) d.digest = reference;
  return d;
}

std::string RegistryClient::put_manifest(const std::string& host, const std::string& repository,
                                         const std::string& reference, const std::string& bytes,
                                         const std::string& media_type) {
  Request request;
  request.method = "PUT";
  request.url = base_url(host) + "/v2/" + repository + "/manifests/" + reference;
  request.headers.emplace_back("Content-Type", media_type);
  request.body = bytes;
  Response r = send(host, request, {push_scope(repository)});
  if (r.status != 201 && r.status != 200) throw_status(request, r);
  return digest_of(bytes).str();
}

std::optional<std::vector<Descriptor>> RegistryClient::referrers(const std::string& host,
                                                                 const std::string& repository,
                                                                 const std::string& digest,
                                                                 const std::string& artifact_type) {
  if (!Digest::is_valid(digest))
    throw Error(ErrorCode::kInvalidArgument, "invalid digest \"" + digest + "\"");
  Request request;
  request.url = base_url(host) + "/v2/" + repository + "/referrers/" + digest;
  if (!artifact_type.empty()) request.url += "?artifactType=" + percent_encode(artifact_type);
  request.headers.emplace_back("Accept", std::string(oci::kImageIndex));
  request.max_body = kMaxManifest;
  Response r = send(host, request, {pull_scope(repository)});
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) throw_status(request, r);
  try {
    return oci::parse_index(r.body);
  } catch (const Error& e) {
    throw Error(ErrorCode::kNetwork, "GET \"" + request.url + "\": " + e.what());
  }
}

bool RegistryClient::blob_exists(const std::string& host, const std::string& repository,
                                 const std::string& digest) {
  Request request;
  request.method = "HEAD";
  request.url = base_url(host) + "/v2/" + repository + "/blobs/" + digest;
  Response r = send(host, request, {push_scope(repository)});
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  throw_status(request, r);
}

void RegistryClient::upload_blob(const std::string& host, const std::string& repository,
                                 const Descriptor& blob, const std::filesystem::path& path,
                                 const std::string& data, ProgressFn progress) {
  std::vector<std::string> scopes = {push_scope(repository)};
  Request start;
  start.method = "POST";
  start.url = base_url(host) + "/v2/" + repository + "/blobs/uploads/";
  Response r = send(host, start, scopes);
  if (r.status != 202) throw_status(start, r);
  std::string location = r.header("location");
  if (location.empty())
    throw Error(ErrorCode::kNetwork, "POST \"" + start.url + "\": no Location in the response");
  // Resolved against the URL that answered, as Go's Response.Location does. The upload must
  // stay on the registry's origin: no other host or port, no https -> http (spec §1.6, the
  // oras-go security fixes). send() would not give another origin the credentials anyway.
  location = resolve_reference(r.final_url.empty() ? start.url : r.final_url, location);
  Origin registry = registry_origin(host);
  if (check_handed_url(registry, location, "upload location", ErrorCode::kNetwork) != registry)
    throw Error(ErrorCode::kNetwork, "POST \"" + start.url + "\": upload location " + location +
                                         " is not on " + registry.str());
  Request put;
  put.method = "PUT";
  put.url = location + (location.find('?') == std::string::npos ? "?" : "&") +
            "digest=" + percent_encode(blob.digest);
  put.headers.emplace_back("Content-Type", "application/octet-stream");
  put.body_file = path;
  if (path.empty()) put.body = data;
  put.progress = progress;
  r = send(host, put, scopes);
  if (r.status != 201) throw_status(put, r);
}

void RegistryClient::fetch_blob(const std::string& host, const std::string& repository,
                                const Descriptor& blob,
                                const std::function<void(std::string_view)>& sink,
                                ProgressFn progress) {
  Request request;
  request.url = base_url(host) + "/v2/" + repository + "/blobs/" + blob.digest;
  auto verifier = std::make_shared<VerifyingSink>(Digest::parse(blob.digest), sink, blob.size);
  request.sink = [verifier](std::string_view chunk) { verifier->write(chunk); };
  request.progress = progress;
  Response r = send(host, request, {pull_scope(repository)});
  if (r.status != 200) throw_status(request, r);
  try {
    verifier->finish();
  } catch (const Error& e) {
    throw Error(e.code(), "GET \"" + request.url + "\": " + e.what());
  }
}

std::string RegistryClient::fetch_small_blob(const std::string& host, const std::string& repository,
                                             const Descriptor& blob) {
  if (blob.size < 0 || static_cast<std::uint64_t>(blob.size) > kMaxManifest)
    throw Error(ErrorCode::kTooLarge, "blob " + blob.digest + " is larger than 4 MiB");
  std::string out;
  fetch_blob(host, repository, blob, [&out](std::string_view chunk) { out.append(chunk); });
  return out;
}

std::vector<std::string> RegistryClient::list_pages(const std::string& host,
                                                    const std::string& first_url,
                                                    const std::vector<std::string>& scopes,
                                                    const std::string& field,
                                                    const std::string& what,
                                                    std::optional<std::set<std::string>>* hints) {
  std::vector<std::string> out;
  std::set<std::string> charts;
  bool every_page_hinted = true;
  std::set<std::string> seen;
  std::uint64_t total = 0;
  Request request;
  request.url = first_url;
  request.max_body = kMaxListingPage;
  for (std::size_t page = 0; !request.url.empty(); ++page) {
    if (page >= options_.max_list_pages)
      throw Error(ErrorCode::kTooLarge, "GET \"" + request.url + "\": the " + what +
                                            " has more than " +
                                            std::to_string(options_.max_list_pages) + " pages");
    if (!seen.insert(request.url).second)
      throw Error(ErrorCode::kNetwork,
                  "GET \"" + request.url + "\": the " + what + "'s Link pages loop");
    Response r = send(host, request, scopes);
    if (r.status != 200) throw_status(request, r);
    total += r.body.size();
    if (total > kMaxListingTotal)
      throw Error(ErrorCode::kTooLarge, "GET \"" + request.url + "\": the " + what +
                                            " is larger than " + std::to_string(kMaxListingTotal) +
                                            " bytes");
    nlohmann::json doc;
    try {
      doc = parse_untrusted_json(r.body);
    } catch (const Error&) {
      doc = nullptr;
    }
    if (!doc.is_object())
      throw Error(ErrorCode::kNetwork, "GET \"" + request.url + "\": invalid " + what + " JSON");
    size_t listed = 0;
    if (auto it = doc.find(field); it != doc.end() && it->is_array())
      for (const auto& t : *it)
        if (t.is_string()) {
          out.push_back(t.get<std::string>());
          ++listed;
        }
    if (hints != nullptr && listed > 0) {
      // charthouse serve's extension: the page's tags that hold Helm charts.
      auto it = doc.find("charts");
      if (it == doc.end() || !it->is_array()) every_page_hinted = false;
      if (every_page_hinted)
        for (const auto& t : *it)
          if (t.is_string()) charts.insert(t.get<std::string>());
    }
    std::string next = next_link_target(r.header_values("link"));
    if (next.empty()) break;
    // Resolved against the URL that answered; a page on another origin is fetched without
    // credentials (send() decides), a page on plain HTTP from an https registry not at all.
    request.url = resolve_reference(r.final_url.empty() ? request.url : r.final_url, next);
    check_handed_url(registry_origin(host), request.url, "Link", ErrorCode::kNetwork);
  }
  if (hints != nullptr) {
    if (every_page_hinted) {
      // Only tags the listing named count (a hint for a tag not listed means nothing).
      std::set<std::string> listed(out.begin(), out.end());
      std::erase_if(charts, [&](const std::string& t) { return !listed.count(t); });
      *hints = std::move(charts);
    } else {
      hints->reset();
    }
  }
  return out;
}

std::vector<std::string> RegistryClient::list_tags(const std::string& host,
                                                   const std::string& repository) {
  return list_pages(host, base_url(host) + "/v2/" + repository + "/tags/list",
                    {pull_scope(repository)}, "tags", "tag list");
}

TagList RegistryClient::list_tags_with_charts(const std::string& host,
                                              const std::string& repository) {
  TagList list;
  list.tags = list_pages(host, base_url(host) + "/v2/" + repository + "/tags/list",
                         {pull_scope(repository)}, "tags", "tag list", &list.charts);
  return list;
}

std::vector<std::string> RegistryClient::catalog(const std::string& host) {
  return list_pages(host, base_url(host) + "/v2/_catalog", {"registry:catalog:*"}, "repositories",
                    "catalog");
}

}  // namespace ch::client
