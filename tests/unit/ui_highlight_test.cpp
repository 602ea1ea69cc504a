// Tests of server/ui/highlight.cpp: the YAML lexer's spans, escaping and bounds.
#include "server/ui/highlight.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace ch::server::ui {
namespace {

// The text of the output with the tags removed and the entities decoded: must be the input.
std::string text_of(const std::string& html) {
  std::string out;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      i = html.find('>', i);
      continue;
    }
    if (html[i] == '&') {
      std::size_t semi = html.find(';', i);
      std::string e = html.substr(i, semi - i + 1);
      out += e == "&amp;"    ? "&"
             : e == "&lt;"   ? "<"
             : e == "&gt;"   ? ">"
             : e == "&quot;" ? "\""
                             : "'";
      i = semi;
      continue;
    }
    out += html[i];
  }
  return out;
}

std::string span(const char* cls, const char* text) {
  return std::string("<span class=\"") + cls + "\">" + text + "</span>";
}

TEST(UiHighlight, KeysValuesAndComments) {
  EXPECT_EQ(highlight_yaml("replicaCount: 1\n"),
            span("yk", "replicaCount") + span("yp", ":") + " " + span("yn", "1") + "\n");
  EXPECT_EQ(highlight_yaml("name: nginx # the image"),
            span("yk", "name") + span("yp", ":") + " nginx " + span("yc", "# the image"));
  EXPECT_EQ(highlight_yaml("  enabled: false"),
            "  " + span("yk", "enabled") + span("yp", ":") + " " + span("yb", "false"));
  EXPECT_EQ(highlight_yaml("x: ~"), span("yk", "x") + span("yp", ":") + " " + span("yb", "~"));
  EXPECT_EQ(highlight_yaml("x: 'it''s'"),
            span("yk", "x") + span("yp", ":") + " " + span("ys", "&#39;it&#39;&#39;s&#39;"));
  EXPECT_EQ(highlight_yaml("\"a b\": \"c\\\"d\""), span("yk", "&quot;a b&quot;") + span("yp", ":") +
                                                       " " + span("ys", "&quot;c\\&quot;d&quot;"));
  EXPECT_EQ(highlight_yaml("url: http://x:80/#a"),
            span("yk", "url") + span("yp", ":") + " http://x:80/#a");
}

TEST(UiHighlight, Numbers) {
  for (const char* n :
       {"0", "-12", "3.5", "1e3", "+1.5E-3", "0x1F", "0o17", ".inf", "-.Inf", ".nan"}) {
    EXPECT_EQ(highlight_yaml(std::string("v: ") + n),
              span("yk", "v") + span("yp", ":") + " " + span("yn", n))
        << n;
  }
  for (const char* s : {"1.2.3", "v1", "1e", "0x", "12abc", "-"}) {
    EXPECT_EQ(highlight_yaml(std::string("v: ") + s).find("yn"), std::string::npos) << s;
  }
  EXPECT_EQ(highlight_yaml("v: TRUE"),
            span("yk", "v") + span("yp", ":") + " " + span("yb", "TRUE"));
  EXPECT_EQ(highlight_yaml("v: tRuE").find("yb"), std::string::npos);
}

TEST(UiHighlight, ListsAnchorsTagsAndFlow) {
  EXPECT_EQ(highlight_yaml("- a"), span("yp", "-") + " a");
  EXPECT_EQ(highlight_yaml("- name: x"),
            span("yp", "-") + " " + span("yk", "name") + span("yp", ":") + " x");
  EXPECT_EQ(highlight_yaml("base: &b !!map"), span("yk", "base") + span("yp", ":") + " " +
                                                  span("ya", "&amp;b") + " " + span("ya", "!!map"));
  EXPECT_EQ(highlight_yaml("<<: *b"),
            span("yk", "&lt;&lt;") + span("yp", ":") + " " + span("ya", "*b"));
  EXPECT_EQ(highlight_yaml("p: [1, a]"), span("yk", "p") + span("yp", ":") + " " + span("yp", "[") +
                                             span("yn", "1") + span("yp", ",") + " a" +
                                             span("yp", "]"));
  EXPECT_EQ(highlight_yaml("---"), span("yp", "---"));
  // A dash inside a word is not punctuation.
  EXPECT_EQ(highlight_yaml("a-b: c-d"), span("yk", "a-b") + span("yp", ":") + " c-d");
}

TEST(UiHighlight, BlockScalarsArePlain) {
  std::string yaml =
      "script: |-\n  echo \"a: b\" # not a comment\n\n  - x\nnext: 1\n- k: >\n    t: 1\n  z: 2\n";
  std::string html = highlight_yaml(yaml);
  EXPECT_EQ(text_of(html), yaml);
  EXPECT_NE(html.find(span("yp", "|-") + "\n  echo &quot;a: b&quot; # not a comment\n\n  - x\n"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find(span("yk", "next")), std::string::npos) << html;
  EXPECT_NE(html.find(span("yp", "&gt;") + "\n    t: 1\n  " + span("yk", "z")), std::string::npos)
      << html;
}

TEST(UiHighlight, MultiLineQuotedString) {
  std::string html = highlight_yaml("a: \"one\n  two\" # c\nb: 1");
  EXPECT_EQ(html, span("yk", "a") + span("yp", ":") + " " + span("ys", "&quot;one") + "\n" +
                      span("ys", "  two&quot;") + " " + span("yc", "# c") + "\n" + span("yk", "b") +
                      span("yp", ":") + " " + span("yn", "1"));
}

TEST(UiHighlight, EverythingIsEscapedAndKept) {
  std::string yaml =
      "<script>: \"</span><script>alert(1)</script>\"\n# <b>&amp;</b>\n'<i>': &<x> *<y>\n"
      "{{- if .Values.x }}\nk: {{ .Values.y | quote }}\n!<tag> x\n\"unterminated <\n";
  std::string html = highlight_yaml(yaml);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<x>"), std::string::npos) << html;
  EXPECT_EQ(text_of(html), yaml);
  EXPECT_EQ(std::count(html.begin(), html.end(), '\n'), std::count(yaml.begin(), yaml.end(), '\n'));
}

TEST(UiHighlight, InvalidUtf8AndCrlf) {
  std::string html = highlight_yaml("k: v\xFF\r\nn: 1\r\n");
  EXPECT_EQ(html, span("yk", "k") + span("yp", ":") + " v\xEF\xBF\xBD\r\n" + span("yk", "n") +
                      span("yp", ":") + " " + span("yn", "1") + "\r\n");
}

TEST(UiHighlight, LongInputIsCut) {
  std::string yaml;
  for (int i = 0; i < 100; ++i) yaml += "key" + std::to_string(i) + ": value\n";
  std::string html = highlight_yaml(yaml, 100);
  EXPECT_NE(html.find("key0"), std::string::npos);
  EXPECT_EQ(html.find("key50"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"ynote\">"), std::string::npos);
  EXPECT_EQ(highlight_yaml(yaml).find("ynote"), std::string::npos);
  // The 2 MiB default: a 3 MiB input is cut, and quickly.
  std::string big;
  while (big.size() < 3 * 1024 * 1024) big += "- {a: [1, \"x\", *r, &s y]} # c\n";
  std::string out = highlight_yaml(big);
  EXPECT_NE(out.find("ynote"), std::string::npos);
  EXPECT_LT(text_of(out).size(), big.size());
}

}  // namespace
}  // namespace ch::server::ui
