// `helm lint` rules for Chart.yaml, values.yaml and the chart's dependencies (declared in
// Chart.yaml against present in charts/): each finding with Helm's severity and message.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ch::helm {

enum class Severity { kInfo, kWarning, kError };

struct LintMessage {
  Severity severity;
  std::string path;  // "Chart.yaml", "values.yaml", or the chart's absolute directory
  std::string text;
};

std::string severity_label(Severity s);  // "INFO", "WARNING", "ERROR"

// Runs the rules on a chart directory. A missing chart directory gives one error message.
std::vector<LintMessage> lint_chart_dir(const std::filesystem::path& dir);

}  // namespace ch::helm
