#include "server/ui/highlight.hpp"

#include "server/ui/html.hpp"

namespace ch::server::ui {

namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}
bool is_flow(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f');
}

bool is_bool_or_null(std::string_view s) {
  if (s == "~") return true;
  if (s.size() > 5) return false;
  std::string l;
  for (char c : s) l += lower(c);
  // Only the spellings YAML knows: all lower, Capitalised or ALL UPPER.
  bool known = l == "true" || l == "false" || l == "null" || l == "yes" || l == "no" || l == "on" ||
               l == "off";
  if (!known) return false;
  std::string cap = l, upper;
  cap[0] = static_cast<char>(cap[0] - 'a' + 'A');
  for (char c : l) upper += static_cast<char>(c - 'a' + 'A');
  return s == l || s == cap || s == upper;
}

bool is_number(std::string_view s) {
  if (s.empty()) return false;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') i = 1;
  std::string_view r = s.substr(i);
  if (r == ".inf" || r == ".Inf" || r == ".INF") return true;
  if (i == 0 && r.size() > 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'o')) {
    for (std::size_t j = 2; j < r.size(); ++j) {
      if (r[1] == 'x' ? !is_hex(r[j]) : !(r[j] >= '0' && r[j] <= '7')) return false;
    }
    return true;
  }
  std::size_t j = 0, digits = 0;
  while (j < r.size() && is_digit(r[j])) ++j, ++digits;
  if (j < r.size() && r[j] == '.') {
    ++j;
    while (j < r.size() && is_digit(r[j])) ++j, ++digits;
  }
  if (digits == 0) return false;
  if (j < r.size() && (r[j] == 'e' || r[j] == 'E')) {
    ++j;
    if (j < r.size() && (r[j] == '-' || r[j] == '+')) ++j;
    std::size_t exp = 0;
    while (j < r.size() && is_digit(r[j])) ++j, ++exp;
    if (exp == 0) return false;
  }
  return j == r.size();
}

class Lexer {
 public:
  explicit Lexer(std::string& out) : out_(out) {}

  void line(std::string_view l) {
    line_ = l;
    pos_ = 0;
    key_col_ = std::string_view::npos;
    if (quote_ != 0) {
      std::size_t end = quoted_end(0, quote_);
      if (end == std::string_view::npos) {
        span("ys", line_);
        return;
      }
      span("ys", line_.substr(0, end));
      pos_ = end;
      quote_ = 0;
    }
    std::size_t indent = 0;
    while (indent < line_.size() && is_ws(line_[indent])) ++indent;
    if (block_indent_ != std::string_view::npos) {
      if (indent == line_.size() || indent > block_indent_) {
        plain(line_);
        return;
      }
      block_indent_ = std::string_view::npos;
    }
    if (pos_ == 0 && (l.starts_with("---") || l.starts_with("...")) &&
        (l.size() == 3 || is_ws(l[3]))) {
      span("yp", l.substr(0, 3));
      pos_ = 3;
    } else if (pos_ == 0 && l.starts_with("%")) {
      span("ya", l);
      return;
    }
    bool block_scalar = false;
    while (pos_ < line_.size()) {
      char c = line_[pos_];
      char next = pos_ + 1 < line_.size() ? line_[pos_ + 1] : ' ';
      bool next_ends = is_ws(next) || (flow_ > 0 && is_flow(next));
      if (is_ws(c)) {
        std::size_t e = pos_;
        while (e < line_.size() && is_ws(line_[e])) ++e;
        emit_plain(e);
      } else if (c == '#' && (pos_ == 0 || is_ws(line_[pos_ - 1]))) {
        emit("yc", line_.size());
      } else if ((c == '-' || c == '?') && is_ws(next) && flow_ == 0) {
        emit("yp", pos_ + 1);
      } else if (c == ':' && next_ends) {
        emit("yp", pos_ + 1);
      } else if (c == '[' || c == '{') {
        ++flow_;
        emit("yp", pos_ + 1);
      } else if ((c == ']' || c == '}' || c == ',') && flow_ > 0) {
        if (c != ',') --flow_;
        emit("yp", pos_ + 1);
      } else if (c == '"' || c == '\'') {
        std::size_t end = quoted_end(pos_ + 1, c);
        if (end == std::string_view::npos) {
          quote_ = c;
          emit("ys", line_.size());
        } else {
          emit(is_key(end) ? "yk" : "ys", end);
        }
      } else if (c == '&' || c == '*' || c == '!') {
        std::size_t e = pos_ + 1;
        while (e < line_.size() && !is_ws(line_[e]) && !(is_flow(line_[e]) && flow_ > 0)) ++e;
        emit("ya", e);
      } else if ((c == '|' || c == '>') && block_indicator_end() != std::string_view::npos) {
        emit("yp", block_indicator_end());
        block_scalar = true;
      } else {
        scalar();
      }
    }
    if (block_scalar) block_indent_ = key_col_ != std::string_view::npos ? key_col_ : indent;
  }

 private:
  // The end (one past the closing quote) of a quoted string whose body starts at `from`.
  std::size_t quoted_end(std::size_t from, char q) const {
    for (std::size_t i = from; i < line_.size(); ++i) {
      if (q == '"' && line_[i] == '\\') {
        ++i;
      } else if (line_[i] == q) {
        if (q == '\'' && i + 1 < line_.size() && line_[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return std::string_view::npos;
  }

  // True when the token ending at `end` is followed by optional blanks and a ':' indicator.
  bool is_key(std::size_t end) {
    std::size_t i = end;
    while (i < line_.size() && is_ws(line_[i])) ++i;
    if (i >= line_.size() || line_[i] != ':') return false;
    bool ends =
        i + 1 == line_.size() || is_ws(line_[i + 1]) || (flow_ > 0 && is_flow(line_[i + 1]));
    if (ends) key_col_ = pos_;
    return ends;
  }

  // The end of a block scalar header (| or > with chomping/indentation indicators) at pos_,
  // or npos when what follows is not blank or a comment.
  std::size_t block_indicator_end() const {
    std::size_t e = pos_ + 1;
    while (e < line_.size() && e < pos_ + 3 &&
           (line_[e] == '-' || line_[e] == '+' || is_digit(line_[e]))) {
      ++e;
    }
    if (e < line_.size() && !is_ws(line_[e])) return std::string_view::npos;
    return e;
  }

  void scalar() {
    std::size_t e = pos_ + 1;
    while (e < line_.size()) {
      char c = line_[e];
      if (c == ':' &&
          (e + 1 == line_.size() || is_ws(line_[e + 1]) || (flow_ > 0 && is_flow(line_[e + 1])))) {
        break;
      }
      if (is_ws(c) && e + 1 < line_.size() && line_[e + 1] == '#') break;
      if (flow_ > 0 && is_flow(c)) break;
      ++e;
    }
    while (e > pos_ + 1 && is_ws(line_[e - 1])) --e;
    std::string_view text = line_.substr(pos_, e - pos_);
    if (e < line_.size() && line_[e] == ':') {
      key_col_ = pos_;
      emit("yk", e);
    } else if (is_bool_or_null(text)) {
      emit("yb", e);
    } else if (is_number(text)) {
      emit("yn", e);
    } else {
      emit_plain(e);
    }
  }

  void emit(const char* cls, std::size_t end) {
    span(cls, line_.substr(pos_, end - pos_));
    pos_ = end;
  }
  void emit_plain(std::size_t end) {
    plain(line_.substr(pos_, end - pos_));
    pos_ = end;
  }
  void span(const char* cls, std::string_view text) {
    if (text.empty()) return;
    out_ += "<span class=\"";
    out_ += cls;
    out_ += "\">";
    append_escaped(out_, text);
    out_ += "</span>";
  }
  void plain(std::string_view text) { append_escaped(out_, text); }

  std::string& out_;
  std::string_view line_;
  std::size_t pos_ = 0;
  std::size_t key_col_ = std::string_view::npos;       // column of the last key on this line
  std::size_t block_indent_ = std::string_view::npos;  // inside a block scalar: its parent's
  char quote_ = 0;        // a quoted string continues from the previous line
  std::size_t flow_ = 0;  // [ { nesting
};

}  // namespace

std::string highlight_yaml(std::string_view yaml) {
  return highlight_yaml(yaml, kMaxHighlightBytes);
}

std::string highlight_yaml(std::string_view yaml, std::size_t max_bytes) {
  std::string_view input = yaml;
  if (input.size() > max_bytes) {
    std::size_t nl = max_bytes == 0 ? std::string_view::npos : input.rfind('\n', max_bytes - 1);
    input = nl == std::string_view::npos ? utf8_prefix(input, max_bytes) : input.substr(0, nl + 1);
  }
  std::string out;
  out.reserve(input.size() + input.size() / 2);
  Lexer lexer(out);
  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t nl = input.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? input.size() : nl;
    lexer.line(input.substr(start, end - start));
    if (nl == std::string_view::npos) break;
    out += '\n';
    start = nl + 1;
  }
  if (input.size() < yaml.size()) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "<span class=\"ynote\"># cut: the file is longer than ";
    out += std::to_string(max_bytes);
    out += " bytes</span>\n";
  }
  return out;
}

}  // namespace ch::server::ui
