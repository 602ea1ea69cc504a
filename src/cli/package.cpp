#include <iostream>

#include "actions/dependency.hpp"
#include "actions/package.hpp"
#include "chart/archive.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"

namespace ch::cli {

void add_package_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> paths;
    std::string destination = ".";
    std::string version;
    std::string app_version;
    bool dependency_update = false;
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
  add_client_flags(cmd, args->client, true);
  cmd->callback([args] {
    actions::PackageOptions opts;
    opts.destination = args->destination;
    opts.version = args->version;
    opts.app_version = args->app_version;
    opts.source_date_epoch = chart::source_date_epoch_from_env();
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
