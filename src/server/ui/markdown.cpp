#include "server/ui/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "server/ui/html.hpp"

namespace ch::server::ui {

namespace {

enum class Scheme { kNone, kHttp, kMailto, kOther };

// The scheme of `url` as a browser's URL parser would see it.
Scheme scheme_of(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  std::string scheme;
  for (; i < url.size(); ++i) {
    char c = url[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == ':') break;
    if (c == '/' || c == '?' || c == '#') return Scheme::kNone;
    if (scheme.size() < 16) {
      scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else {
      scheme += '?';  // long: not one we allow (but still a scheme if a ':' follows)
      scheme.resize(17);
    }
  }
  if (i == url.size()) return Scheme::kNone;
  if (scheme == "http" || scheme == "https") return Scheme::kHttp;
  if (scheme == "mailto") return Scheme::kMailto;
  return Scheme::kOther;  // including an empty scheme (":x") and anything odd
}

bool is_fragment(std::string_view url) {
  return !url.empty() && url[0] == '#';
}

// A cmark URL is NUL-terminated; a URL with a NUL (from a resolver) is refused.
bool has_nul(std::string_view s) {
  return s.find('\0') != std::string_view::npos;
}

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

// Moves the children of `node` in front of it and frees it: a link or image becomes its text.
// (A child the parent cannot hold stays, and goes with the node.)
void unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node)) {
    cmark_node_unlink(child);
    if (!cmark_node_insert_before(node, child)) {
      cmark_node_free(child);
    }
  }
  cmark_node_free(node);  // unlinks it
}

// Replaces a raw HTML node by the same text, shown escaped.
void html_to_text(cmark_node* node, bool block) {
  std::string literal = cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "";
  cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
  if (block) {
    while (!literal.empty() && (literal.back() == '\n' || literal.back() == '\r')) {
      literal.pop_back();
    }
    // A block becomes a paragraph of lines: each line a text node followed by a line break.
    cmark_node* para = cmark_node_new(CMARK_NODE_PARAGRAPH);
    std::size_t start = 0;
    while (start <= literal.size()) {
      std::size_t end = literal.find('\n', start);
      if (end == std::string::npos) end = literal.size();
      cmark_node* line = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(line, literal.substr(start, end - start).c_str());
      cmark_node_append_child(para, line);
      if (end == literal.size()) break;
      cmark_node_append_child(para, cmark_node_new(CMARK_NODE_LINEBREAK));
      start = end + 1;
    }
    cmark_node_free(text);
    if (!cmark_node_replace(node, para)) cmark_node_free(para);
  } else {
    cmark_node_set_literal(text, literal.c_str());
    if (!cmark_node_replace(node, text)) cmark_node_free(text);
  }
  cmark_node_free(node);  // unlinks it when it could not be replaced: dropped
}

// The href attribute value, as cmark's renderer writes it: characters outside a safe set are
// percent-encoded (an existing %XX stays), then & and ' are HTML-escaped; the result goes in
// double quotes, and " is always encoded as %22.
void append_href(std::string& out, std::string_view url) {
  static const char* kHex = "0123456789ABCDEF";
  for (std::size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-_.+!*(),%#@?=;:/$~[]").find(static_cast<char>(c)) !=
                    std::string_view::npos;
    if (c == '&') {
      out += "&amp;";
    } else if (c == '\'') {
      out += "&#x27;";
    } else if (keep && c != 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

// A link node becomes a custom inline whose opening and closing tags we write: the same as
// cmark's <a>, plus rel="nofollow noopener". Children stay and are rendered by cmark. Where
// the parent cannot hold a custom inline (a table cell), the link stays a link with `href`.
void replace_link(cmark_node* link, std::string_view href) {
  std::string open = "<a href=\"";
  append_href(open, href);
  open += '"';
  const char* title = cmark_node_get_title(link);
  if (title != nullptr && title[0] != '\0') {
    open += " title=\"";
    append_escaped(open, title);
    open += '"';
  }
  open += " rel=\"nofollow noopener\">";
  cmark_node* custom = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
  if (!cmark_node_insert_before(link, custom)) {
    cmark_node_free(custom);
    cmark_node_set_url(link, std::string(href).c_str());
    return;
  }
  cmark_node_set_on_enter(custom, open.c_str());
  cmark_node_set_on_exit(custom, "</a>");
  while (cmark_node* child = cmark_node_first_child(link)) {
    cmark_node_unlink(child);
    cmark_node_append_child(custom, child);
  }
  cmark_node_free(link);  // unlinks it
}

void attach(cmark_parser* parser, const char* name) {
  cmark_syntax_extension* ext = cmark_find_syntax_extension(name);
  if (ext != nullptr) cmark_parser_attach_syntax_extension(parser, ext);
}

std::string_view cut_at_line(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t nl = text.rfind('\n', max == 0 ? 0 : max - 1);
  if (nl == std::string_view::npos) return utf8_prefix(text, max);
  return text.substr(0, nl + 1);
}

}  // namespace

bool url_is_relative(std::string_view url) {
  return scheme_of(url) == Scheme::kNone;
}

bool url_is_safe_link(std::string_view url) {
  if (has_nul(url)) return false;
  Scheme s = scheme_of(url);
  return s == Scheme::kNone || s == Scheme::kHttp || s == Scheme::kMailto;
}

bool url_is_safe_image(std::string_view url, bool allow_relative) {
  if (has_nul(url) || url.empty()) return false;
  Scheme s = scheme_of(url);
  // Literally "http:" or "https:" at the start (no blanks or controls before or inside).
  if (s == Scheme::kHttp) {
    std::string head;
    for (char c : url.substr(0, 6)) head += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return head.starts_with("http:") || head.starts_with("https:");
  }
  return s == Scheme::kNone && allow_relative && !is_fragment(url);
}

std::string render_markdown(std::string_view markdown, const MarkdownOptions& options) {
  static const bool registered = [] {
    cmark_gfm_core_extensions_ensure_registered();
    return true;
  }();
  (void)registered;

  std::string_view input = cut_at_line(markdown, options.max_bytes);
  const int opts = CMARK_OPT_DEFAULT;  // safe: raw HTML and dangerous URLs are never output
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(opts));
  for (const char* name : {"table", "strikethrough", "autolink", "tasklist", "tagfilter"}) {
    attach(parser.get(), name);
  }
  cmark_parser_feed(parser.get(), input.data(), input.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));

  // Collect first, rewrite after: the iterator must not see nodes replaced under it.
  std::vector<cmark_node*> nodes;
  {
    std::unique_ptr<cmark_iter, IterDeleter> it(cmark_iter_new(doc.get()));
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
      if (ev != CMARK_EVENT_ENTER) continue;
      cmark_node* node = cmark_iter_get_node(it.get());
      switch (cmark_node_get_type(node)) {
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
          nodes.push_back(node);
          break;
        default:
          break;
      }
    }
  }
  // Each rewrite frees only the node itself (its children are moved out first), so the
  // other collected nodes stay valid whatever the order.
  for (cmark_node* node : nodes) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HTML_BLOCK:
        html_to_text(node, true);
        break;
      case CMARK_NODE_HTML_INLINE:
        html_to_text(node, false);
        break;
      case CMARK_NODE_LINK: {
        const char* raw = cmark_node_get_url(node);
        std::string url = raw ? raw : "";
        if (!url_is_safe_link(url)) {
          unwrap(node);
          break;
        }
        if (options.resolve_link && url_is_relative(url) && !is_fragment(url)) {
          url = options.resolve_link(url);
          if (url.empty() || !url_is_safe_link(url)) {
            unwrap(node);
            break;
          }
        }
        replace_link(node, url);
        break;
      }
      case CMARK_NODE_IMAGE: {
        const char* raw = cmark_node_get_url(node);
        std::string url = raw ? raw : "";
        bool keep;
        if (options.resolve_image) {
          url = options.resolve_image(url);
          keep = url_is_safe_image(url, true);
        } else {
          keep = url_is_safe_image(url, false);
        }
        if (keep) {
          cmark_node_set_url(node, url.c_str());
        } else {
          unwrap(node);
        }
        break;
      }
      default:
        break;
    }
  }

  char* html = cmark_render_html(doc.get(), opts, cmark_parser_get_syntax_extensions(parser.get()));
  std::string out = html ? html : "";
  std::free(html);
  if (input.size() < markdown.size()) {
    out += "<p class=\"truncated\">This document is longer than ";
    out += std::to_string(options.max_bytes);
    out += " bytes; the rest is not shown.</p>\n";
  }
  return out;
}

}  // namespace ch::server::ui
