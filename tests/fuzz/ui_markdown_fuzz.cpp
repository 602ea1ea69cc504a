// The web UI's Markdown rendering (server/ui/markdown.cpp, cmark-gfm) of a chart's README,
// with resolvers as the pages use them. Oracles: no <script element, no href or src whose value
// starts with a dangerous scheme (raw HTML and unsafe URLs must come out as escaped text), and
// the resolvers only ever see what the document wrote.
#include <string>

#include "fuzz.hpp"
#include "server/ui/markdown.hpp"

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// True when some attr="value" in the output starts (after whitespace) with `scheme`.
bool attribute_starts_with(const std::string& html, std::string_view attr,
                           std::string_view scheme) {
  std::size_t at = 0;
  while ((at = html.find(attr, at)) != std::string::npos) {
    at += attr.size();
    std::size_t i = at;
    while (i < html.size() && (html[i] == ' ' || html[i] == '\t' || html[i] == '\n')) ++i;
    if (html.compare(i, scheme.size(), scheme) == 0) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);
  ch::server::ui::MarkdownOptions options;
  options.max_bytes = 16384;
  options.resolve_image = [](std::string_view url) {
    // Relative images are served by the UI; some resolver answers are themselves unsafe.
    if (url.size() % 3 == 0) return std::string("javascript:alert(1)");
    return "/ui/file/" + std::string(url);
  };
  options.resolve_link = [](std::string_view url) {
    CH_FUZZ_CHECK(ch::server::ui::url_is_relative(url));
    if (url.size() % 5 == 0) return std::string();
    return "/ui/doc/" + std::string(url);
  };
  std::string html;
  ch::fuzz::refuses([&] { html = ch::server::ui::render_markdown(in, options); });
  std::string l = lower(html);
  CH_FUZZ_CHECK(l.find("<script") == std::string::npos);
  CH_FUZZ_CHECK(l.find("<iframe") == std::string::npos);
  CH_FUZZ_CHECK(l.find("<style") == std::string::npos);
  for (std::string_view attr : {"href=\"", "src=\""}) {
    for (std::string_view scheme : {"javascript", "vbscript", "data:", "file:"}) {
      CH_FUZZ_CHECK(!attribute_starts_with(l, attr, scheme));
    }
  }
  // Without resolvers: only http(s) images.
  std::string plain;
  ch::fuzz::refuses([&] { plain = ch::server::ui::render_markdown(in.substr(0, 4096)); });
  std::string pl = lower(plain);
  CH_FUZZ_CHECK(pl.find("<script") == std::string::npos);
  std::size_t at = 0;
  while ((at = pl.find("<img src=\"", at)) != std::string::npos) {
    at += 10;
    CH_FUZZ_CHECK(pl.compare(at, 5, "http:") == 0 || pl.compare(at, 6, "https:") == 0);
  }
  return 0;
}
