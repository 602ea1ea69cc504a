// `charthouse lint [PATH...]`: prints `helm lint`'s report (actions/lint.hpp).
#include <iostream>

#include "actions/lint.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_lint_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "lint", "Examine a chart's Chart.yaml (and values.yaml presence) for possible issues");
  cmd->add_option("PATH", *paths, "chart directories (default: .)");
  cmd->callback([paths] {
    actions::LintReport report = actions::lint_charts(*paths);
    for (const auto& chart : report.charts) {
      std::cout << "==> Linting " << chart.path << "\n";
      for (const auto& m : chart.messages)
        std::cout << "[" << helm::severity_label(m.severity) << "] " << m.path << ": " << m.text
                  << "\n";
      std::cout << "\n";
    }
    if (report.failed > 0) {
      std::cerr << "Error: " << report.summary() << "\n";
      throw ExitFailure{1};
    }
    std::cout << report.summary() << "\n";
  });
}

}  // namespace ch::cli
