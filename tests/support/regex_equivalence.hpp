// Helpers for the unit tests that compare a linear matcher with the regular expression it
// replaced (helm/metadata.cpp's alias check, helm/lint.cpp's URL and e-mail checks): every
// short string over an alphabet, then many random strings built from pieces that matter.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace ch::testing {

// Random strings drawn from characters that matter to the patterns (and some that don't),
// with pieces that make the accepting paths likely.
class Strings {
 public:
  explicit Strings(unsigned seed) : rng_(seed) {}

  std::string next(size_t max_len) {
    static const std::vector<std::string> kPieces = {
        "http://",   "https://", "ftp://",
        "ws://",     "wss://",   "mailto:",
        "localhost", "user",     "user:pw@",
        ":",         "@",        ".",
        "..",        "-",        "_",
        "/",         "?",        "#",
        "[",         "]",        "::1",
        "[::1]",     "example",  ".com",
        "a-b",       "80",       "8080",
        "123456",    "x",        "Z",
        "9",         "+",        " ",
        "\t",        "\n",       "\v",
        "\f",        "\r",       std::string(1, '\0'),
        "\x80",      "\xC3\xA9", "\xFF",
        "!",         "~",        "'",
        "`",         "{",        "|",
        "}",         "=",        "^",
        "%",         "$",        "&",
        "*",         "a@b.c",
    };
    std::uniform_int_distribution<size_t> len(0, max_len);
    std::uniform_int_distribution<size_t> piece(0, kPieces.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> coin(0, 3);
    std::string s;
    size_t n = len(rng_);
    while (s.size() < n) {
      if (coin(rng_) == 0)
        s += static_cast<char>(byte(rng_));
      else
        s += kPieces[piece(rng_)];
    }
    return s;
  }

 private:
  std::mt19937 rng_;
};

// Every string of length <= max_len over `alphabet`.
inline std::vector<std::string> all_strings(std::string_view alphabet, size_t max_len) {
  std::vector<std::string> out = {""};
  size_t from = 0;
  for (size_t len = 1; len <= max_len; ++len) {
    size_t to = out.size();
    for (size_t i = from; i < to; ++i)
      for (char c : alphabet) out.push_back(out[i] + c);
    from = to;
  }
  return out;
}

template <typename Matcher>
inline void expect_same(const std::regex& re, Matcher&& matcher, std::string_view alphabet,
                        size_t exhaustive_len, unsigned seed, int random_count, size_t max_len,
                        size_t regex_len_limit, int min_accepted) {
  int accepted = 0;
  int checked = 0;
  auto check = [&](const std::string& s) {
    bool want = s.size() < regex_len_limit && std::regex_match(s, re);
    bool got = matcher(s);
    EXPECT_EQ(got, want) << "input: \"" << s << "\" (" << s.size() << " bytes)";
    accepted += want ? 1 : 0;
    ++checked;
  };
  for (const auto& s : all_strings(alphabet, exhaustive_len)) check(s);
  Strings gen(seed);
  for (int i = 0; i < random_count; ++i) check(gen.next(max_len));
  EXPECT_GE(accepted, min_accepted) << "of " << checked;
}

}  // namespace ch::testing
