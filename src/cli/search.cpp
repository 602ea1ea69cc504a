#include <iostream>

#include "actions/search.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_search_command(CLI::App& app) {
  struct Args {
    actions::SearchOptions options;
    std::string output = "table";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "search",
      "List the versions of a chart in an OCI registry.\n\n"
      "oci://host/ns/name lists that chart's versions (the newest, or all with --versions)\n"
      "with app version and description; oci://host/ns lists every chart under ns when the\n"
      "registry offers a catalog (charthouse serve does).");
  cmd->add_option("REPOSITORY", args->options.url, "oci://host/ns[/name]")->required();
  cmd->add_flag("-l,--versions", args->options.all_versions,
                "show the long listing, with each version of each chart on its own line");
  cmd->add_flag("--devel", args->options.devel,
                "use development versions (alpha, beta, and release candidate releases), too");
  cmd->add_option("--version", args->options.version,
                  "search using semantic versioning constraints");
  cmd->add_option("-o,--output", args->output,
                  "prints the output in the specified format. "
                  "Allowed values: table, json, yaml")
      ->capture_default_str();
  add_client_flags(cmd, args->options.client, true);
  cmd->callback([args] {
    std::cout << actions::render_search(actions::search_charts(args->options), args->output);
  });
}

}  // namespace ch::cli
