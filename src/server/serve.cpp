#include "server/serve.hpp"

#include <signal.h>

#include <cstdlib>
#include <filesystem>

#include "base/error.hpp"
#include "base/file.hpp"

namespace ch::server {

namespace {

std::uint16_t parse_addr(const std::string& addr, std::string* host) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos)
    throw Error(ErrorCode::kInvalidArgument, "--addr must be HOST:PORT, got \"" + addr + "\"");
  *host = addr.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  if (host->empty()) *host = "0.0.0.0";
  char* end = nullptr;
  long port = std::strtol(addr.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535)
    throw Error(ErrorCode::kInvalidArgument, "invalid port in --addr \"" + addr + "\"");
  return static_cast<std::uint16_t>(port);
}

}  // namespace

ServiceOptions service_options(const ServeSettings& s) {
  ServiceOptions o;
  o.port = parse_addr(s.addr, &o.address);
  o.root = s.root;
  o.threads = s.threads;
  o.tls_cert_file = s.tls_cert;
  o.tls_key_file = s.tls_key;
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    throw Error(ErrorCode::kInvalidArgument, "--tls-cert and --tls-key go together");
  o.auth.mode = s.auth == "htpasswd" ? auth::Mode::kHtpasswd
                : s.auth == "token"  ? auth::Mode::kToken
                                     : auth::Mode::kNone;
  if (o.auth.mode != auth::Mode::kNone && s.htpasswd.empty())
    throw Error(ErrorCode::kInvalidArgument, "--auth " + s.auth + " needs --htpasswd");
  o.auth.htpasswd_file = s.htpasswd;
  o.auth.access_file = s.access;
  o.auth.realm = s.realm;
  o.auth.service = s.service;
  o.auth.token_key_file =
      s.token_key.empty() ? (std::filesystem::path(s.root) / "token.key").string() : s.token_key;
  o.auth.token_ttl = std::chrono::seconds(s.token_ttl);
  o.api.delete_enabled = s.delete_enabled;
  o.api.auto_mount = s.auto_mount;
  o.api.ui = s.ui;
  o.api.ui_key_file = s.ui_session_key.empty()
                          ? (std::filesystem::path(s.root) / "ui-session.key").string()
                          : s.ui_session_key;
  o.gc_interval = std::chrono::seconds(s.gc_interval);
  o.gc_grace = std::chrono::seconds(s.gc_grace);
  o.upload_expiry = std::chrono::seconds(s.upload_expiry);
  o.access_log = s.access_log;

  if (!s.storage.empty()) {
    store::S3BlobStoreOptions so;
    store::parse_s3_url(s.storage, &so.s3);
    so.s3.region = s.s3_region;
    so.s3.endpoint =
        s.s3_endpoint.empty() ? "https://s3." + s.s3_region + ".amazonaws.com" : s.s3_endpoint;
    so.s3.path_style = s.s3_path_style;
    if (s.s3_timeout < 1 || s.s3_timeout > 3600)
      throw Error(ErrorCode::kInvalidArgument, "--s3-timeout must be between 1 and 3600 seconds");
    so.s3.stall = std::chrono::seconds(s.s3_timeout);
    auto secret = [](const std::string& file, const char* env, const char* flag) {
      if (!file.empty()) {
        std::string v = fs::read_file(file, 4096);
        v = v.substr(0, v.find_first_of("\r\n"));
        if (v.empty())
          throw Error(ErrorCode::kInvalidArgument, std::string(flag) + ": " + file + " is empty");
        return v;
      }
      const char* e = std::getenv(env);
      return std::string(e ? e : "");
    };
    so.s3.access_key = secret(s.s3_access_key_file, "AWS_ACCESS_KEY_ID", "--s3-access-key-file");
    so.s3.secret_key =
        secret(s.s3_secret_key_file, "AWS_SECRET_ACCESS_KEY", "--s3-secret-key-file");
    so.s3.session_token = secret("", "AWS_SESSION_TOKEN", "");
    if (so.s3.access_key.empty() || so.s3.secret_key.empty())
      throw Error(ErrorCode::kInvalidArgument,
                  "--storage s3://: credentials missing: set AWS_ACCESS_KEY_ID and "
                  "AWS_SECRET_ACCESS_KEY, or --s3-access-key-file and --s3-secret-key-file");
    if (s.s3_redirect) {
      if (s.s3_redirect_expiry <= 0 || s.s3_redirect_expiry > 7 * 24 * 3600)
        throw Error(ErrorCode::kInvalidArgument,
                    "--s3-redirect-expiry must be between 1 and 604800 seconds");
      so.redirect_expiry = std::chrono::seconds(s.s3_redirect_expiry);
    }
    o.s3 = std::move(so);
    if (s.s3_cache_mib < 0 || s.s3_cache_mib > (1L << 30))
      throw Error(ErrorCode::kInvalidArgument, "--s3-cache-mib must be between 0 and 2^30");
    o.api.blob_cache_bytes = static_cast<std::uint64_t>(s.s3_cache_mib) << 20;
    o.api.blob_cache_dir = (std::filesystem::path(s.root) / "s3-cache").string();
  } else if (!s.s3_endpoint.empty() || s.s3_redirect) {
    throw Error(ErrorCode::kInvalidArgument, "--s3-* flags need --storage s3://BUCKET");
  }
  if (!s.metadata.empty()) {
    if (s.metadata.rfind("postgres://", 0) != 0 && s.metadata.rfind("postgresql://", 0) != 0)
      throw Error(
          ErrorCode::kInvalidArgument,
          "--metadata: expected postgres://USER@HOST:PORT/DATABASE, got a different scheme");
    o.metadata_url = s.metadata;
  }

  return o;
}

void serve_until_signalled(const ServiceOptions& options, const std::string& auth_label,
                           std::ostream& out, std::ostream& err) {
  // Signals are taken synchronously by this thread; workers never see them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Service service(options);
  service.start();
  std::string scheme = options.tls_cert_file.empty() ? "http" : "https";
  out << "charthouse serve: listening on " << scheme << "://" << options.address << ":"
      << service.port() << " (root " << options.root << ", auth " << auth_label << ")" << std::endl;
  while (true) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig == SIGHUP) {  // reload the htpasswd and access files
      try {
        service.reload_auth();
        out << "charthouse serve: reloaded the htpasswd and access files" << std::endl;
      } catch (const std::exception& e) {
        err << "charthouse serve: reload failed, keeping the rules in force: " << e.what()
            << std::endl;
      }
      continue;
    }
    out << "charthouse serve: shutting down (signal " << sig << ")" << std::endl;
    break;
  }
  service.stop();
}

}  // namespace ch::server
