#include "cli/client_flags.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "client/chart_resolver.hpp"

namespace ch::cli {

namespace {
std::atomic<bool> progress_drawn{false};
}

void add_client_flags(CLI::App* cmd, client::ClientOptions& o, bool with_credentials) {
  cmd->add_flag("--plain-http", o.plain_http, "use insecure HTTP connections for the chart upload");
  cmd->add_flag("--insecure-skip-tls-verify", o.tls.insecure_skip_verify,
                "skip tls certificate checks for the chart upload");
  cmd->add_option("--ca-file", o.tls.ca_file,
                  "verify certificates of HTTPS-enabled servers using this CA bundle");
  cmd->add_option("--cert-file", o.tls.cert_file,
                  "identify registry client using this SSL certificate file");
  cmd->add_option("--key-file", o.tls.key_file, "identify registry client using this SSL key file");
  cmd->add_option("--registry-config", o.registry_config,
                  "path to the registry config file (default $HELM_REGISTRY_CONFIG or "
                  "~/.config/helm/registry/config.json)");
  if (with_credentials) {
    cmd->add_option("--username", o.username,
                    "chart repository username where to locate the "
                    "requested chart");
    cmd->add_option("--password", o.password,
                    "chart repository password where to locate the "
                    "requested chart");
  }
}

client::ProgressFn terminal_progress(const std::string& label) {
  if (::isatty(STDERR_FILENO) == 0) return {};
  struct State {
    std::mutex mutex;
    std::chrono::steady_clock::time_point last{};
  };
  auto state = std::make_shared<State>();
  return [state, label](std::uint64_t done, std::uint64_t total) {
    if (total < 4 * 1024 * 1024) return;
    std::lock_guard lock(state->mutex);
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - state->last < std::chrono::milliseconds(100)) return;
    state->last = now;
    std::fprintf(stderr, "\r%s %.1f MB / %.1f MB", label.c_str(), done / 1e6, total / 1e6);
    std::fflush(stderr);
    progress_drawn = true;
  };
}

void end_progress() {
  if (progress_drawn.exchange(false)) std::fputs("\n", stderr);
}

void print_ref_lines(const std::string& verb, const std::string& ref, const std::string& digest,
                     bool underscore) {
  end_progress();
  std::cerr << verb << ": " << ref << "\n"
            << "Digest: " << digest << "\n";
  if (underscore) std::cerr << ref << " contains an underscore.\n" << client::underscore_note();
}

}  // namespace ch::cli
