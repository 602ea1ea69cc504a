#include "server/ui/textdiff.hpp"

#include <algorithm>
#include <cstdint>

#include "server/ui/html.hpp"

namespace ch::server::ui {

namespace {

struct Line {
  std::string_view text;
  bool newline = true;  // followed by '\n'
  bool operator==(const Line& o) const { return newline == o.newline && text == o.text; }
  bool operator<(const Line& o) const {
    return text != o.text ? text < o.text : newline < o.newline;
  }
};

std::vector<Line> split_lines(std::string_view s) {
  std::vector<Line> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back({s.substr(start), false});
      break;
    }
    lines.push_back({s.substr(start, nl - start), true});
    start = nl + 1;
  }
  return lines;
}

enum Op : std::uint8_t { kEqual, kDelete, kInsert };

// Each distinct line gets a number (by sorting, so no hash an input could flood).
void intern(const std::vector<Line>& a, const std::vector<Line>& b, std::vector<int>& ia,
            std::vector<int>& ib) {
  std::vector<std::uint32_t> order(a.size() + b.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  auto line = [&](std::uint32_t i) -> const Line& { return i < a.size() ? a[i] : b[i - a.size()]; };
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t x, std::uint32_t y) { return line(x) < line(y); });
  ia.assign(a.size(), 0);
  ib.assign(b.size(), 0);
  int id = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && !(line(order[k - 1]) == line(order[k]))) ++id;
    std::uint32_t i = order[k];
    if (i < a.size()) {
      ia[i] = id;
    } else {
      ib[i - a.size()] = id;
    }
  }
}

enum class Bisect { kSplit, kNone, kTooMany };

// The middle of an optimal edit path between t1 and t2 (both non-empty, differing at both
// ends), found by running Myers' greedy search from both ends until the paths overlap
// (after Neil Fraser's diff_match_patch). At most `dcap` rounds; memory O(dcap).
Bisect bisect(const int* t1, int len1, const int* t2, int len2, int dcap, int& sx, int& sy) {
  int max_d = (len1 + len2 + 1) / 2;
  bool capped = false;
  if (max_d > dcap) {
    max_d = dcap;
    capped = true;
  }
  const int v_offset = max_d;
  const int v_length = 2 * max_d + 2;
  std::vector<int> v1(v_length, -1), v2(v_length, -1);
  v1[v_offset + 1] = 0;
  v2[v_offset + 1] = 0;
  const int delta = len1 - len2;
  const bool front = (delta % 2 != 0);
  int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
  for (int d = 0; d < max_d; ++d) {
    for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
      int k1_offset = v_offset + k1;
      int x1;
      if (k1 == -d || (k1 != d && v1[k1_offset - 1] < v1[k1_offset + 1])) {
        x1 = v1[k1_offset + 1];
      } else {
        x1 = v1[k1_offset - 1] + 1;
      }
      int y1 = x1 - k1;
      while (x1 < len1 && y1 < len2 && t1[x1] == t2[y1]) ++x1, ++y1;
      v1[k1_offset] = x1;
      if (x1 > len1) {
        k1end += 2;
      } else if (y1 > len2) {
        k1start += 2;
      } else if (front) {
        int k2_offset = v_offset + delta - k1;
        if (k2_offset >= 0 && k2_offset < v_length && v2[k2_offset] != -1) {
          int x2 = len1 - v2[k2_offset];
          if (x1 >= x2) {
            sx = x1, sy = y1;
            return Bisect::kSplit;
          }
        }
      }
    }
    for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
      int k2_offset = v_offset + k2;
      int x2;
      if (k2 == -d || (k2 != d && v2[k2_offset - 1] < v2[k2_offset + 1])) {
        x2 = v2[k2_offset + 1];
      } else {
        x2 = v2[k2_offset - 1] + 1;
      }
      int y2 = x2 - k2;
      while (x2 < len1 && y2 < len2 && t1[len1 - x2 - 1] == t2[len2 - y2 - 1]) ++x2, ++y2;
      v2[k2_offset] = x2;
      if (x2 > len1) {
        k2end += 2;
      } else if (y2 > len2) {
        k2start += 2;
      } else if (!front) {
        int k1_offset = v_offset + delta - k2;
        if (k1_offset >= 0 && k1_offset < v_length && v1[k1_offset] != -1) {
          int x1 = v1[k1_offset];
          int y1 = v_offset + x1 - k1_offset;
          if (x1 >= len1 - x2) {
            sx = x1, sy = y1;
            return Bisect::kSplit;
          }
        }
      }
    }
  }
  return capped ? Bisect::kTooMany : Bisect::kNone;
}

// The edit script of a and b, or false when it needs more than kMaxEdit edits.
bool myers(const std::vector<int>& a, const std::vector<int>& b, std::vector<Op>& ops) {
  struct Task {
    int a0, a1, b0, b1;
    bool equal;  // only emit a1-a0 equal lines (a suffix stripped earlier)
  };
  const int dcap = static_cast<int>(kMaxEdit / 2 + 1);
  std::vector<Task> stack{{0, static_cast<int>(a.size()), 0, static_cast<int>(b.size()), false}};
  while (!stack.empty()) {
    Task t = stack.back();
    stack.pop_back();
    if (t.equal) {
      ops.insert(ops.end(), t.a1 - t.a0, kEqual);
      continue;
    }
    while (t.a0 < t.a1 && t.b0 < t.b1 && a[t.a0] == b[t.b0]) {
      ops.push_back(kEqual);
      ++t.a0, ++t.b0;
    }
    int s = 0;
    while (t.a1 - s > t.a0 && t.b1 - s > t.b0 && a[t.a1 - 1 - s] == b[t.b1 - 1 - s]) ++s;
    t.a1 -= s, t.b1 -= s;
    if (s > 0) stack.push_back({t.a1, t.a1 + s, t.b1, t.b1 + s, true});
    if (t.a0 == t.a1 || t.b0 == t.b1) {
      ops.insert(ops.end(), t.a1 - t.a0, kDelete);
      ops.insert(ops.end(), t.b1 - t.b0, kInsert);
      continue;
    }
    int x = 0, y = 0;
    Bisect r = bisect(a.data() + t.a0, t.a1 - t.a0, b.data() + t.b0, t.b1 - t.b0, dcap, x, y);
    if (r == Bisect::kTooMany) return false;
    bool corner = (x == 0 && y == 0) || (x == t.a1 - t.a0 && y == t.b1 - t.b0);
    if (r == Bisect::kNone || corner) {
      ops.insert(ops.end(), t.a1 - t.a0, kDelete);
      ops.insert(ops.end(), t.b1 - t.b0, kInsert);
      continue;
    }
    stack.push_back({t.a0 + x, t.a1, t.b0 + y, t.b1, false});
    stack.push_back({t.a0, t.a0 + x, t.b0, t.b0 + y, false});
  }
  return true;
}

// Common prefix and suffix, everything between them replaced.
void coarse(const std::vector<Line>& a, const std::vector<Line>& b, std::vector<Op>& ops) {
  ops.clear();
  std::size_t p = 0;
  while (p < a.size() && p < b.size() && a[p] == b[p]) ++p;
  std::size_t s = 0;
  while (s < a.size() - p && s < b.size() - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  ops.insert(ops.end(), p, kEqual);
  ops.insert(ops.end(), a.size() - p - s, kDelete);
  ops.insert(ops.end(), b.size() - p - s, kInsert);
  ops.insert(ops.end(), s, kEqual);
}

}  // namespace

std::vector<DiffHunk> diff_lines(std::string_view before, std::string_view after,
                                 std::size_t context) {
  std::vector<DiffHunk> hunks;
  if (before == after) return hunks;
  std::vector<Line> a = split_lines(before), b = split_lines(after);
  std::vector<Op> ops;
  ops.reserve(a.size() + b.size());
  bool large = a.size() > kMaxDiffLines || b.size() > kMaxDiffLines ||
               before.size() > kMaxDiffBytes || after.size() > kMaxDiffBytes;
  if (large) {
    coarse(a, b, ops);
  } else {
    std::vector<int> ia, ib;
    intern(a, b, ia, ib);
    if (!myers(ia, ib, ops)) coarse(a, b, ops);
  }

  // Position of each op in both files (0-based index of the line it is at).
  const std::size_t n = ops.size();
  std::vector<std::size_t> oi(n + 1), ni(n + 1);
  for (std::size_t k = 0; k < n; ++k) {
    oi[k + 1] = oi[k] + (ops[k] != kInsert ? 1 : 0);
    ni[k + 1] = ni[k] + (ops[k] != kDelete ? 1 : 0);
  }
  std::size_t k = 0;
  while (k < n) {
    if (ops[k] == kEqual) {
      ++k;
      continue;
    }
    std::size_t start = k >= context ? k - context : 0;
    std::size_t last = k, e = k;
    while (e < n) {
      if (ops[e] != kEqual) {
        last = e++;
        continue;
      }
      std::size_t r = e;
      while (r < n && ops[r] == kEqual) ++r;
      if (r == n || r - e > 2 * context) break;
      e = r;
    }
    std::size_t end = std::min(n, last + 1 + context);
    DiffHunk h;
    h.old_count = oi[end] - oi[start];
    h.new_count = ni[end] - ni[start];
    h.old_start = h.old_count > 0 ? oi[start] + 1 : oi[start];
    h.new_start = h.new_count > 0 ? ni[start] + 1 : ni[start];
    h.lines.reserve(end - start);
    for (std::size_t j = start; j < end; ++j) {
      DiffLine l;
      const Line& src = ops[j] == kInsert ? b[ni[j]] : a[oi[j]];
      l.text = std::string(src.text);
      l.no_newline = !src.newline;
      switch (ops[j]) {
        case kEqual:
          l.kind = DiffLine::Kind::kContext;
          l.old_line = oi[j] + 1;
          l.new_line = ni[j] + 1;
          break;
        case kDelete:
          l.kind = DiffLine::Kind::kRemoved;
          l.old_line = oi[j] + 1;
          break;
        case kInsert:
          l.kind = DiffLine::Kind::kAdded;
          l.new_line = ni[j] + 1;
          break;
      }
      h.lines.push_back(std::move(l));
    }
    hunks.push_back(std::move(h));
    k = end;
  }
  return hunks;
}

namespace {

const char* kNoNewline = "\\ No newline at end of file";

void hunk_header(std::string& out, const DiffHunk& h) {
  out += "@@ -" + std::to_string(h.old_start) + "," + std::to_string(h.old_count) + " +" +
         std::to_string(h.new_start) + "," + std::to_string(h.new_count) + " @@";
}

void number_cell(std::string& out, std::size_t n) {
  out += "<td class=\"ln\">";
  if (n > 0) out += std::to_string(n);
  out += "</td>";
}

void code_cell(std::string& out, const char* cls, std::string_view text) {
  out += "<td class=\"";
  out += cls;
  out += "\">";
  append_escaped(out, text);
  out += "</td>";
}

}  // namespace

std::string render_unified(const std::vector<DiffHunk>& hunks) {
  std::string out = "<table class=\"diff unified\">\n";
  for (const DiffHunk& h : hunks) {
    out += "<tr class=\"hunk\"><td class=\"ln\"></td><td class=\"ln\"></td><td class=\"code\">";
    hunk_header(out, h);
    out += "</td></tr>\n";
    for (const DiffLine& l : h.lines) {
      const char* cls = l.kind == DiffLine::Kind::kAdded     ? "add"
                        : l.kind == DiffLine::Kind::kRemoved ? "del"
                                                             : "ctx";
      char mark = l.kind == DiffLine::Kind::kAdded     ? '+'
                  : l.kind == DiffLine::Kind::kRemoved ? '-'
                                                       : ' ';
      out += "<tr class=\"";
      out += cls;
      out += "\">";
      number_cell(out, l.old_line);
      number_cell(out, l.new_line);
      out += "<td class=\"code\">";
      out += mark;
      append_escaped(out, l.text);
      out += "</td></tr>\n";
      if (l.no_newline) {
        out += "<tr class=\"nonl\"><td class=\"ln\"></td><td class=\"ln\"></td>";
        code_cell(out, "code", kNoNewline);
        out += "</tr>\n";
      }
    }
  }
  out += "</table>\n";
  return out;
}

std::string render_side_by_side(const std::vector<DiffHunk>& hunks) {
  std::string out = "<table class=\"diff split\">\n";
  auto row = [&](const DiffLine* left, const DiffLine* right) {
    const char* cls = left && right ? (left->kind == DiffLine::Kind::kContext ? "ctx" : "chg")
                      : left        ? "del"
                                    : "add";
    out += "<tr class=\"";
    out += cls;
    out += "\">";
    bool ctx = left && left->kind == DiffLine::Kind::kContext;
    number_cell(out, left ? left->old_line : 0);
    code_cell(out, ctx ? "code" : left ? "code del" : "code", left ? left->text : "");
    number_cell(out, right ? right->new_line : 0);
    code_cell(out, ctx ? "code" : right ? "code add" : "code", right ? right->text : "");
    out += "</tr>\n";
    bool lnonl = left && left->no_newline, rnonl = right && right->no_newline;
    if (lnonl || rnonl) {
      out += "<tr class=\"nonl\"><td class=\"ln\"></td>";
      code_cell(out, "code", lnonl ? kNoNewline : "");
      out += "<td class=\"ln\"></td>";
      code_cell(out, "code", rnonl ? kNoNewline : "");
      out += "</tr>\n";
    }
  };
  for (const DiffHunk& h : hunks) {
    out += "<tr class=\"hunk\"><td class=\"ln\"></td><td class=\"code\" colspan=\"3\">";
    hunk_header(out, h);
    out += "</td></tr>\n";
    std::size_t i = 0;
    const auto& lines = h.lines;
    while (i < lines.size()) {
      if (lines[i].kind == DiffLine::Kind::kContext) {
        row(&lines[i], &lines[i]);
        ++i;
        continue;
      }
      std::size_t del_begin = i;
      while (i < lines.size() && lines[i].kind == DiffLine::Kind::kRemoved) ++i;
      std::size_t add_begin = i;
      while (i < lines.size() && lines[i].kind == DiffLine::Kind::kAdded) ++i;
      std::size_t dels = add_begin - del_begin, adds = i - add_begin;
      for (std::size_t r = 0; r < std::max(dels, adds); ++r) {
        row(r < dels ? &lines[del_begin + r] : nullptr, r < adds ? &lines[add_begin + r] : nullptr);
      }
    }
  }
  out += "</table>\n";
  return out;
}

}  // namespace ch::server::ui
