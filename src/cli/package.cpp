#include <iostream>

#include "actions/package.hpp"
#include "chart/archive.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"

namespace ch::cli {

void add_package_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> paths;
    std::string destination = ".";
    std::string version;
    std::string app_version;
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
  cmd->callback([args] {
    actions::PackageOptions opts;
    opts.destination = args->destination;
    opts.version = args->version;
    opts.app_version = args->app_version;
    opts.source_date_epoch = chart::source_date_epoch_from_env();
    for (const auto& p : args->paths) {
      opts.chart_dir = p;
      auto result = actions::package_chart(opts);
      std::cout << "Successfully packaged chart and saved it to: " << result.archive.string()
                << "\n";
    }
  });
}

}  // namespace ch::cli
