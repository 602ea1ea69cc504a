// `charthouse lint`: Helm's Chart.yaml and dependency rules over chart directories
// (helm/lint.hpp), with the per-chart verdict `helm lint` prints.
#pragma once

#include <string>
#include <vector>

#include "helm/lint.hpp"

namespace ch::actions {

struct LintedChart {
  std::string path;
  std::vector<helm::LintMessage> messages;
  bool failed = false;  // an error-level message
};

struct LintReport {
  std::vector<LintedChart> charts;
  std::size_t failed = 0;
  // "N chart(s) linted, M chart(s) failed"
  std::string summary() const;
};

// Lints each path (none: "."). Never throws for a chart that does not load: that is an
// error message of its report.
LintReport lint_charts(std::vector<std::string> paths);

}  // namespace ch::actions
