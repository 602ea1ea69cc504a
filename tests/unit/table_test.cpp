// Tests of actions/table.cpp: tables as Helm prints them with gosuri/uitable.
#include "actions/table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ch {
namespace {

TEST(Table, CellsArePaddedToTheirColumnAndJoinedByTabs) {
  EXPECT_EQ(actions::render_table(
                {{"NAME", "URL"}, {"stable", "https://charts.example.com"}, {"x", ""}}, 0),
            "NAME  \tURL                       \n"
            "stable\thttps://charts.example.com\n"
            "x     \t                          \n");
  EXPECT_EQ(actions::render_table({}, 50), "");
  EXPECT_EQ(actions::render_table({{}}, 50), "\n");
}

TEST(Table, RowsMayBeShorterThanTheWidestRow) {
  // No cells are invented for a short row: no trailing tabs.
  EXPECT_EQ(actions::render_table({{"a", "bb", "ccc"}, {"dddd"}}, 0),
            "a   \tbb\tccc\n"
            "dddd\n");
}

TEST(Table, LongCellsAreTruncatedWithAnEllipsis) {
  std::string exact(50, 'e');
  std::string longer(51, 'l');
  std::string out = actions::render_table({{exact, longer}}, 50);
  EXPECT_EQ(out, exact + "\t" + std::string(47, 'l') + "...\n");
  // No limit: kept whole.
  EXPECT_EQ(actions::render_table({{longer}}, 0), longer + "\n");
  // The column is as wide as its widest cell after truncation.
  EXPECT_EQ(actions::render_table({{"abcdefgh", "x"}, {"ab", "y"}}, 5), "ab...\tx\nab   \ty\n");
}

TEST(Table, WidthCountsRunesNotBytes) {
  // "é" is two bytes and one column; a truncated cell never splits a rune.
  std::string e2 = "\xc3\xa9\xc3\xa9";  // "éé"
  EXPECT_EQ(actions::render_table({{e2, "x"}, {"abc", "y"}}, 0), e2 + " \tx\nabc\ty\n");
  std::string accents;
  for (int i = 0; i < 10; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(actions::render_table({{accents}}, 6), "\xc3\xa9\xc3\xa9\xc3\xa9...\n");
}

}  // namespace
}  // namespace ch
