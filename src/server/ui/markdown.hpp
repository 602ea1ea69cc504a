// GitHub-flavoured Markdown (README.md of a chart) to HTML for the web UI, through cmark-gfm,
// with every raw HTML fragment shown as text and every link and image URL checked.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ch::server::ui {

struct MarkdownOptions {
  // Called for every image URL (relative or absolute) as written in the document; returns
  // the URL to put in src, or "" to drop the image (its alt text stays as plain text).
  std::function<std::string(std::string_view url)> resolve_image;
  // Called for every link URL that is relative (no scheme, not starting with '#'); returns
  // the href to use, or "" to render the link's text without a link. Absent: kept as is.
  std::function<std::string(std::string_view url)> resolve_link;
  std::size_t max_bytes =
      512 * 1024;  // longer input is cut there (at a line boundary) and a note appended
};

// Extensions: table, strikethrough, autolink, tasklist, tagfilter. Raw HTML (blocks and
// inline) is rendered as escaped text. Links survive only with http:, https:, mailto:, a
// fragment or a relative URL (anything else renders as the link's text) and carry
// rel="nofollow noopener"; images only with what resolve_image returns (when unset: http(s)
// URLs), and never with a data:, javascript: or other scheme. A resolver's answer is checked
// the same way. Fenced code blocks render as <pre><code class="language-x">.
std::string render_markdown(std::string_view markdown, const MarkdownOptions& options = {});

// The URL checks of render_markdown (exposed for tests and the pages). A URL's scheme is read
// as a browser would: leading C0 controls and spaces skipped, tabs and newlines ignored,
// case-insensitive. True when `url` has no scheme (a relative URL or a fragment).
bool url_is_relative(std::string_view url);
// True for http:, https:, mailto:, fragments and relative URLs.
bool url_is_safe_link(std::string_view url);
// True for URLs that start with http: or https: (and, when allow_relative, relative URLs;
// never a fragment alone).
bool url_is_safe_image(std::string_view url, bool allow_relative);

}  // namespace ch::server::ui
