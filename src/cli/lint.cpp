#include <iostream>

#include "helm/lint.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_lint_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "lint", "Examine a chart's Chart.yaml (and values.yaml presence) for possible issues");
  cmd->add_option("PATH", *paths, "chart directories (default: .)");
  cmd->callback([paths] {
    if (paths->empty()) paths->push_back(".");
    int failed = 0;
    for (const auto& p : *paths) {
      std::cout << "==> Linting " << p << "\n";
      bool has_error = false;
      for (const auto& m : helm::lint_chart_dir(p)) {
        std::cout << "[" << helm::severity_label(m.severity) << "] " << m.path << ": " << m.text
                  << "\n";
        has_error = has_error || m.severity == helm::Severity::kError;
      }
      std::cout << "\n";
      if (has_error) ++failed;
    }
    std::string summary = std::to_string(paths->size()) + " chart(s) linted, " +
                          std::to_string(failed) + " chart(s) failed";
    if (failed > 0) {
      std::cerr << "Error: " << summary << "\n";
      throw ExitFailure{1};
    }
    std::cout << summary << "\n";
  });
}

}  // namespace ch::cli
