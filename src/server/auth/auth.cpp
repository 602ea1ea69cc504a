#include "server/auth/auth.hpp"

#include <algorithm>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/random.hpp"
#include "base/time.hpp"
#include "server/auth/access.hpp"
#include "server/auth/htpasswd.hpp"
#include "server/auth/jwt.hpp"

namespace ch::server::auth {

namespace {

using json = nlohmann::ordered_json;

// Tolerated clock difference between replicas sharing one key (nbf and exp).
constexpr std::int64_t kLeewaySeconds = 30;
// Remembered successful password checks, so bcrypt does not run on every request.
constexpr size_t kMaxCachedCredentials = 4096;

constexpr std::string_view kUnauthorized = "UNAUTHORIZED";
constexpr std::string_view kDenied = "DENIED";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A quoted-string of RFC 7230.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "Scheme credentials" into its parts; the scheme is returned as written.
std::pair<std::string_view, std::string_view> split_authorization(std::string_view header) {
  header = trim(header);
  auto sp = header.find_first_of(" \t");
  if (sp == std::string_view::npos) return {header, {}};
  return {header.substr(0, sp), trim(header.substr(sp + 1))};
}

struct BasicCredentials {
  std::string user, password;
};

std::optional<BasicCredentials> decode_basic(std::string_view credentials) {
  auto decoded = base64_decode(credentials);
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

// Go's strconv.ParseBool.
std::optional<bool> parse_bool(std::string_view s) {
  for (auto t : {"1", "t", "T", "TRUE", "true", "True"})
    if (s == t) return true;
  for (auto f : {"0", "f", "F", "FALSE", "false", "False"})
    if (s == f) return false;
  return std::nullopt;
}

std::string first(const std::multimap<std::string, std::string>& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

}  // namespace

struct AuthState {
  Htpasswd users;
  AccessRules rules;
};

struct Authenticator::Impl {
  Config config;
  std::optional<SigningKey> key;

  mutable std::mutex mu;
  std::shared_ptr<const AuthState> state;

  mutable std::mutex cache_mu;
  mutable std::unordered_map<std::string, std::string> cache;    // key -> hash it matched
  mutable std::unordered_map<std::string, std::string> refused;  // key -> hash it failed
  std::string cache_secret = random_hex(32);

  std::shared_ptr<const AuthState> snapshot() const {
    std::lock_guard lock(mu);
    return state;
  }

  std::shared_ptr<const AuthState> load_state() const {
    auto st = std::make_shared<AuthState>();
    if (!config.htpasswd_file.empty()) st->users = Htpasswd::load(config.htpasswd_file);
    if (!config.access_file.empty()) st->rules = AccessRules::load(config.access_file);
    return st;
  }

  // bcrypt costs ~50 ms of CPU, so both outcomes are remembered, each tied to the hash it
  // was checked against (a changed or removed user misses the cache).
  bool check_password(const AuthState& st, const std::string& user,
                      const std::string& password) const {
    const std::string* hash = st.users.hash(user);
    std::string key =
        digest_of(cache_secret + std::to_string(user.size()) + ':' + user + password).hex;
    std::string stored = hash != nullptr ? *hash : std::string("-");
    {
      std::lock_guard lock(cache_mu);
      if (auto it = cache.find(key); it != cache.end() && it->second == stored) return true;
      if (auto it = refused.find(key); it != refused.end() && it->second == stored) return false;
    }
    bool ok = st.users.verify(user, password);
    std::lock_guard lock(cache_mu);
    auto& into = ok ? cache : refused;
    if (into.size() >= kMaxCachedCredentials) into.clear();
    into[key] = stored;
    return ok;
  }

  std::string realm(std::string_view host, bool tls) const {
    if (!config.realm.empty()) return config.realm;
    return std::string(tls ? "https://" : "http://") +
           std::string(host.empty() ? std::string_view("localhost") : host) + "/token";
  }

  std::string basic_challenge() const { return "Basic realm=" + quote(config.service); }

  std::string bearer_challenge(const std::vector<Scope>& needed, std::string_view host, bool tls,
                               std::string_view error) const {
    std::string s = "Bearer realm=" + quote(realm(host, tls)) + ",service=" + quote(config.service);
    if (!needed.empty()) s += ",scope=" + quote(join_scopes(needed));
    if (!error.empty()) s += ",error=" + quote(error);
    return s;
  }

  Decision authorize_htpasswd(std::string_view authorization,
                              const std::vector<Scope>& needed) const;
  Decision authorize_token(std::string_view authorization, const std::vector<Scope>& needed,
                           std::string_view host, bool tls) const;

  std::string issue(const std::optional<std::string>& subject, std::vector<Scope> access,
                    std::string token_use, std::chrono::seconds ttl, std::int64_t now) const {
    Claims c;
    c.issuer = config.issuer;
    c.subject = subject.value_or("");
    c.audience = config.service;
    c.jwt_id = random_hex(16);
    c.issued_at = now;
    c.not_before = now;
    c.expires_at = now + ttl.count();
    c.access = std::move(access);
    c.token_use = std::move(token_use);
    return key->sign(c);
  }
};

namespace {

Decision allow(std::string user) {
  Decision d;
  d.allowed = true;
  d.user = std::move(user);
  d.status = 200;
  return d;
}

Decision refuse(int status, std::string_view code, std::string message, std::string challenge,
                std::string user = {}) {
  Decision d;
  d.allowed = false;
  d.status = status;
  d.error_code = std::string(code);
  d.message = std::move(message);
  d.www_authenticate = std::move(challenge);
  d.user = std::move(user);
  return d;
}

TokenReply token_error(int status, std::string_view code, std::string_view oauth_error,
                       const std::string& message, bool oauth) {
  json body = json::object();
  body["errors"] = json::array({json{{"code", code}, {"message", message}}});
  if (oauth) {
    body["error"] = oauth_error;
    body["error_description"] = message;
  }
  TokenReply r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace

Decision Authenticator::Impl::authorize_htpasswd(std::string_view authorization,
                                                 const std::vector<Scope>& needed) const {
  auto st = snapshot();
  if (trim(authorization).empty()) {
    // Anonymous: only what the access file grants `anonymous`; the ping asks to log in.
    bool ok = !needed.empty() && std::all_of(needed.begin(), needed.end(), [&](const Scope& s) {
      return st->rules.allows(std::nullopt, s);
    });
    if (ok) return allow("");
    return refuse(401, kUnauthorized, "authentication required", basic_challenge());
  }
  auto [scheme, credentials] = split_authorization(authorization);
  if (!iequals(scheme, "Basic"))
    return refuse(401, kUnauthorized, "unsupported authorization scheme (want Basic)",
                  basic_challenge());
  auto basic = decode_basic(credentials);
  if (!basic) return refuse(401, kUnauthorized, "malformed Basic credentials", basic_challenge());
  if (!check_password(*st, basic->user, basic->password))
    return refuse(401, kUnauthorized, "invalid username or password", basic_challenge());
  std::optional<std::string> user = basic->user;
  for (const auto& s : needed)
    if (!st->rules.allows(user, s))
      return refuse(403, kDenied, "requested access to the resource is denied: " + s.str(), {},
                    basic->user);
  return allow(basic->user);
}

Decision Authenticator::Impl::authorize_token(std::string_view authorization,
                                              const std::vector<Scope>& needed,
                                              std::string_view host, bool tls) const {
  auto [scheme, credentials] = split_authorization(authorization);
  if (trim(authorization).empty() || !iequals(scheme, "Bearer") || credentials.empty())
    return refuse(401, kUnauthorized, "authentication required",
                  bearer_challenge(needed, host, tls, ""));
  Claims claims;
  try {
    claims = key->verify(credentials);
  } catch (const Error& e) {
    return refuse(401, kUnauthorized, e.what(),
                  bearer_challenge(needed, host, tls, "invalid_token"));
  }
  std::string why =
      check_claims(claims, config.issuer, config.service, now_seconds(), kLeewaySeconds);
  if (why.empty() && !claims.token_use.empty()) why = "not an access token";
  if (!why.empty())
    return refuse(401, kUnauthorized, "invalid token: " + why,
                  bearer_challenge(needed, host, tls, "invalid_token"));
  for (const auto& s : needed)
    if (!covers(claims.access, s))
      return refuse(401, kUnauthorized, "insufficient scope: the token does not grant " + s.str(),
                    bearer_challenge(needed, host, tls, "insufficient_scope"), claims.subject);
  return allow(claims.subject);
}

Authenticator::Authenticator(Config config) : impl_(std::make_unique<Impl>()) {
  auto& c = impl_->config;
  c = std::move(config);
  auto invalid = [](const std::string& m) { throw Error(ErrorCode::kInvalidArgument, m); };
  if (c.mode == Mode::kHtpasswd && c.htpasswd_file.empty())
    invalid("htpasswd authentication needs an htpasswd file");
  if (c.mode == Mode::kToken) {
    if (c.token_key_file.empty()) invalid("token authentication needs a signing key file");
    if (c.service.empty()) invalid("token authentication needs a service name");
    if (c.issuer.empty()) invalid("token authentication needs an issuer name");
    if (!c.realm.empty() && !c.realm.starts_with("http://") && !c.realm.starts_with("https://"))
      invalid("token realm \"" + c.realm + "\" is not an absolute http(s) URL");
    if (c.token_ttl.count() <= 0 || c.refresh_token_ttl.count() <= 0)
      invalid("token lifetimes must be positive");
  }
  if (c.mode != Mode::kNone) {
    impl_->state = impl_->load_state();
  } else {
    // Without authentication only the access file's signature policy applies.
    impl_->state = std::make_shared<AuthState>();
    if (!c.access_file.empty()) {
      auto st = std::make_shared<AuthState>();
      st->rules = AccessRules::load(c.access_file);
      impl_->state = std::move(st);
    }
  }
  if (c.mode == Mode::kToken) impl_->key = SigningKey::load_or_create(c.token_key_file);
}

Authenticator::~Authenticator() = default;

const Config& Authenticator::config() const {
  return impl_->config;
}

Decision Authenticator::authorize(std::string_view authorization, const std::vector<Scope>& needed,
                                  std::string_view host, bool tls) const {
  switch (impl_->config.mode) {
    case Mode::kNone:
      return allow("");
    case Mode::kHtpasswd:
      return impl_->authorize_htpasswd(authorization, needed);
    case Mode::kToken:
      return impl_->authorize_token(authorization, needed, host, tls);
  }
  return refuse(401, kUnauthorized, "authentication required", {});
}

Decision Authenticator::authorize_basic(std::string_view authorization,
                                        const std::vector<Scope>& needed) const {
  if (impl_->config.mode == Mode::kNone) return allow("");
  return impl_->authorize_htpasswd(authorization, needed);
}

void Authenticator::verify_credentials(std::string_view authorization) const {
  if (impl_->config.mode == Mode::kNone) return;
  auto [scheme, credentials] = split_authorization(authorization);
  if (!iequals(scheme, "Basic")) return;
  auto basic = decode_basic(credentials);
  if (!basic) return;
  auto st = impl_->snapshot();
  impl_->check_password(*st, basic->user, basic->password);
}

bool Authenticator::check_password(std::string_view user, std::string_view password) const {
  if (!has_users()) return false;
  auto st = impl_->snapshot();
  return impl_->check_password(*st, std::string(user), std::string(password));
}

bool Authenticator::user_may(const std::optional<std::string>& user,
                             const std::vector<Scope>& needed) const {
  if (impl_->config.mode == Mode::kNone) return true;
  auto st = impl_->snapshot();
  std::optional<std::string> who = user;
  if (who && st->users.hash(*who) == nullptr) who.reset();
  return std::all_of(needed.begin(), needed.end(),
                     [&](const Scope& s) { return st->rules.allows(who, s); });
}

bool Authenticator::has_users() const {
  return impl_->config.mode != Mode::kNone && !impl_->config.htpasswd_file.empty();
}

Decision Authenticator::authorize_basic_under(std::string_view authorization,
                                              std::string_view prefix,
                                              std::string_view action) const {
  if (impl_->config.mode == Mode::kNone) return allow("");
  Decision who = impl_->authorize_htpasswd(authorization, {});
  std::optional<std::string> user;
  if (who.allowed) {
    user = who.user;
  } else if (!trim(authorization).empty()) {
    return who;  // bad credentials
  }
  auto st = impl_->snapshot();
  if (st->rules.may_act_under(user, action, prefix)) return allow(who.user);
  if (!user) return refuse(401, kUnauthorized, "authentication required", impl_->basic_challenge());
  return refuse(403, kDenied,
                "requested access to the resource is denied: " + std::string(action) + " under " +
                    std::string(prefix),
                {}, *user);
}

TokenReply Authenticator::token(std::string_view method,
                                const std::multimap<std::string, std::string>& params,
                                std::string_view authorization) const {
  const Impl& im = *impl_;
  const Config& c = im.config;
  bool post = method == "POST";
  if (c.mode != Mode::kToken)
    return token_error(404, "UNSUPPORTED", "invalid_request",
                       "token authentication is not enabled on this registry", post);
  if (method != "GET" && !post) {
    auto r = token_error(405, "UNSUPPORTED", "invalid_request",
                         "the token endpoint accepts GET and POST", false);
    return r;
  }
  auto bad_request = [&](std::string_view code, std::string_view oauth, const std::string& m) {
    return token_error(400, code, oauth, m, post);
  };
  auto unauthorized = [&](const std::string& m) {
    auto r = token_error(401, kUnauthorized, "invalid_grant", m, post);
    r.www_authenticate = im.basic_challenge();
    return r;
  };

  std::string service = first(params, "service");
  if (!service.empty() && service != c.service)
    return bad_request(
        "UNSUPPORTED_VALUE", "invalid_request",
        "unknown service \"" + service + "\" (this registry is \"" + c.service + "\")");

  std::vector<Scope> requested;
  for (auto [it, end] = params.equal_range("scope"); it != end; ++it) {
    std::vector<std::string> bad;
    auto list = parse_scope_list(it->second, &bad);
    if (!bad.empty())
      return bad_request("INVALID_SCOPE", "invalid_scope", "malformed scope \"" + bad[0] + "\"");
    requested.insert(requested.end(), list.begin(), list.end());
  }
  requested = merge_scopes(requested);

  auto st = im.snapshot();
  std::int64_t now = now_seconds();
  std::optional<std::string> subject;
  std::string refresh_token;
  bool issue_refresh = false;

  if (!post) {
    bool offline = false;
    if (std::string v = first(params, "offline_token"); !v.empty()) {
      auto b = parse_bool(v);
      if (!b)
        return bad_request("BAD_TOKEN_OPTION", "invalid_request",
                           "offline_token must be true or false, not \"" + v + "\"");
      offline = *b;
    }
    if (!trim(authorization).empty()) {
      auto [scheme, credentials] = split_authorization(authorization);
      if (!iequals(scheme, "Basic"))
        return unauthorized("unsupported authorization scheme (want Basic)");
      auto basic = decode_basic(credentials);
      if (!basic) return unauthorized("malformed Basic credentials");
      if (!im.check_password(*st, basic->user, basic->password))
        return unauthorized("invalid username or password");
      subject = basic->user;
      issue_refresh = offline;
    }
  } else {
    std::string grant = first(params, "grant_type");
    if (grant == "password") {
      std::string user = first(params, "username");
      std::string password = first(params, "password");
      if (user.empty())
        return bad_request("MISSING_REQUIRED_FIELD", "invalid_request", "missing username");
      if (!im.check_password(*st, user, password))
        return unauthorized("invalid username or password");
      subject = user;
      issue_refresh = true;
    } else if (grant == "refresh_token") {
      refresh_token = first(params, "refresh_token");
      if (refresh_token.empty())
        return bad_request("MISSING_REQUIRED_FIELD", "invalid_request", "missing refresh_token");
      Claims claims;
      try {
        claims = im.key->verify(refresh_token);
      } catch (const Error& e) {
        return unauthorized(std::string("invalid refresh token: ") + e.what());
      }
      std::string why = check_claims(claims, c.issuer, c.service, now, kLeewaySeconds);
      if (why.empty() && claims.token_use != "refresh") why = "not a refresh token";
      if (why.empty() && !st->users.contains(claims.subject)) why = "the user no longer exists";
      if (!why.empty()) return unauthorized("invalid refresh token: " + why);
      subject = claims.subject;
    } else if (grant.empty()) {
      return bad_request("MISSING_REQUIRED_FIELD", "invalid_request", "missing grant_type");
    } else {
      return bad_request(
          "UNSUPPORTED_VALUE", "unsupported_grant_type",
          "unsupported grant_type \"" + grant + "\" (want password or refresh_token)");
    }
  }

  std::vector<Scope> granted;
  for (const auto& s : requested) {
    Scope g = st->rules.grant(subject, s);
    if (!g.actions.empty()) granted.push_back(std::move(g));
  }
  std::string access_token = im.issue(subject, granted, "", c.token_ttl, now);
  if (issue_refresh) refresh_token = im.issue(subject, {}, "refresh", c.refresh_token_ttl, now);

  json body = json::object();
  if (!post) body["token"] = access_token;
  body["access_token"] = access_token;
  if (post) body["scope"] = join_scopes(granted);
  body["expires_in"] = c.token_ttl.count();
  body["issued_at"] = rfc3339_utc(now);
  if (!refresh_token.empty()) body["refresh_token"] = refresh_token;
  TokenReply reply;
  reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return reply;
}

std::shared_ptr<const std::vector<cosign::PublicKey>> Authenticator::signature_keys(
    std::string_view repository) const {
  auto st = impl_->snapshot();
  const auto* keys = st->rules.signature_keys(repository);
  if (keys == nullptr) return nullptr;
  return {st, keys};  // shares the snapshot's lifetime
}

void Authenticator::reload() {
  if (impl_->config.mode == Mode::kNone && impl_->config.access_file.empty()) return;
  std::shared_ptr<const AuthState> fresh;
  if (impl_->config.mode == Mode::kNone) {
    auto st = std::make_shared<AuthState>();
    st->rules = AccessRules::load(impl_->config.access_file);
    fresh = std::move(st);
  } else {
    fresh = impl_->load_state();
  }
  // Cached password checks stay: each is tied to the hash it matched, so a changed or
  // removed user no longer hits it.
  std::lock_guard lock(impl_->mu);
  impl_->state = std::move(fresh);
}

}  // namespace ch::server::auth
