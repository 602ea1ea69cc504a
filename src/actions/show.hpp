// `charthouse show chart|values|readme|crds|all`: the text `helm show` prints for a chart.
#pragma once

#include <string>

#include "chart/chart.hpp"

namespace ch::actions {

enum class ShowFormat { kChart, kValues, kReadme, kCrds, kAll };

// Renders exactly what `helm show <format>` writes to stdout for a loaded chart.
std::string render_show(const chart::Chart& chart, ShowFormat format);

// Loads a chart directory or .tgz and renders it.
std::string show_local(const std::string& path, ShowFormat format);

}  // namespace ch::actions
