// Tests of server/ui/textdiff.cpp: hunks as `diff -U3` makes them, exactness on random inputs
// (checked against GNU diff), the coarse fallback, and the HTML tables.
#include "server/ui/textdiff.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "testing.hpp"

namespace ch::server::ui {
namespace {

using Kind = DiffLine::Kind;

// Applies the hunks to `before`, checking every context and removed line against it.
std::string apply_hunks(std::string_view before, const std::vector<DiffHunk>& hunks) {
  std::vector<std::string> lines;
  std::vector<bool> newline;
  std::size_t start = 0;
  while (start < before.size()) {
    std::size_t nl = before.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? before.size() : nl;
    lines.emplace_back(before.substr(start, end - start));
    newline.push_back(nl != std::string_view::npos);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  std::string out;
  std::size_t next = 0;  // 0-based index of the next old line not yet copied
  auto copy_to = [&](std::size_t end) {
    for (; next < end; ++next) out += lines[next] + (newline[next] ? "\n" : "");
  };
  for (const DiffHunk& h : hunks) {
    std::size_t first_old = h.old_count > 0 ? h.old_start - 1 : h.old_start;
    EXPECT_GE(first_old, next);
    copy_to(first_old);
    std::size_t olds = 0, news = 0;
    for (const DiffLine& l : h.lines) {
      if (l.kind != Kind::kAdded) {
        EXPECT_EQ(l.old_line, next + 1);
        EXPECT_LT(next, lines.size());
        if (next < lines.size()) {
          EXPECT_EQ(l.text, lines[next]);
          EXPECT_EQ(l.no_newline, !newline[next]);
        }
        ++next;
        ++olds;
      }
      if (l.kind != Kind::kRemoved) {
        out += l.text + (l.no_newline ? "" : "\n");
        ++news;
      }
    }
    EXPECT_EQ(olds, h.old_count);
    EXPECT_EQ(news, h.new_count);
  }
  copy_to(lines.size());
  return out;
}

std::string unified_text(const std::vector<DiffHunk>& hunks) {
  std::string out;
  for (const DiffHunk& h : hunks) {
    out += "@@ -" + std::to_string(h.old_start) + "," + std::to_string(h.old_count) + " +" +
           std::to_string(h.new_start) + "," + std::to_string(h.new_count) + " @@\n";
    for (const DiffLine& l : h.lines) {
      out += (l.kind == Kind::kAdded ? "+" : l.kind == Kind::kRemoved ? "-" : " ") + l.text + "\n";
      if (l.no_newline) out += "\\ No newline at end of file\n";
    }
  }
  return out;
}

TEST(UiTextDiff, IdenticalInputsHaveNoHunks) {
  EXPECT_TRUE(diff_lines("", "").empty());
  EXPECT_TRUE(diff_lines("a\nb\n", "a\nb\n").empty());
  EXPECT_EQ(render_unified({}), "<table class=\"diff unified\">\n</table>\n");
}

TEST(UiTextDiff, SameAsDiffU3) {
  std::string before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
  std::string after = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n";
  EXPECT_EQ(unified_text(diff_lines(before, after)),
            "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n"
            "@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n");
  // Changes 6 lines apart share a hunk (the gap is not more than 2*context).
  std::string after2 = "a\nB\nc\nd\ne\nf\ng\nH\ni\nj\nk\nl\nm\n";
  auto hunks = diff_lines(before, after2);
  ASSERT_EQ(hunks.size(), 1u);
  EXPECT_EQ(hunks[0].old_start, 1u);
  EXPECT_EQ(hunks[0].old_count, 11u);
  // Insertion at the start and deletion of everything.
  EXPECT_EQ(unified_text(diff_lines("x\n", "new\nx\n")), "@@ -1,1 +1,2 @@\n+new\n x\n");
  EXPECT_EQ(unified_text(diff_lines("a\nb\n", "")), "@@ -1,2 +0,0 @@\n-a\n-b\n");
  EXPECT_EQ(unified_text(diff_lines("", "a\n")), "@@ -0,0 +1,1 @@\n+a\n");
}

TEST(UiTextDiff, TrailingNewline) {
  EXPECT_EQ(unified_text(diff_lines("a\nb", "a\nb\n")),
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  EXPECT_EQ(unified_text(diff_lines("a\n", "a\nc")),
            "@@ -1,1 +1,2 @@\n a\n+c\n\\ No newline at end of file\n");
  auto hunks = diff_lines("x\r\ny\r\n", "x\r\nz\r\n");
  ASSERT_EQ(hunks.size(), 1u);
  EXPECT_EQ(hunks[0].lines[1].text, "y\r");
}

TEST(UiTextDiff, LineNumbers) {
  auto hunks = diff_lines("1\n2\n3\n", "1\n3\n4\n", 0);
  ASSERT_EQ(hunks.size(), 2u);
  EXPECT_EQ(hunks[0].old_start, 2u);
  EXPECT_EQ(hunks[0].old_count, 1u);
  EXPECT_EQ(hunks[0].new_start, 1u);  // after new line 1
  EXPECT_EQ(hunks[0].new_count, 0u);
  EXPECT_EQ(hunks[0].lines[0].old_line, 2u);
  EXPECT_EQ(hunks[0].lines[0].new_line, 0u);
  EXPECT_EQ(hunks[1].new_start, 3u);
  EXPECT_EQ(hunks[1].old_start, 3u);
  EXPECT_EQ(hunks[1].lines[0].kind, Kind::kAdded);
  EXPECT_EQ(hunks[1].lines[0].new_line, 3u);
}

// Random small files: the hunks rebuild `after`, and the numbers of + and - lines are the
// ones GNU diff finds (both minimal).
TEST(UiTextDiff, RandomInputsAgreeWithGnuDiff) {
  if (access("/usr/bin/diff", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/diff";
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ui_textdiff_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::mt19937 rng(12345);
  auto random_file = [&](std::size_t lines) {
    std::string s;
    for (std::size_t i = 0; i < lines; ++i)
      s += std::string(1, static_cast<char>('a' + rng() % 4)) + "\n";
    if (rng() % 4 == 0 && !s.empty()) s.pop_back();
    return s;
  };
  for (int round = 0; round < 60; ++round) {
    std::string before = random_file(rng() % 30), after;
    if (round % 2 == 0) {
      after = random_file(rng() % 30);
    } else {  // a few edits of before
      after = before;
      for (int e = 0; e < 3; ++e) {
        std::size_t at = after.empty() ? 0 : rng() % after.size();
        after.insert(at, std::string(1, static_cast<char>('a' + rng() % 5)) + "\n");
      }
    }
    auto hunks = diff_lines(before, after);
    EXPECT_EQ(apply_hunks(before, hunks), after) << before << "|" << after;
    std::size_t plus = 0, minus = 0;
    for (const auto& h : hunks) {
      for (const auto& l : h.lines) {
        plus += l.kind == Kind::kAdded;
        minus += l.kind == Kind::kRemoved;
      }
    }
    testing::write(dir / "a", before);
    testing::write(dir / "b", after);
    auto r = testing::run({"/usr/bin/diff", "-U3", (dir / "a").string(), (dir / "b").string()});
    std::size_t gplus = 0, gminus = 0;
    std::size_t pos = 0;
    while (pos < r.out.size()) {
      std::size_t nl = r.out.find('\n', pos);
      std::string line = r.out.substr(pos, nl - pos);
      if (line.starts_with("+") && !line.starts_with("+++")) ++gplus;
      if (line.starts_with("-") && !line.starts_with("---")) ++gminus;
      pos = nl + 1;
    }
    EXPECT_EQ(plus, gplus) << before << "|" << after;
    EXPECT_EQ(minus, gminus) << before << "|" << after;
    EXPECT_EQ(plus + minus, 0u + gplus + gminus);
    EXPECT_EQ(hunks.empty(), r.code == 0);
  }
  fs::remove_all(dir);
}

TEST(UiTextDiff, ManyEditsFallBackToOneBlock) {
  std::string before, after;
  for (int i = 0; i < 6000; ++i) {
    before += "same\n" + std::to_string(i) + "\n";
    after += "same\nx" + std::to_string(i) + "\n";
  }
  before = "head\n" + before + "tail\n";
  after = "head\n" + after + "tail\n";
  auto start = std::chrono::steady_clock::now();
  auto hunks = diff_lines(before, after);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  ASSERT_EQ(hunks.size(), 1u);            // 12000 edits > kMaxEdit: prefix, one block, suffix
  EXPECT_EQ(hunks[0].old_count, 12002u);  // all of it: the context is the whole prefix
  EXPECT_EQ(apply_hunks(before, hunks), after);
  // Under the cap the answer is minimal.
  std::string b2, a2;
  for (int i = 0; i < 1000; ++i) {
    b2 += "same\n" + std::to_string(i) + "\n";
    a2 += "same\nx" + std::to_string(i) + "\n";
  }
  std::size_t changed = 0;
  for (const auto& h : diff_lines(b2, a2)) {
    for (const auto& l : h.lines) changed += l.kind != Kind::kContext;
  }
  EXPECT_EQ(changed, 2000u);
}

TEST(UiTextDiff, LargeInputsAreCoarseButExact) {
  std::string before, after;
  for (int i = 0; i < 60000; ++i) before += std::to_string(i) + "\n";
  after = before;
  after.replace(after.find("100\n"), 4, "changed\n");
  after.replace(after.find("50000\n"), 6, "changed\n");
  auto hunks = diff_lines(before, after);
  ASSERT_EQ(hunks.size(), 1u);
  EXPECT_EQ(apply_hunks(before, hunks), after);
}

TEST(UiTextDiff, RenderingEscapes) {
  auto hunks = diff_lines("<script>\nsame\n", "<img src=x onerror=alert(1)>\nsame\n");
  std::string u = render_unified(hunks);
  EXPECT_EQ(u.find("<script"), std::string::npos);
  EXPECT_EQ(u.find("<img"), std::string::npos);
  EXPECT_NE(u.find("<tr class=\"del\"><td class=\"ln\">1</td><td class=\"ln\"></td>"
                   "<td class=\"code\">-&lt;script&gt;</td></tr>"),
            std::string::npos)
      << u;
  EXPECT_NE(u.find("<tr class=\"add\"><td class=\"ln\"></td><td class=\"ln\">1</td>"),
            std::string::npos);
  EXPECT_NE(u.find("<tr class=\"ctx\"><td class=\"ln\">2</td><td class=\"ln\">2</td>"),
            std::string::npos);
  EXPECT_NE(u.find("<tr class=\"hunk\">"), std::string::npos);
  EXPECT_TRUE(u.starts_with("<table class=\"diff unified\">"));
  std::string s = render_side_by_side(hunks);
  EXPECT_TRUE(s.starts_with("<table class=\"diff split\">"));
  EXPECT_EQ(s.find("<script"), std::string::npos);
  EXPECT_NE(
      s.find("<tr class=\"chg\"><td class=\"ln\">1</td><td class=\"code del\">&lt;script&gt;</td>"
             "<td class=\"ln\">1</td><td class=\"code add\">&lt;img src=x "
             "onerror=alert(1)&gt;</td></tr>"),
      std::string::npos)
      << s;
  // One removed and two added: one paired row, one added-only row.
  s = render_side_by_side(diff_lines("a\n", "b\nc\n"));
  EXPECT_NE(s.find("<tr class=\"chg\">"), std::string::npos) << s;
  EXPECT_NE(s.find("<tr class=\"add\"><td class=\"ln\"></td><td class=\"code\"></td><td "
                   "class=\"ln\">2</td>"),
            std::string::npos)
      << s;
  EXPECT_NE(render_unified(diff_lines("a", "b")).find("<tr class=\"nonl\">"), std::string::npos);
}

}  // namespace
}  // namespace ch::server::ui
