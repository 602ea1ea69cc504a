#include <iostream>

#include "actions/push.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_push_command(CLI::App& app) {
  struct Args {
    std::string chart;
    std::string remote;
    client::ClientOptions client;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "push",
      "Push a chart to a remote.\n\n"
      "The chart becomes the OCI artifact `helm push` writes, at <remote>/<name>:<version>\n"
      "('+' in the version becomes '_'); CHART.tgz.prov, when present, is pushed with it.");
  cmd->add_option("CHART", args->chart, "a packaged chart (.tgz)")->required();
  cmd->add_option("REMOTE", args->remote, "oci://host/namespace")->required();
  add_client_flags(cmd, args->client, true);
  cmd->callback([args] {
    actions::PushOptions opts;
    opts.chart = args->chart;
    opts.remote = args->remote;
    opts.client = args->client;
    opts.progress = terminal_progress("Pushing");
    actions::PushResult result = actions::push_chart(opts);
    auto colon = result.ref.rfind(':');
    print_ref_lines("Pushed", result.ref, result.digest,
                    result.ref.find('_', colon) != std::string::npos);
  });
}

}  // namespace ch::cli
