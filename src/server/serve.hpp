// `charthouse serve` from its settings: the flags (or the --config file's keys, merged by the
// CLI: flags win) checked and turned into ServiceOptions, and the process's life: start,
// "listening on" line, SIGHUP reloads the htpasswd and access files, SIGTERM/SIGINT stop
// after in-flight requests.
#pragma once

#include <ostream>
#include <string>

#include "server/service.hpp"

namespace ch::server {

struct ServeSettings {
  std::string addr = "127.0.0.1:5000";
  std::string root = "./charthouse-data";
  std::string auth = "none";  // none, htpasswd, token
  std::string htpasswd, access, realm, service = "charthouse", token_key;
  std::string tls_cert, tls_key;
  long token_ttl = 300;
  bool delete_enabled = true;
  bool auto_mount = true;
  bool ui = true;
  std::string ui_session_key;  // file; default <root>/ui-session.key
  long gc_interval = 3600, gc_grace = 3600, upload_expiry = 86400;
  unsigned threads = 0;
  bool access_log = true;
  // Scale-out stores. storage: "" (files under --root) or s3://BUCKET[/PREFIX]; metadata: ""
  // (SQLite under --root) or a postgres:// URI. S3 credentials: AWS_ACCESS_KEY_ID,
  // AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, or the files named here (first line).
  std::string storage, metadata;
  std::string s3_endpoint, s3_region = "us-east-1";
  bool s3_path_style = true;
  bool s3_redirect = false;
  long s3_redirect_expiry = 1200;
  long s3_cache_mib = 1024;
  long s3_timeout = 30;  // seconds without an answer from the store before a call fails  // local
                         // copies of served blobs (store/blob_cache.hpp); 0: none
  std::string s3_access_key_file, s3_secret_key_file;
};

// Throws Error(kInvalidArgument) naming the flag: a malformed --addr, --tls-cert without
// --tls-key (or the reverse), htpasswd/token auth without --htpasswd.
ServiceOptions service_options(const ServeSettings& settings);

// Runs the server until SIGTERM or SIGINT; progress lines go to `out`, reload failures to
// `err`.
void serve_until_signalled(const ServiceOptions& options, const std::string& auth_label,
                           std::ostream& out, std::ostream& err);

}  // namespace ch::server
