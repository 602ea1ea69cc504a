// Tables as Helm prints them with gosuri/uitable: cells truncated to a maximum width with
// "...", every cell padded with spaces to its column's width, columns joined by a TAB,
// one row per line.
#pragma once

#include <string>
#include <vector>

namespace ch::actions {

// max_col_width 0: no limit.
std::string render_table(const std::vector<std::vector<std::string>>& rows, size_t max_col_width);

}  // namespace ch::actions
