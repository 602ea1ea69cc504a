#include <signal.h>

#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/yamlconv.hpp"
#include "server/service.hpp"

namespace ch::cli {

namespace {

struct ServeArgs {
  std::string config;
  std::string addr = "127.0.0.1:5000";
  std::string root = "./charthouse-data";
  std::string auth = "none";
  std::string htpasswd, access, realm, service = "charthouse", token_key;
  std::string tls_cert, tls_key;
  long token_ttl = 300;
  bool delete_enabled = true;
  bool auto_mount = true;
  long gc_interval = 3600, gc_grace = 3600, upload_expiry = 86400;
  unsigned threads = 0;
  bool access_log = true;
};

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
    server::ServiceOptions o;
    o.port = parse_addr(a->addr, &o.address);
    o.root = a->root;
    o.threads = a->threads;
    o.tls_cert_file = a->tls_cert;
    o.tls_key_file = a->tls_key;
    if (o.tls_cert_file.empty() != o.tls_key_file.empty())
      throw Error(ErrorCode::kInvalidArgument, "--tls-cert and --tls-key go together");
    o.auth.mode = a->auth == "htpasswd" ? server::auth::Mode::kHtpasswd
                  : a->auth == "token"  ? server::auth::Mode::kToken
                                        : server::auth::Mode::kNone;
    if (o.auth.mode != server::auth::Mode::kNone && a->htpasswd.empty())
      throw Error(ErrorCode::kInvalidArgument, "--auth " + a->auth + " needs --htpasswd");
    o.auth.htpasswd_file = a->htpasswd;
    o.auth.access_file = a->access;
    o.auth.realm = a->realm;
    o.auth.service = a->service;
    o.auth.token_key_file = a->token_key.empty()
                                ? (std::filesystem::path(a->root) / "token.key").string()
                                : a->token_key;
    o.auth.token_ttl = std::chrono::seconds(a->token_ttl);
    o.api.delete_enabled = a->delete_enabled;
    o.api.auto_mount = a->auto_mount;
    o.gc_interval = std::chrono::seconds(a->gc_interval);
    o.gc_grace = std::chrono::seconds(a->gc_grace);
    o.upload_expiry = std::chrono::seconds(a->upload_expiry);
    o.access_log = a->access_log;

    // Signals are taken synchronously by this thread; workers never see them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);

    server::Service service(o);
    service.start();
    std::string scheme = o.tls_cert_file.empty() ? "http" : "https";
    std::cout << "charthouse serve: listening on " << scheme << "://" << o.address << ":"
              << service.port() << " (root " << o.root << ", auth " << a->auth << ")" << std::endl;
    while (true) {
      int sig = 0;
      sigwait(&set, &sig);
      if (sig == SIGHUP) {  // reload the htpasswd and access files
        try {
          service.reload_auth();
          std::cout << "charthouse serve: reloaded the htpasswd and access files" << std::endl;
        } catch (const std::exception& e) {
          std::cerr << "charthouse serve: reload failed, keeping the rules in force: " << e.what()
                    << std::endl;
        }
        continue;
      }
      std::cout << "charthouse serve: shutting down (signal " << sig << ")" << std::endl;
      break;
    }
    service.stop();
  });
}

}  // namespace ch::cli
