#include "helm/helmignore.hpp"

#include "base/error.hpp"
#include "gocompat/gomatch.hpp"

namespace ch::helm {

namespace {

std::string_view trim_space(std::string_view s) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

IgnoreRules IgnoreRules::parse(std::string_view text) {
  IgnoreRules rules;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    rules.add(line);
  }
  return rules;
}

void IgnoreRules::add_defaults() {
  add("templates/.?*");
}

void IgnoreRules::add(std::string_view rule) {
  rule = trim_space(rule);
  if (rule.empty() || rule[0] == '#') return;
  if (rule.find("**") != std::string_view::npos)
    throw Error(ErrorCode::kInvalidChart, "double-star (**) syntax is not supported");
  if (!go_pattern_valid(rule)) throw Error(ErrorCode::kInvalidChart, "syntax error in pattern");
  Pattern p;
  if (rule[0] == '!') {
    p.negate = true;
    rule.remove_prefix(1);
  }
  if (!rule.empty() && rule.back() == '/') {
    p.must_dir = true;
    rule.remove_suffix(1);
  }
  if (!rule.empty() && rule[0] == '/') {
    p.kind = Pattern::Kind::kPath;
    rule.remove_prefix(1);
  } else if (rule.find('/') != std::string_view::npos) {
    p.kind = Pattern::Kind::kPath;
  }
  p.glob = std::string(rule);
  patterns_.push_back(std::move(p));
}

bool IgnoreRules::ignored(std::string_view path, bool is_dir) const {
  if (path.empty() || path == "." || path == "./") return false;
  for (const auto& p : patterns_) {
    std::string_view subject = path;
    if (p.kind == Pattern::Kind::kBasename) {
      // Go's filepath.Base: last element after trimming trailing slashes.
      while (subject.size() > 1 && subject.back() == '/') subject.remove_suffix(1);
      auto slash = subject.rfind('/');
      if (slash != std::string_view::npos) subject.remove_prefix(slash + 1);
    }
    bool match = go_match(p.glob, subject);
    if (p.negate) {
      if (p.must_dir && !is_dir) return true;
      if (!match) return true;
      continue;
    }
    if (p.must_dir && !is_dir) continue;
    if (match) return true;
  }
  return false;
}

}  // namespace ch::helm
