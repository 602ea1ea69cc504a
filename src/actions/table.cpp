#include "actions/table.hpp"

#include <algorithm>

namespace ch::actions {

namespace {

size_t rune_count(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Go's runewidth.Truncate(s, 50, "...") as uitable applies it (ASCII width; multi-byte
// runes count as one column).
std::string truncate_cell(const std::string& s, size_t width) {
  if (rune_count(s) <= width) return s;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (n == width - 3) break;
      ++n;
    }
    out += s[i];
  }
  return out + "...";
}

}  // namespace

std::string render_table(const std::vector<std::vector<std::string>>& input, size_t max_col_width) {
  std::vector<std::vector<std::string>> rows = input;
  size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  for (auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      if (max_col_width > 0) row[c] = truncate_cell(row[c], max_col_width);
      widths[c] = std::max(widths[c], rune_count(row[c]));
    }
  std::string out;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += '\t';
      out += row[c] + std::string(widths[c] - rune_count(row[c]), ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace ch::actions
