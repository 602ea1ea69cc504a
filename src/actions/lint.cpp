#include "actions/lint.hpp"

namespace ch::actions {

std::string LintReport::summary() const {
  return std::to_string(charts.size()) + " chart(s) linted, " + std::to_string(failed) +
         " chart(s) failed";
}

LintReport lint_charts(std::vector<std::string> paths) {
  if (paths.empty()) paths.push_back(".");
  LintReport report;
  for (auto& p : paths) {
    LintedChart c;
    c.messages = helm::lint_chart_dir(p);
    for (const auto& m : c.messages) c.failed = c.failed || m.severity == helm::Severity::kError;
    if (c.failed) ++report.failed;
    c.path = std::move(p);
    report.charts.push_back(std::move(c));
  }
  return report;
}

}  // namespace ch::actions
