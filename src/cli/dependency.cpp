#include <iostream>

#include "actions/dependency.hpp"
#include "actions/verify.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

namespace {

actions::DependencyOptions with_printing(actions::DependencyOptions o) {
  o.out = [](const std::string& s) { std::cout << s << std::flush; };
  o.err = [](const std::string& s) { std::cerr << s << std::flush; };
  return o;
}

}  // namespace

void add_dependency_command(CLI::App& app) {
  CLI::App* dep = app.add_subcommand("dependency", "manage a chart's dependencies");
  dep->alias("dep");
  dep->alias("dependencies");
  dep->require_subcommand(1);

  for (bool build : {false, true}) {
    auto opts = std::make_shared<actions::DependencyOptions>();
    auto chart = std::make_shared<std::string>(".");
    auto keyring = std::make_shared<std::string>(actions::default_keyring().string());
    CLI::App* cmd =
        dep->add_subcommand(build ? "build" : "update",
                            build ? "rebuild the charts/ directory based on the Chart.lock file"
                                  : "update charts/ based on the contents of Chart.yaml");
    if (!build) cmd->alias("up");
    cmd->add_option("CHART", *chart, "the chart directory")->capture_default_str();
    cmd->add_flag("--skip-refresh", opts->skip_refresh,
                  "do not refresh the local repository cache");
    cmd->add_flag("--verify", opts->verify, "verify the packages against signatures");
    cmd->add_option("--keyring", *keyring, "keyring containing public keys")->capture_default_str();
    add_client_flags(cmd, opts->client, true);
    cmd->callback([opts, chart, keyring, build] {
      actions::DependencyOptions o = with_printing(*opts);
      o.chart_dir = *chart;
      o.keyring = *keyring;
      if (build)
        actions::dependency_build(o);
      else
        actions::dependency_update(o);
    });
  }

  auto chart = std::make_shared<std::string>(".");
  auto width = std::make_shared<int>(80);
  CLI::App* list = dep->add_subcommand("list", "list the dependencies for the given chart");
  list->alias("ls");
  list->add_option("CHART", *chart, "the chart directory")->capture_default_str();
  list->add_option("--max-col-width", *width, "maximum column width for output table")
      ->capture_default_str();
  list->callback([chart, width] { std::cout << actions::dependency_list(*chart, *width); });
}

}  // namespace ch::cli
