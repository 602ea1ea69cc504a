#include <fstream>
#include <iostream>

#include "actions/dependency.hpp"
#include "actions/package.hpp"
#include "actions/verify.hpp"
#include "base/error.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "helm/archive.hpp"

namespace ch::cli {

namespace {

// Helm's passphrase file: its first line ("-": standard input).
std::string read_passphrase_file(const std::string& path) {
  std::string line;
  if (path == "-") {
    std::getline(std::cin, line);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::kNotFound, "open " + path + ": no such file or directory");
    std::getline(in, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

void add_package_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> paths;
    std::string destination = ".";
    std::string version;
    std::string app_version;
    bool dependency_update = false;
    bool sign = false;
    std::string key;
    std::string keyring;
    std::string passphrase_file;
    client::ClientOptions client;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "package",
      "Package a chart directory into a chart archive.\n\n"
      "The archive is <name>-<version>.tgz, written atomically; entries keep their files'\n"
      "modification times (or SOURCE_DATE_EPOCH when set), so packaging the same tree twice\n"
      "gives byte-identical archives.");
  cmd->add_option("CHART_PATH", args->paths, "chart directories to package")->required();
  cmd->add_option("-d,--destination", args->destination, "location to write the chart.")
      ->capture_default_str();
  cmd->add_option("--version", args->version,
                  "set the version on the chart to this semver version");
  cmd->add_option("--app-version", args->app_version,
                  "set the appVersion on the chart to this version");
  cmd->add_flag("-u,--dependency-update", args->dependency_update,
                "update dependencies from \"Chart.yaml\" to dir \"charts/\" before packaging");
  cmd->add_flag("--sign", args->sign, "use a PGP private key to sign this package");
  cmd->add_option("--key", args->key,
                  "name of the key to use when signing. Used if --sign is true");
  args->keyring = actions::default_keyring().string();
  cmd->add_option("--keyring", args->keyring, "location of a public keyring")
      ->capture_default_str();
  cmd->add_option("--passphrase-file", args->passphrase_file,
                  "location of a file which contains the passphrase for the signing key. Use "
                  "\"-\" in order to read from stdin.");
  add_client_flags(cmd, args->client, true);
  cmd->callback([args] {
    actions::PackageOptions opts;
    opts.sign = args->sign;
    opts.key = args->key;
    opts.keyring = args->keyring;
    if (args->sign && !args->passphrase_file.empty())
      opts.passphrase = read_passphrase_file(args->passphrase_file);
    opts.destination = args->destination;
    opts.version = args->version;
    opts.app_version = args->app_version;
    opts.source_date_epoch = helm::source_date_epoch_from_env();
    for (const auto& p : args->paths) {
      opts.chart_dir = p;
      if (args->dependency_update) {
        // Helm runs the dependency manager with its output discarded.
        actions::DependencyOptions dep;
        dep.chart_dir = p;
        dep.client = args->client;
        dep.err = [](const std::string& s) {
          if (s.rfind("Warning", 0) == 0) std::cerr << s;
        };
        actions::dependency_update(dep);
      }
      auto result = actions::package_chart(opts);
      std::cout << "Successfully packaged chart and saved it to: " << result.archive.string()
                << "\n";
    }
  });
}

}  // namespace ch::cli
