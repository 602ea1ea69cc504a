#include "client/challenge.hpp"

#include <cctype>

namespace ch::client {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

// RFC 7230 tchar.
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Challenge parse_challenge(std::string_view header) {
  Challenge c;
  if (header.size() > kMaxChallengeLength) return c;
  size_t i = 0;
  const size_t n = header.size();
  auto skip_space = [&] {
    while (i < n && is_space(header[i])) ++i;
  };
  auto token = [&] {
    size_t start = i;
    while (i < n && is_tchar(header[i])) ++i;
    return header.substr(start, i - start);
  };
  skip_space();
  c.scheme = lower(token());
  if (c.scheme.empty()) return c;
  // auth-param *( OWS "," OWS auth-param ); every step below consumes input or returns.
  while (c.params.size() < kMaxChallengeParams) {
    skip_space();
    std::string_view key = token();
    if (key.empty()) return c;
    skip_space();
    if (i >= n || header[i] != '=') return c;
    ++i;
    skip_space();
    if (i >= n) return c;
    std::string value;
    if (header[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        char ch = header[i++];
        if (ch == '"') {
          closed = true;
          break;
        }
        if (ch == '\\') {
          if (i >= n) break;
          ch = header[i++];
        }
        value += ch;
      }
      if (!closed) return c;  // unterminated quoted-string: dropped, as oras-go does
    } else {
      value = std::string(token());
    }
    c.params[lower(key)] = std::move(value);
    skip_space();
    if (i >= n || header[i] != ',') return c;
    ++i;
  }
  return c;
}

}  // namespace ch::client
