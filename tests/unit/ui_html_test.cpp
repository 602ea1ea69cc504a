// Tests of server/ui/html.cpp: HTML escaping of untrusted text, invalid UTF-8 replaced.
#include "server/ui/html.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ch::server::ui {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(UiHtml, EscapesTheFiveCharacters) {
  EXPECT_EQ(escape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(escape("plain text 123"), "plain text 123");
  EXPECT_EQ(escape(""), "");
  EXPECT_EQ(escape("&amp;"), "&amp;amp;");
}

TEST(UiHtml, AppendKeepsWhatIsThere) {
  std::string out = "<b>";
  append_escaped(out, "<i>");
  EXPECT_EQ(out, "<b>&lt;i&gt;");
}

TEST(UiHtml, ValidUtf8PassesThrough) {
  std::string s = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80";  // é € 😀
  EXPECT_EQ(escape(s), s);
}

TEST(UiHtml, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(escape("a\xFF"
                   "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(escape("\xC0\xBC"), kFffd + kFffd);                          // overlong '<'
  EXPECT_EQ(escape("\xE0\x80\xBC"), kFffd + kFffd + kFffd);              // overlong, 3 bytes
  EXPECT_EQ(escape("\xED\xA0\x80"), kFffd + kFffd + kFffd);              // surrogate U+D800
  EXPECT_EQ(escape("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // past U+10FFFF
  EXPECT_EQ(escape("x\xE2\x82"), "x" + kFffd + kFffd);                   // truncated at the end
  EXPECT_EQ(escape("\xC3<"), kFffd + "&lt;");  // a lead byte does not eat '<'
  EXPECT_EQ(escape(std::string("a\0b", 3)), "a" + kFffd + "b");
}

TEST(UiHtml, Utf8PrefixCutsAtACharacter) {
  std::string s =
      "ab\xE2\x82\xAC"
      "c";
  EXPECT_EQ(utf8_prefix(s, 2), "ab");
  EXPECT_EQ(utf8_prefix(s, 3), "ab");
  EXPECT_EQ(utf8_prefix(s, 4), "ab");
  EXPECT_EQ(utf8_prefix(s, 5), "ab\xE2\x82\xAC");
  EXPECT_EQ(utf8_prefix(s, 100), s);
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC"), 3u);
  EXPECT_EQ(utf8_sequence_length("\x80"), 0u);
}

}  // namespace
}  // namespace ch::server::ui
