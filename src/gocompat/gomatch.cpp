#include "gocompat/gomatch.hpp"

#include <string>

#include "base/error.hpp"

namespace ch {

namespace {

struct BadPattern {};

// Decodes one UTF-8 rune; invalid bytes decode as U+FFFD of length 1 (Go's RuneError).
char32_t decode(std::string_view s, size_t* n) {
  auto c = static_cast<unsigned char>(s[0]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || len > s.size()) {
    *n = 1;
    return c < 0x80 ? c : 0xFFFD;
  }
  char32_t r = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t i = 1; i < len; ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) {
      *n = 1;
      return 0xFFFD;
    }
    r = (r << 6) | (b & 0x3F);
  }
  *n = len;
  return r;
}

void scan_chunk(std::string_view& pattern, bool* star, std::string_view* chunk) {
  *star = false;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    *star = true;
  }
  bool inrange = false;
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      inrange = true;
    } else if (c == ']') {
      inrange = false;
    } else if (c == '*' && !inrange) {
      break;
    }
  }
  *chunk = pattern.substr(0, i);
  pattern.remove_prefix(i);
}

char32_t get_esc(std::string_view& chunk) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') throw BadPattern{};
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) throw BadPattern{};
  }
  size_t n = 0;
  char32_t r = decode(chunk, &n);
  if (r == 0xFFFD && n == 1 && static_cast<unsigned char>(chunk[0]) >= 0x80) throw BadPattern{};
  chunk.remove_prefix(n);
  if (chunk.empty()) throw BadPattern{};
  return r;
}

// Matches chunk against the start of s. Returns whether it matched and sets rest.
// Keeps validating the chunk after a mismatch so bad patterns always raise.
bool match_chunk(std::string_view chunk, std::string_view s, std::string_view* rest) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        char32_t r = 0;
        if (!failed) {
          size_t n = 0;
          r = decode(s, &n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool match = false;
        int nrange = 0;
        while (true) {
          if (!chunk.empty() && chunk[0] == ']' && nrange > 0) {
            chunk.remove_prefix(1);
            break;
          }
          char32_t lo = get_esc(chunk);
          char32_t hi = lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            hi = get_esc(chunk);
          }
          if (lo <= r && r <= hi) match = true;
          ++nrange;
        }
        if (match == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] == '/') failed = true;
          size_t n = 0;
          decode(s, &n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) throw BadPattern{};
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != s[0]) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  if (failed) return false;
  *rest = s;
  return true;
}

bool match_impl(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    bool star = false;
    std::string_view chunk;
    scan_chunk(pattern, &star, &chunk);
    if (star && chunk.empty()) return name.find('/') == std::string_view::npos;
    std::string_view t;
    bool ok = match_chunk(chunk, name, &t);
    if (ok && (t.empty() || !pattern.empty())) {
      name = t;
      continue;
    }
    bool advanced = false;
    if (star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        if (match_chunk(chunk, name.substr(i + 1), &t)) {
          if (pattern.empty() && !t.empty()) continue;
          name = t;
          advanced = true;
          break;
        }
      }
    }
    if (advanced) continue;
    while (!pattern.empty()) {  // validate the rest before answering "no"
      scan_chunk(pattern, &star, &chunk);
      match_chunk(chunk, "", &t);
    }
    return false;
  }
  return name.empty();
}

}  // namespace

bool go_match(std::string_view pattern, std::string_view name) {
  try {
    return match_impl(pattern, name);
  } catch (const BadPattern&) {
    throw Error(ErrorCode::kInvalidArgument, "syntax error in pattern");
  }
}

bool go_pattern_valid(std::string_view pattern) {
  try {
    match_impl(pattern, "abc");
    return true;
  } catch (const BadPattern&) {
    return false;
  }
}

}  // namespace ch
