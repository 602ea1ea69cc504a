#include <iostream>

#include "base/version.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_version_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("version", "Print the charthouse version");
  cmd->callback([] { std::cout << "charthouse v" << kVersion << '\n'; });
}

}  // namespace ch::cli
