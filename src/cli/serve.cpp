#include <iostream>
#include <map>

#include "base/error.hpp"
#include "base/file.hpp"
#include "cli/commands.hpp"
#include "gocompat/yamlconv.hpp"
#include "server/serve.hpp"

namespace ch::cli {

namespace {

// The flags, and --config: a YAML file whose keys are the flags' names (merged below; flags
// win).
struct ServeArgs : server::ServeSettings {
  std::string config;
};

}  // namespace

// The flags naming the scale-out stores (serve and migrate).
void add_store_options(CLI::App* cmd, server::ServeSettings* a) {
  cmd->add_option(
      "--storage", a->storage,
      "blob storage: empty for files under --root, or s3://BUCKET[/PREFIX] (scale-out)");
  cmd->add_option("--s3-endpoint", a->s3_endpoint,
                  "S3 API endpoint http(s)://HOST[:PORT] (default: AWS in --s3-region)");
  cmd->add_option("--s3-region", a->s3_region, "S3 region (signature scope)")
      ->capture_default_str();
  cmd->add_option("--s3-path-style", a->s3_path_style,
                  "path-style requests (endpoint/bucket/key) instead of bucket.endpoint/key")
      ->capture_default_str();
  cmd->add_option("--s3-redirect", a->s3_redirect,
                  "answer blob GETs with 307 to a presigned object-store URL")
      ->capture_default_str();
  cmd->add_option("--s3-redirect-expiry", a->s3_redirect_expiry,
                  "lifetime of presigned URLs, seconds")
      ->capture_default_str();
  cmd->add_option("--s3-timeout", a->s3_timeout,
                  "seconds the object store may send nothing before a call to it fails "
                  "(retried when safe; then 503)")
      ->capture_default_str();
  cmd->add_option("--s3-cache-mib", a->s3_cache_mib,
                  "local copies of served S3 blobs under <root>/s3-cache, at most this many "
                  "MiB (0: none)")
      ->capture_default_str();
  cmd->add_option("--s3-access-key-file", a->s3_access_key_file,
                  "file holding the S3 access key (default: $AWS_ACCESS_KEY_ID)");
  cmd->add_option("--s3-secret-key-file", a->s3_secret_key_file,
                  "file holding the S3 secret key (default: $AWS_SECRET_ACCESS_KEY)");
  cmd->add_option("--metadata", a->metadata,
                  "metadata store: empty for SQLite under --root, or postgres://USER@HOST:PORT/DB");
}

void add_serve_command(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run an OCI Distribution v1.1 registry for charts (and any OCI content).\n\n"
      "Every flag can also be set in the YAML file given with --config, under the flag's name\n"
      "without dashes (e.g. `addr: 0.0.0.0:5000`, `auth: token`); flags win over the file.");
  cmd->add_option("--config", a->config, "YAML configuration file whose keys mirror these flags");
  cmd->add_option("--addr", a->addr, "listen address HOST:PORT (port 0 picks a free port)")
      ->capture_default_str();
  cmd->add_option("--root", a->root, "directory holding blobs and metadata")->capture_default_str();
  cmd->add_option("--auth", a->auth, "authentication: none, htpasswd or token")
      ->check(CLI::IsMember({"none", "htpasswd", "token"}))
      ->capture_default_str();
  cmd->add_option("--htpasswd", a->htpasswd,
                  "htpasswd file with bcrypt hashes (htpasswd and token auth)");
  cmd->add_option("--access", a->access,
                  "access file: who may pull/push/delete which repositories");
  cmd->add_option("--realm", a->realm,
                  "token auth: absolute URL of the token endpoint (default: <this server>/token)");
  cmd->add_option("--service", a->service, "token auth: service name in challenges and tokens")
      ->capture_default_str();
  cmd->add_option(
      "--token-key", a->token_key,
      "token auth: ES256 signing key (PEM), created if missing (default: <root>/token.key)");
  cmd->add_option("--token-ttl", a->token_ttl, "token auth: access token lifetime in seconds")
      ->capture_default_str();
  cmd->add_option("--tls-cert", a->tls_cert,
                  "TLS certificate file (PEM); with --tls-key serves HTTPS");
  cmd->add_option("--tls-key", a->tls_key, "TLS private key file (PEM)");
  cmd->add_option("--delete-enabled", a->delete_enabled,
                  "allow DELETE of tags, manifests and blobs")
      ->capture_default_str();
  cmd->add_option("--auto-mount", a->auto_mount,
                  "mount a blob from any repository when ?mount= has no from=")
      ->capture_default_str();
  cmd->add_option("--ui", a->ui, "serve the web UI (chart browser) at /")->capture_default_str();
  cmd->add_option("--ui-session-key", a->ui_session_key,
                  "web UI: secret signing sign-in cookies, created if missing; give every node "
                  "the same file (default: <root>/ui-session.key)");
  cmd->add_option("--gc-interval", a->gc_interval,
                  "seconds between background garbage collections (0: never)")
      ->capture_default_str();
  cmd->add_option("--gc-grace", a->gc_grace,
                  "seconds an unreferenced blob or untagged manifest is kept")
      ->capture_default_str();
  cmd->add_option("--upload-expiry", a->upload_expiry,
                  "seconds after which an idle upload session is dropped")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "worker threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--access-log", a->access_log, "print one access-log line per request on stderr")
      ->capture_default_str();
  add_store_options(cmd, a.get());

  cmd->callback([a, cmd] {
    if (!a->config.empty()) {
      auto doc = yamlconv::parse(fs::read_file(a->config, 1 << 20));
      if (!doc.is_object() && !doc.is_null())
        throw Error(ErrorCode::kInvalidArgument, "config " + a->config + ": expected a mapping");
      if (doc.is_object()) {
        for (auto it = doc.begin(); it != doc.end(); ++it) {
          CLI::Option* opt = nullptr;
          try {
            opt = cmd->get_option("--" + it.key());
          } catch (const CLI::OptionNotFound&) {
            throw Error(ErrorCode::kInvalidArgument,
                        "config " + a->config + ": unknown key \"" + it.key() + "\"");
          }
          if (it.key() == "config" || opt->count() > 0) continue;  // flags win
          std::string value;
          if (!yamlconv::scalar_to_go_string(it.value(), &value))
            throw Error(ErrorCode::kInvalidArgument,
                        "config " + a->config + ": \"" + it.key() + "\" must be a scalar");
          opt->clear();
          opt->add_result(value);
          opt->run_callback();
        }
      }
    }
    server::ServiceOptions options = server::service_options(*a);
    server::serve_until_signalled(options, a->auth, std::cout, std::cerr);
  });
}

}  // namespace ch::cli
