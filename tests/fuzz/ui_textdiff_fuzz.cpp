// The web UI's line diff (server/ui/textdiff.cpp). The input is split at its first NUL byte
// into `before` and `after`. Oracles: applying the hunks to `before` gives `after` exactly
// (every context and removed line matches `before` at its line number), identical inputs give
// no hunks, hunk counts match their lines, and the rendered tables carry no raw '<' from text.
#include <string>
#include <tuple>
#include <vector>

#include "fuzz.hpp"
#include "server/ui/textdiff.hpp"

namespace {

std::vector<std::string_view> lines_of(std::string_view s, std::vector<bool>& newline) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? s.size() : nl;
    lines.push_back(s.substr(start, end - start));
    newline.push_back(nl != std::string_view::npos);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using Kind = ch::server::ui::DiffLine::Kind;
  std::string_view before, after;
  std::tie(before, after) = ch::fuzz::split_once(ch::fuzz::text(data, size), '\0');
  std::size_t context = size % 4;
  auto hunks = ch::server::ui::diff_lines(before, after, context);
  CH_FUZZ_CHECK(hunks.empty() == (before == after));

  std::vector<bool> newline;
  std::vector<std::string_view> old_lines = lines_of(before, newline);
  std::string out;
  std::size_t next = 0;
  auto copy_to = [&](std::size_t end) {
    CH_FUZZ_CHECK(end <= old_lines.size());
    for (; next < end; ++next) {
      out += old_lines[next];
      if (newline[next]) out += '\n';
    }
  };
  std::size_t new_line = 0;
  for (const auto& h : hunks) {
    std::size_t first = h.old_count > 0 ? h.old_start - 1 : h.old_start;
    CH_FUZZ_CHECK(first >= next);
    new_line += first - next;
    copy_to(first);
    std::size_t olds = 0, news = 0;
    for (const auto& l : h.lines) {
      if (l.kind != Kind::kAdded) {
        CH_FUZZ_CHECK(next < old_lines.size());
        CH_FUZZ_CHECK(l.old_line == next + 1);
        CH_FUZZ_CHECK(l.text == old_lines[next]);
        CH_FUZZ_CHECK(l.no_newline == !newline[next]);
        ++next;
        ++olds;
      } else {
        CH_FUZZ_CHECK(l.old_line == 0);
      }
      if (l.kind != Kind::kRemoved) {
        ++new_line;
        CH_FUZZ_CHECK(l.new_line == new_line);
        out += l.text;
        if (!l.no_newline) out += '\n';
        ++news;
      } else {
        CH_FUZZ_CHECK(l.new_line == 0);
      }
    }
    CH_FUZZ_CHECK(olds == h.old_count && news == h.new_count);
    CH_FUZZ_CHECK(h.new_count > 0 ? h.new_start == new_line - news + 1 : h.new_start == new_line);
  }
  copy_to(old_lines.size());
  CH_FUZZ_CHECK(out == after);

  std::string u = ch::server::ui::render_unified(hunks);
  std::string s = ch::server::ui::render_side_by_side(hunks);
  for (const std::string* html : {&u, &s}) {
    // Every '<' in the output starts one of the table's own tags.
    std::size_t at = 0;
    while ((at = html->find('<', at)) != std::string::npos) {
      std::string_view rest = std::string_view(*html).substr(at);
      CH_FUZZ_CHECK(rest.starts_with("<table") || rest.starts_with("</table") ||
                    rest.starts_with("<tr") || rest.starts_with("</tr") ||
                    rest.starts_with("<td") || rest.starts_with("</td"));
      ++at;
    }
  }
  return 0;
}
