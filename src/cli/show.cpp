#include <iostream>

#include "actions/show.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_show_command(CLI::App& app) {
  CLI::App* show = app.add_subcommand("show", "Show information of a chart");
  show->require_subcommand(1);
  struct Sub {
    const char* name;
    const char* help;
    actions::ShowFormat format;
  };
  static const Sub kSubs[] = {
      {"chart", "show the chart's definition", actions::ShowFormat::kChart},
      {"values", "show the chart's values", actions::ShowFormat::kValues},
      {"readme", "show the chart's README", actions::ShowFormat::kReadme},
      {"crds", "show the chart's CRDs", actions::ShowFormat::kCrds},
      {"all", "show all information of the chart", actions::ShowFormat::kAll},
  };
  for (const auto& sub : kSubs) {
    auto chart = std::make_shared<std::string>();
    CLI::App* cmd = show->add_subcommand(sub.name, sub.help);
    cmd->add_option("CHART", *chart, "a chart directory or a chart archive (.tgz)")->required();
    auto format = sub.format;
    cmd->callback([chart, format] { std::cout << actions::show_local(*chart, format); });
  }
}

}  // namespace ch::cli
