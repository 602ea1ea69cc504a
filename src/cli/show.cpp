#include <iostream>

#include "actions/show.hpp"
#include "cli/client_flags.hpp"
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
    auto opts = std::make_shared<actions::RemoteShowOptions>();
    CLI::App* cmd = show->add_subcommand(sub.name, sub.help);
    cmd->add_option("CHART", opts->url,
                    "a chart directory, a chart archive (.tgz) or oci://host/repo[:tag][@digest]")
        ->required();
    cmd->add_option("--version", opts->version,
                    "specify a version constraint for the chart version to use");
    cmd->add_flag("--devel", opts->devel,
                  "use development versions, too. Equivalent to version '>0.0.0-0'");
    add_client_flags(cmd, opts->client, true);
    auto format = sub.format;
    cmd->callback([opts, format] {
      if (opts->url.rfind("oci://", 0) != 0) {
        std::cout << actions::show_local(opts->url, format);
        return;
      }
      actions::RemoteShowResult result = actions::show_remote(*opts, format);
      end_progress();
      for (const std::string& w : result.skipped_tags) std::cerr << w << "\n";
      print_ref_lines("Pulled", result.printed_ref, result.digest,
                      result.printed_ref.find('_') != std::string::npos);
      for (const std::string& w : result.warnings) std::cerr << w << "\n";
      std::cout << result.text;
    });
  }
}

}  // namespace ch::cli
