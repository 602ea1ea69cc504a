#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <iterator>

#include "actions/login.hpp"
#include "base/error.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

namespace {

// Reads one line from the terminal; with echo off for secrets (a newline is printed after).
std::string prompt(const std::string& label, bool secret) {
  std::cerr << label << std::flush;
  termios saved{};
  bool restore = false;
  if (secret && ::isatty(STDIN_FILENO) != 0 && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    restore = ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
  }
  std::string line;
  std::getline(std::cin, line);
  if (restore) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

void add_registry_command(CLI::App& app) {
  CLI::App* registry = app.add_subcommand("registry", "login to or logout from a registry");
  registry->require_subcommand(1);

  struct LoginArgs {
    std::string host;
    std::string username;
    std::string password;
    bool password_stdin = false;
    bool insecure = false;
    client::ClientOptions client;
  };
  auto login = std::make_shared<LoginArgs>();
  CLI::App* in = registry->add_subcommand("login", "login to a registry");
  in->add_option("HOST", login->host, "registry host[:port]")->required();
  in->add_option("-u,--username", login->username, "registry username");
  in->add_option("-p,--password", login->password, "registry password or identity token");
  in->add_flag("--password-stdin", login->password_stdin,
               "read password or identity token from stdin");
  in->add_flag("--insecure", login->insecure, "allow connections to TLS registry without certs");
  in->add_option("--cert-file", login->client.tls.cert_file,
                 "identify registry client using this SSL certificate file");
  in->add_option("--key-file", login->client.tls.key_file,
                 "identify registry client using this SSL key file");
  in->add_option("--ca-file", login->client.tls.ca_file,
                 "verify certificates of HTTPS-enabled servers using this CA bundle");
  in->add_flag("--plain-http", login->client.plain_http, "use insecure HTTP connections");
  in->add_option("--registry-config", login->client.registry_config,
                 "path to the registry config file");
  in->callback([login] {
    actions::LoginOptions opts;
    opts.host = actions::login_host(login->host);
    opts.client = login->client;
    opts.client.tls.insecure_skip_verify = login->insecure;
    std::string username = login->username;
    std::string password = login->password;
    if (login->password_stdin) {
      if (!password.empty())
        throw Error(ErrorCode::kInvalidArgument,
                    "--password and --password-stdin are mutually exclusive");
      password.assign(std::istreambuf_iterator<char>(std::cin), {});
      if (!password.empty() && password.back() == '\n') password.pop_back();
      if (!password.empty() && password.back() == '\r') password.pop_back();
    } else if (!password.empty()) {
      std::cerr << "WARNING: Using --password via the CLI is insecure. Use --password-stdin.\n";
    }
    if (password.empty()) {
      if (username.empty()) username = prompt("Username: ", false);
      password = prompt(username.empty() ? "Token: " : "Password: ", true);
      if (password.empty())
        throw Error(ErrorCode::kInvalidArgument,
                    username.empty() ? "token required" : "password required");
    }
    opts.credential.username = username;
    opts.credential.password = password;
    actions::login(opts);
    std::cerr << "Login Succeeded\n";
  });

  struct LogoutArgs {
    std::string host;
    std::string registry_config;
  };
  auto logout = std::make_shared<LogoutArgs>();
  CLI::App* out = registry->add_subcommand("logout", "logout from a registry");
  out->add_option("HOST", logout->host, "registry host[:port]")->required();
  out->add_option("--registry-config", logout->registry_config, "path to the registry config file");
  out->callback([logout] {
    std::string host = actions::login_host(logout->host);
    actions::logout(host, logout->registry_config);
    std::cerr << "Removing login credentials for " << host << "\n";
  });
}

}  // namespace ch::cli
