#include "gocompat/gojson.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace ch::gojson {
namespace {

using Json = nlohmann::ordered_json;

// Length of the valid UTF-8 sequence starting at s[i], or 0 if Go would decode RuneError/1 there.
size_t utf8_seq_len(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> unsigned {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  const unsigned b0 = at(i);
  if (b0 < 0x80) return 1;
  auto cont = [&](size_t k, unsigned lo, unsigned hi) {
    const unsigned b = at(k);
    return k < s.size() && b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xBF) && cont(i + 3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"':
        case '\\':
          out += '\\';
          out += static_cast<char>(b);
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (b < 0x20 || b == '<' || b == '>' || b == '&') {
            out += "\\u00";
            out += kHex[b >> 4];
            out += kHex[b & 0xF];
          } else {
            out += static_cast<char>(b);
          }
      }
      ++i;
      continue;
    }
    const size_t n = utf8_seq_len(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
    if (n == 3 && b == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      out += "\\u202";
      out += kHex[static_cast<unsigned char>(s[i + 2]) & 0xF];
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
}

std::string base64(const Json::binary_t& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = bytes[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Shortest decimal digits of |f| and the decimal point position: |f| = 0.DIGITS × 10^dp.
struct Digits {
  std::string digits;
  int dp = 0;
};

Digits shortest_digits(double f) {
  char buf[64];
  const auto res =
      std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific);
  const std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = text.find('e');
  Digits d;
  for (char c : text.substr(0, e)) {
    if (c != '.') d.digits += c;
  }
  int exp = 0;
  std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exp);
  d.dp = exp + 1;
  return d;
}

void append_fmt_e(std::string& out, const Digits& d) {
  out += d.digits[0];
  if (d.digits.size() > 1) {
    out += '.';
    out.append(d.digits, 1);
  }
  int exp = d.dp - 1;
  out += 'e';
  out += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10) out += '0';
  out += std::to_string(exp);
}

void append_fmt_f(std::string& out, const Digits& d) {
  const int nd = static_cast<int>(d.digits.size());
  if (d.dp > 0) {
    for (int i = 0; i < d.dp; ++i) out += i < nd ? d.digits[i] : '0';
  } else {
    out += '0';
  }
  const int prec = std::max(nd - d.dp, 0);
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      const int k = d.dp + i - 1;
      out += k >= 0 && k < nd ? d.digits[k] : '0';
    }
  }
}

void check_finite(double f) {
  if (std::isnan(f)) throw Error(ErrorCode::kInvalidArgument, "json: unsupported value: NaN");
  if (std::isinf(f)) {
    throw Error(ErrorCode::kInvalidArgument,
                f > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf");
  }
}

struct Layout {
  bool pretty = false;
  std::string_view indent;
};

void newline(std::string& out, std::string_view indent, size_t depth) {
  out += '\n';
  for (size_t i = 0; i < depth; ++i) out.append(indent);
}

// Writes a scalar, an empty container, or the opening bracket of a container (returning true:
// its members follow).
bool open_value(std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      out += "null";
      return false;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return false;
    case Json::value_t::number_integer:
      out += std::to_string(v.get<std::int64_t>());
      return false;
    case Json::value_t::number_unsigned:
      out += std::to_string(v.get<std::uint64_t>());
      return false;
    case Json::value_t::number_float:
      out += format_float(v.get<double>());
      return false;
    case Json::value_t::string:
      append_string(out, v.get_ref<const std::string&>());
      return false;
    case Json::value_t::binary:
      append_string(out, base64(v.get_binary()));
      return false;
    case Json::value_t::array:
      out += v.empty() ? "[]" : "[";
      return !v.empty();
    case Json::value_t::object:
      out += v.empty() ? "{}" : "{";
      return !v.empty();
    case Json::value_t::discarded:
      break;
  }
  throw Error(ErrorCode::kInvalidArgument, "json: cannot marshal a discarded value");
}

// Iterative, so that nesting depth is limited by memory only, as with Go's growable stacks.
void append_value(std::string& out, const Json& root, const Layout& layout) {
  struct Frame {
    const Json* v;
    Json::const_iterator it;
  };
  std::vector<Frame> stack;
  if (open_value(out, root)) stack.push_back({&root, root.cbegin()});
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.it == f.v->cend()) {
      if (layout.pretty) newline(out, layout.indent, stack.size() - 1);
      out += f.v->is_array() ? ']' : '}';
      stack.pop_back();
      continue;
    }
    if (f.it != f.v->cbegin()) out += ',';
    if (layout.pretty) newline(out, layout.indent, stack.size());
    if (f.v->is_object()) {
      append_string(out, f.it.key());
      out += layout.pretty ? ": " : ":";
    }
    const Json& child = *f.it;
    ++f.it;
    if (open_value(out, child)) stack.push_back({&child, child.cbegin()});
  }
}

}  // namespace

std::string format_float(double f) {
  check_finite(f);
  std::string out;
  if (std::signbit(f)) out += '-';
  if (f == 0) {
    out += '0';
    return out;
  }
  const Digits d = shortest_digits(f);
  const double abs = std::fabs(f);
  if (abs < 1e-6 || abs >= 1e21) {
    append_fmt_e(out, d);
    // Go's encoding/json shortens a two-digit negative exponent: e-07 → e-7.
    const size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') {
      out[n - 2] = out[n - 1];
      out.pop_back();
    }
  } else {
    append_fmt_f(out, d);
  }
  return out;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_seq_len(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string marshal(const nlohmann::ordered_json& doc) {
  std::string out;
  append_value(out, doc, Layout{});
  return out;
}

std::string marshal_indent(const nlohmann::ordered_json& doc, std::string_view indent) {
  std::string out;
  append_value(out, doc, Layout{true, indent});
  return out;
}

}  // namespace ch::gojson
