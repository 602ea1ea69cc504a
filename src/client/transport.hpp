// HTTP for the registry client over libcurl: connections (and TLS sessions) reused across
// requests and threads, HTTP/2 when a TLS server offers it, proxies from the environment
// (http_proxy, https_proxy, no_proxy), redirects followed without sending Authorization to
// another scheme, host or port, request bodies from memory or a file, response bodies
// streamed to a sink or buffered up to a bound, response headers bounded too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ch::client {

struct TlsOptions {
  bool insecure_skip_verify = false;
  std::string ca_file;    // PEM bundle trusted instead of the system's
  std::string cert_file;  // client certificate (mTLS), with key_file
  std::string key_file;
  bool configured() const {
    return insecure_skip_verify || !ca_file.empty() || (!cert_file.empty() && !key_file.empty());
  }
};

// Where a TLS handshake's trust anchors come from, decided without reading a certificate:
// nothing is loaded until a handshake needs it, and a directory is read a certificate at a
// time (OpenSSL's hashed lookup) instead of parsing a whole bundle. Plain-HTTP requests, and
// the loopback fallback's failed handshake, never load the system's ~150 roots.
struct TrustAnchors {
  std::string ca_file;        // a PEM bundle read at the first handshake ("": none)
  std::string ca_path;        // ':'-separated c_rehash directories, looked up by subject hash
  bool curl_default = false;  // neither is known: libcurl's compiled-in bundle
  bool operator==(const TrustAnchors&) const = default;
};

// The trust anchors for `tls`, as Helm picks them: --ca-file alone when given (Helm trusts
// only that bundle), none when verification is off; otherwise the system's, where Go looks
// for them — $SSL_CERT_FILE and $SSL_CERT_DIR when set, their union — and else libcurl's
// hashed directory (`default_ca_path`, /etc/ssl/certs on Debian) instead of its bundle
// (`default_ca_file`). $SSL_CERT_FILE naming that very bundle, as many CI images set it, is
// the directory's contents too, so the directory is used. Null or empty arguments are unset.
TrustAnchors trust_anchors(const TlsOptions& tls, const char* env_cert_file,
                           const char* env_cert_dir, const char* default_ca_file,
                           const char* default_ca_path);

// Response header lines a transfer may receive in all (redirect hops included) before it
// fails with kTooLarge (registries send a few KiB; libcurl bounds single lines).
inline constexpr std::uint64_t kMaxResponseHeaderBytes = 256 * 1024;

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                 // sent when body_file is empty
  std::filesystem::path body_file;  // whole file sent as the body when set
  // Receives the body of a successful (2xx) response in chunks; when unset, and for error
  // responses, the body is collected into Response::body (up to max_body bytes, beyond
  // which the request fails).
  std::function<void(std::string_view)> sink;
  std::uint64_t max_body = 16 * 1024 * 1024;
  bool follow_redirects = true;
  // Called with (bytes done, bytes total or 0) while the body is sent or received.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct Response {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, final hop
  std::string body;                                          // empty when a sink was given
  std::string final_url;                                     // after redirects
  // The first header with this (lower-case) name, or "".
  std::string header(std::string_view name) const;
  std::vector<std::string> header_values(std::string_view name) const;
};

class Transport {
 public:
  Transport(TlsOptions tls, std::string user_agent);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Sends one request; safe to call from several threads at once. Throws Error(kNetwork)
  // when no HTTP response arrives (refused, DNS, TLS, timeout), naming the URL; rethrows
  // whatever the sink throws. HTTP error statuses are returned, not thrown.
  Response send(const Request& request);

  // Whether a kNetwork failure from send() was a TLS handshake with a server that spoke
  // plain HTTP (used for the loopback plain-HTTP fallback).
  static bool is_plain_http_answer(const std::string& error_message);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether host[:port] names this machine (localhost, 127.0.0.0/8, ::1).
bool is_loopback_host(std::string_view host);

}  // namespace ch::client
