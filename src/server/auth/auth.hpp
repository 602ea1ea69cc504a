// Authentication and authorization of `charthouse serve`: the one object the API handlers ask
// whether a request may proceed, and the Docker token endpoint (/token) that Helm, oras and
// docker use in token mode (distribution docs/spec/auth/token.md and oauth.md).
//
// Modes:
//  - none: every request is allowed.
//  - htpasswd: HTTP Basic credentials checked against bcrypt hashes (htpasswd.hpp); missing or
//    wrong ones get 401 with `Basic realm="<service>"`; then the access rules (access.hpp)
//    decide, 403 DENIED when they refuse. Requests without credentials get what the access
//    file grants `anonymous`, except the ping (no scopes needed), which always asks to log in
//    so that `helm registry login` checks the password.
//  - token: requests carry `Authorization: Bearer <jwt>` issued by token(): signed by our key
//    (jwt.hpp), unexpired, aud = service, and granting every needed scope; otherwise 401 with
//    `Bearer realm="<realm>",service="<service>",scope="<needed scopes>"` (plus
//    `error="invalid_token"` for a bad token, `error="insufficient_scope"` for a valid one that
//    lacks scope). The token endpoint grants the requested scopes intersected with what the
//    access rules allow the (possibly anonymous) user; never more than asked.
//
// Thread-safe: authorize() and token() may run concurrently with each other and with reload().
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosign/key.hpp"
#include "server/auth/scope.hpp"  // struct Scope, part of this interface

namespace ch::server::auth {

enum class Mode { kNone, kHtpasswd, kToken };

struct Config {
  Mode mode = Mode::kNone;
  std::string htpasswd_file;  // the users; required in htpasswd mode, optional in token mode
                              // (without it only anonymous tokens are issued)
  std::string access_file;    // YAML access rules (access.hpp); empty = users may do everything
  std::string realm;          // token mode: absolute URL of the token endpoint; empty = derive
                              // "<http|https>://<Host header>/token"
  std::string service = "charthouse";  // token audience; also the Basic realm
  std::string issuer = "charthouse";
  std::string token_key_file;  // token mode: ES256 key (PEM), generated (mode 0600) when missing
  std::chrono::seconds token_ttl{300};
  std::chrono::seconds refresh_token_ttl{24 * 3600};
};

struct Decision {
  bool allowed = false;
  std::string user;              // authenticated user, empty when anonymous
  int status = 401;              // 200 when allowed; 401 (no/bad credentials or token) or 403
  std::string error_code;        // "UNAUTHORIZED" or "DENIED"; empty when allowed
  std::string message;           // for the OCI error body
  std::string www_authenticate;  // for 401: "Basic realm=..." or "Bearer realm=...,service=..."
};

struct TokenReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::string www_authenticate;  // set for 401
};

class Authenticator {
 public:
  // Validates the config and loads the files (and, in token mode, the signing key, creating
  // it when missing). Throws ch::Error with a message naming the file and problem.
  explicit Authenticator(Config config);
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  const Config& config() const;

  // An OCI API request that needs all of `needed` (empty for the /v2/ ping). `authorization`
  // is the Authorization header (may be empty), `host` the Host header, `tls` whether the
  // request came over TLS (both only used to derive the realm).
  Decision authorize(std::string_view authorization, const std::vector<Scope>& needed,
                     std::string_view host, bool tls) const;

  // The classic chart-repository routes (index.yaml, archives, ChartMuseum API), whose
  // clients only speak Basic: Basic credentials and the access rules in htpasswd and token
  // modes alike (401 with a Basic challenge, 403 when the rules refuse).
  Decision authorize_basic(std::string_view authorization, const std::vector<Scope>& needed) const;
  // Before the body of a ChartMuseum upload is read, when the repository is not known yet:
  // whether the caller (Basic credentials or anonymous) may do `action` on some repository
  // under `prefix` + "/". 401 for bad or missing credentials, 403 when no rule could allow it.
  Decision authorize_basic_under(std::string_view authorization, std::string_view prefix,
                                 std::string_view action) const;
  // Checks Basic credentials (bcrypt, ~50 ms of CPU) and remembers the outcome, so that the
  // authorize calls of the same request cost no hashing. The server calls it on a worker
  // thread, off the I/O threads. No-op for anything but Basic credentials.
  void verify_credentials(std::string_view authorization) const;
  // The token endpoint. GET: params from the query (service, scope — repeatable, each may
  // also be a space-separated list —, offline_token, client_id), optional Basic credentials in
  // `authorization`; replies {"token","access_token","expires_in","issued_at"} plus
  // "refresh_token" when offline_token=true and credentials were given. POST: params from the
  // form body (grant_type=password with username+password, or grant_type=refresh_token with
  // refresh_token; service, client_id, scope = space-separated list); replies
  // {"access_token","scope","expires_in","issued_at","refresh_token"} (the password grant
  // issues a refresh token, the refresh grant hands back the one it was given).
  // Errors: 400 for a bad request (unknown grant_type, malformed scope, other service),
  // 401 for bad credentials or refresh token, 404 when not in token mode; the body is the OCI
  // error JSON ({"errors":[{"code","message"}]}), for POST also OAuth2's "error" and
  // "error_description".
  TokenReply token(std::string_view method, const std::multimap<std::string, std::string>& params,
                   std::string_view authorization) const;

  // The web UI's sign-in: whether `password` is `user`'s (htpasswd, bcrypt, cached like
  // verify_credentials; blocking, run it off the I/O threads). False in mode none and when
  // no htpasswd file is configured.
  bool check_password(std::string_view user, std::string_view password) const;
  // Whether `user` (nullopt: anonymous) may do everything `needed` asks, by the access rules:
  // the web UI's check for a signed-in session. A user no longer in the htpasswd file may do
  // only what anonymous may. Always true in mode none.
  bool user_may(const std::optional<std::string>& user, const std::vector<Scope>& needed) const;
  // Whether anyone can sign in (an htpasswd file is configured and the mode is not none).
  bool has_users() const;

  // Reloads the htpasswd and access files (SIGHUP). Throws on bad files and keeps the old
  // state then. The signing key is not reloaded.
  void reload();

  // The signature policy of the access file for `repository` (access.hpp): the public keys
  // one of which must have signed a chart pulled from it; nullptr when none is required.
  std::shared_ptr<const std::vector<cosign::PublicKey>> signature_keys(
      std::string_view repository) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ch::server::auth
