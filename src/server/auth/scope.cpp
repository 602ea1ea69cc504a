#include "server/auth/scope.hpp"

#include <algorithm>

namespace ch::server::auth {

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool valid_type_value(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_lower_alnum);
}

bool valid_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '/' || c == ':';
}

void add_action(std::vector<std::string>& actions, std::string_view a) {
  if (std::find(actions.begin(), actions.end(), a) == actions.end()) actions.emplace_back(a);
}

}  // namespace

std::optional<Scope> Scope::parse(std::string_view text) {
  auto first = text.find(':');
  auto last = text.rfind(':');
  if (first == std::string_view::npos || first == last) return std::nullopt;
  std::string_view type = text.substr(0, first);
  std::string_view name = text.substr(first + 1, last - first - 1);
  std::string_view actions = text.substr(last + 1);

  // type, optionally followed by a "(class)" that is deprecated and ignored.
  if (auto paren = type.find('('); paren != std::string_view::npos) {
    if (!type.ends_with(')')) return std::nullopt;
    if (!valid_type_value(type.substr(paren + 1, type.size() - paren - 2))) return std::nullopt;
    type = type.substr(0, paren);
  }
  if (!valid_type_value(type)) return std::nullopt;
  if (name.empty() || !std::all_of(name.begin(), name.end(), valid_name_char)) return std::nullopt;
  if (name.front() == '/' || name.back() == '/' || name.back() == ':') return std::nullopt;

  Scope scope;
  scope.type = std::string(type);
  scope.name = std::string(name);
  while (true) {
    auto comma = actions.find(',');
    std::string_view a = actions.substr(0, comma);
    if (a == "*") {
      add_action(scope.actions, a);
    } else if (!a.empty()) {
      if (!std::all_of(a.begin(), a.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        return std::nullopt;
      add_action(scope.actions, a);
    }
    if (comma == std::string_view::npos) break;
    actions.remove_prefix(comma + 1);
  }
  if (scope.actions.empty()) return std::nullopt;
  return scope;
}

std::string Scope::str() const {
  std::string s = type + ":" + name + ":";
  for (size_t i = 0; i < actions.size(); ++i) {
    if (i > 0) s += ',';
    s += actions[i];
  }
  return s;
}

std::vector<Scope> parse_scope_list(std::string_view text, std::vector<std::string>* bad) {
  std::vector<Scope> out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(i, end - i);
    if (auto s = Scope::parse(item)) {
      out.push_back(std::move(*s));
    } else if (bad) {
      bad->emplace_back(item);
    }
    i = end;
  }
  return out;
}

std::vector<Scope> merge_scopes(const std::vector<Scope>& scopes) {
  std::vector<Scope> out;
  for (const auto& s : scopes) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Scope& o) { return o.type == s.type && o.name == s.name; });
    if (it == out.end()) {
      out.push_back(Scope{s.type, s.name, {}});
      it = out.end() - 1;
    }
    for (const auto& a : s.actions) add_action(it->actions, a);
  }
  return out;
}

std::string join_scopes(const std::vector<Scope>& scopes) {
  std::string s;
  for (const auto& scope : scopes) {
    if (!s.empty()) s += ' ';
    s += scope.str();
  }
  return s;
}

bool covers(const std::vector<Scope>& granted, const Scope& needed) {
  for (const auto& action : needed.actions) {
    bool ok = std::any_of(granted.begin(), granted.end(), [&](const Scope& g) {
      if (g.type != needed.type || g.name != needed.name) return false;
      return std::find(g.actions.begin(), g.actions.end(), "*") != g.actions.end() ||
             std::find(g.actions.begin(), g.actions.end(), action) != g.actions.end();
    });
    if (!ok) return false;
  }
  return true;
}

}  // namespace ch::server::auth
