// Tests of server/ui/markdown.cpp: GFM rendering, no raw HTML, only safe link and image URLs,
// bounded time on hostile nesting.
#include "server/ui/markdown.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace ch::server::ui {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The output has no script element, no event handler attribute, and no URL attribute whose
// value starts with a dangerous scheme.
void expect_safe(const std::string& html) {
  std::string l = lower(html);
  EXPECT_EQ(l.find("<script"), std::string::npos) << html;
  // Inside tags (the raw '<' ... '>' the renderer wrote): no event handler.
  for (std::size_t at = l.find('<'); at != std::string::npos; at = l.find('<', at + 1)) {
    std::string tag = l.substr(at, l.find('>', at) - at);
    EXPECT_EQ(tag.find("onerror"), std::string::npos) << html;
    EXPECT_EQ(tag.find("onmouseover"), std::string::npos) << html;
    EXPECT_FALSE(tag.starts_with("<img src=x")) << html;
  }
  for (const char* attr : {"href=\"", "src=\""}) {
    std::size_t at = 0;
    while ((at = l.find(attr, at)) != std::string::npos) {
      at += std::string_view(attr).size();
      std::string value = l.substr(at, l.find('"', at) - at);
      value.erase(std::remove_if(value.begin(), value.end(),
                                 [](char c) { return c == '\t' || c == '\n' || c == ' '; }),
                  value.end());
      EXPECT_FALSE(value.starts_with("javascript") || value.starts_with("data") ||
                   value.starts_with("vbscript") || value.starts_with("file"))
          << html;
    }
  }
}

TEST(UiMarkdown, RendersGfm) {
  std::string html = render_markdown(
      "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```yaml\nkey: value\n```\n\n"
      "- [x] done\n- [ ] todo\n\nsee https://example.com/x and ~~old~~ **bold**\n");
  EXPECT_NE(html.find("<h1>Title</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>1</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<pre><code class=\"language-yaml\">key: value\n</code></pre>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("type=\"checkbox\" checked=\"\" disabled=\"\""), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://example.com/x\" rel=\"nofollow noopener\">"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<del>old</del>"), std::string::npos) << html;
  EXPECT_NE(html.find("<strong>bold</strong>"), std::string::npos) << html;
}

TEST(UiMarkdown, RawHtmlIsShownAsText) {
  std::string html = render_markdown("<script>alert(1)</script>\n\ntext <b>bold</b> end\n");
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("text &lt;b&gt;bold&lt;/b&gt; end"), std::string::npos) << html;
  expect_safe(html);
  html = render_markdown("<div>\n<img src=x onerror=alert(1)>\n</div>\n");
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << html;
  expect_safe(html);
  html = render_markdown("<a href=\"javascript:alert(1)\">x</a>\n");
  EXPECT_EQ(html.find("<a "), std::string::npos) << html;
  expect_safe(html);
}

TEST(UiMarkdown, DangerousLinksBecomeText) {
  for (const char* md :
       {"[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))", "[x](java&#9;script:alert(1))",
        "[x](<java\tscript:alert(1)>)", "[x](&#x20;javascript:alert(1))",
        "[x](&#x01;javascript:alert(1))", "[x](vbscript:msgbox)", "[x](data:text/html,hi)",
        "[x](file:///etc/passwd)", "[x](ftp://example.com)", "[x](javascript&colon;alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)", "<javascript:alert(1)>", "javascript:alert(1)",
        "www.example.com/<javascript:alert(1)>"}) {
    std::string html = render_markdown(md);
    expect_safe(html);
    if (std::string_view(md).starts_with("[x]")) {
      EXPECT_EQ(html.find("<a "), std::string::npos) << md << " -> " << html;
      EXPECT_NE(html.find("x"), std::string::npos) << md << " -> " << html;
    }
  }
}

TEST(UiMarkdown, SafeLinksStay) {
  EXPECT_NE(
      render_markdown("[a](http://x.org/p?q=1&r=2)").find("href=\"http://x.org/p?q=1&amp;r=2\""),
      std::string::npos);
  EXPECT_NE(render_markdown("[a](mailto:me@x.org)").find("href=\"mailto:me@x.org\""),
            std::string::npos);
  EXPECT_NE(render_markdown("[a](#install)").find("href=\"#install\""), std::string::npos);
  EXPECT_NE(
      render_markdown("[a](docs/x.md \"T\\\"q\")").find("href=\"docs/x.md\" title=\"T&quot;q\""),
      std::string::npos);
  // A quote in a URL cannot end the attribute.
  std::string html = render_markdown("[a](<http://x.org/\"onmouseover=alert(1)>)");
  EXPECT_NE(html.find("href=\"http://x.org/%22onmouseover=alert(1)\""), std::string::npos) << html;
}

TEST(UiMarkdown, RelativeLinksGoThroughTheResolver) {
  std::vector<std::string> seen;
  MarkdownOptions options;
  options.resolve_link = [&](std::string_view url) {
    seen.emplace_back(url);
    if (url == "drop.md") return std::string();
    if (url == "evil") return std::string("javascript:alert(1)");
    return "/ui/files/" + std::string(url);
  };
  std::string html = render_markdown(
      "[a](docs/a.md) [b](drop.md) [c](#frag) [d](https://x.org) [e](evil)", options);
  EXPECT_EQ(seen, (std::vector<std::string>{"docs/a.md", "drop.md", "evil"}));
  EXPECT_NE(html.find("href=\"/ui/files/docs/a.md\""), std::string::npos) << html;
  EXPECT_EQ(html.find("drop.md"), std::string::npos) << html;
  EXPECT_NE(html.find(" b "), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"#frag\""), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"https://x.org\""), std::string::npos) << html;
  expect_safe(html);
}

TEST(UiMarkdown, ImagesGoThroughTheResolver) {
  std::vector<std::string> seen;
  MarkdownOptions options;
  options.resolve_image = [&](std::string_view url) {
    seen.emplace_back(url);
    if (url == "img/logo.png") return std::string("/ui/blob/logo.png");
    if (url == "bad.png") return std::string("data:image/png;base64,AAAA");
    return std::string();
  };
  std::string html = render_markdown(
      "![logo](img/logo.png) ![gone *alt*](missing.png) ![b](bad.png) ![j](javascript:alert(1))",
      options);
  EXPECT_EQ(seen, (std::vector<std::string>{"img/logo.png", "missing.png", "bad.png",
                                            "javascript:alert(1)"}));
  EXPECT_NE(html.find("<img src=\"/ui/blob/logo.png\" alt=\"logo\" />"), std::string::npos) << html;
  EXPECT_NE(html.find("gone <em>alt</em>"), std::string::npos) << html;
  EXPECT_EQ(html.find("missing.png"), std::string::npos) << html;
  EXPECT_EQ(html.find("data:"), std::string::npos) << html;
  expect_safe(html);
}

TEST(UiMarkdown, WithoutResolverOnlyHttpImages) {
  std::string html = render_markdown(
      "![a](https://x.org/a.png) ![b](b.png) ![c](data:image/png;base64,AAAA) "
      "![d](javascript:alert(1)) ![e](//x.org/e.png)");
  EXPECT_NE(html.find("<img src=\"https://x.org/a.png\""), std::string::npos) << html;
  EXPECT_EQ(html.find("<img", html.find("<img") + 1), std::string::npos) << html;
  EXPECT_NE(html.find(" b "), std::string::npos) << html;  // the alt text of a dropped image
  EXPECT_EQ(html.find("b.png"), std::string::npos) << html;
  expect_safe(html);
}

TEST(UiMarkdown, LinksInTableCellsAndStrikethrough) {
  MarkdownOptions options;
  options.resolve_link = [](std::string_view url) { return "/ui/" + std::string(url); };
  std::string html = render_markdown(
      "| a | b |\n|---|---|\n| [d](x.md) | [j](javascript:alert(1)) <i>t</i> |\n\n"
      "~~[s](https://x.org/s)~~\n",
      options);
  // A table cell cannot hold the custom node that adds rel: the link stays a plain <a>.
  EXPECT_NE(html.find("<td><a href=\"/ui/x.md\">d</a></td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>j &lt;i&gt;t&lt;/i&gt;</td>"), std::string::npos) << html;
  EXPECT_NE(html.find(">s</a></del>"), std::string::npos) << html;
  expect_safe(html);
}

TEST(UiMarkdown, ImageInsideADroppedLink) {
  std::string html = render_markdown("[![i](https://x.org/i.png)](javascript:alert(1))");
  EXPECT_NE(html.find("<img src=\"https://x.org/i.png\""), std::string::npos) << html;
  EXPECT_EQ(html.find("<a "), std::string::npos) << html;
  expect_safe(html);
}

TEST(UiMarkdown, UrlChecks) {
  EXPECT_TRUE(url_is_safe_link("https://x"));
  EXPECT_TRUE(url_is_safe_link("HTTP://x"));
  EXPECT_TRUE(url_is_safe_link("a/b:c"));
  EXPECT_TRUE(url_is_safe_link("?q=a:b"));
  EXPECT_FALSE(url_is_safe_link(" \x01java\nscript:x"));
  EXPECT_FALSE(url_is_safe_link("foo:bar"));
  EXPECT_FALSE(url_is_safe_link(":x"));
  EXPECT_FALSE(url_is_safe_link(std::string("a\0b", 3)));
  EXPECT_TRUE(url_is_relative("docs/x.md"));
  EXPECT_FALSE(url_is_relative("mailto:x"));
  EXPECT_TRUE(url_is_safe_image("https://x/y.png", false));
  EXPECT_TRUE(url_is_safe_image("HTTP://x/y.png", false));
  EXPECT_FALSE(url_is_safe_image(" https://x/y.png", false));
  EXPECT_FALSE(url_is_safe_image("ht\ttps://x/y.png", false));
  EXPECT_FALSE(url_is_safe_image("y.png", false));
  EXPECT_TRUE(url_is_safe_image("y.png", true));
  EXPECT_FALSE(url_is_safe_image("#y", true));
  EXPECT_FALSE(url_is_safe_image("mailto:x", true));
}

TEST(UiMarkdown, LongInputIsCutAtALine) {
  MarkdownOptions options;
  options.max_bytes = 100;
  std::string md;
  for (int i = 0; i < 20; ++i) md += "line" + std::to_string(i) + "\n\n";
  std::string html = render_markdown(md, options);
  EXPECT_NE(html.find("line0"), std::string::npos);
  EXPECT_EQ(html.find("line19"), std::string::npos);
  EXPECT_NE(html.find("class=\"truncated\""), std::string::npos);
  EXPECT_EQ(render_markdown("short\n", options).find("truncated"), std::string::npos);
}

double seconds_for(const std::string& md) {
  auto start = std::chrono::steady_clock::now();
  std::string html = render_markdown(md);
  expect_safe(html);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(UiMarkdown, HostileNestingFinishesQuickly) {
  EXPECT_LT(seconds_for(std::string(50000, '>') + " x\n"), 2.0);
  EXPECT_LT(seconds_for(std::string(50000, '[')), 2.0);
  EXPECT_LT(seconds_for(std::string(50000, '*') + "x" + std::string(50000, '*')), 2.0);
  EXPECT_LT(seconds_for(std::string(30000, '[') + "a" + std::string(30000, ']') + "(b)"), 2.0);
  std::string lists;
  for (int i = 0; i < 5000; ++i)
    lists += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- x\n";
  EXPECT_LT(seconds_for(lists), 2.0);
  // A table of 1000 x 1000 cells is 2 MB: cut to 512 KiB, still a table.
  std::string table;
  for (int c = 0; c < 1000; ++c) table += "| a ";
  table += "|\n";
  for (int c = 0; c < 1000; ++c) table += "|---";
  table += "|\n";
  for (int r = 0; r < 1000; ++r) {
    for (int c = 0; c < 1000; ++c) table += "| " + std::to_string(c % 10) + " ";
    table += "|\n";
  }
  EXPECT_LT(seconds_for(table), 5.0);
  // Many short table rows with few cells each, and the empty-cell pattern.
  std::string pipes = "a|b\n-|-\n";
  for (int r = 0; r < 20000; ++r) pipes += "|\n";
  EXPECT_LT(seconds_for(pipes), 2.0);
}

}  // namespace
}  // namespace ch::server::ui
