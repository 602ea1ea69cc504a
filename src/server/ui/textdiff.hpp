// Line diffs for the web UI (a chart's files between two versions): Myers' algorithm with a
// bound on the work, hunks with context as `diff -U` makes them, and their HTML tables.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ch::server::ui {

// Past this many edits (insertions plus deletions), or for inputs over kMaxDiffLines lines or
// kMaxDiffBytes bytes (either side), the diff is coarse: the common prefix and suffix and one
// replaced block between them. Still exact (applying it gives `after`), just not minimal.
inline constexpr std::size_t kMaxEdit = 4000;
inline constexpr std::size_t kMaxDiffLines = 50000;
inline constexpr std::size_t kMaxDiffBytes = 4 * 1024 * 1024;

struct DiffLine {
  enum class Kind { kContext, kAdded, kRemoved } kind;
  std::size_t old_line = 0, new_line = 0;  // 1-based, 0 when absent
  std::string text;                        // without its line break
  // The last line of its file, which has no line break at its end ("\ No newline at end of
  // file"). A line whose only change is that break shows as removed and added.
  bool no_newline = false;
};

// As in a unified diff: a side's start is the line before the hunk when its count is 0.
struct DiffHunk {
  std::size_t old_start = 0, old_count = 0, new_start = 0, new_count = 0;
  std::vector<DiffLine> lines;
};

// Lines are split at '\n' (a '\r' before it stays in the text). Identical inputs give no
// hunks. Changes closer than 2*context lines share a hunk. Time O((N+M)·D) with D at most
// kMaxEdit, memory linear; no recursion.
std::vector<DiffHunk> diff_lines(std::string_view before, std::string_view after,
                                 std::size_t context = 3);

// HTML tables, all text escaped. Unified: <table class="diff unified">, one row per line,
// <tr class="hunk|ctx|add|del"> with two <td class="ln"> (old, new line number) and
// <td class="code">. Side by side: <table class="diff split">, <tr class="hunk|ctx|add|del|chg">
// (chg: a removed line beside the added line that replaces it) with <td class="ln">,
// <td class="code [del]">, <td class="ln">, <td class="code [add]">. A line without a final
// line break is followed by a row <tr class="nonl">.
std::string render_unified(const std::vector<DiffHunk>& hunks);
std::string render_side_by_side(const std::vector<DiffHunk>& hunks);

}  // namespace ch::server::ui
