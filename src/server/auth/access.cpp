#include "server/auth/access.hpp"

#include <algorithm>
#include <cstdint>

#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/yamlconv.hpp"

namespace ch::server::auth {

namespace {

using json = nlohmann::ordered_json;

constexpr std::uint64_t kMaxFileBytes = 16 << 20;
constexpr std::string_view kRepoActions[] = {"pull", "push", "delete"};

// One compiled pattern element.
struct Tok {
  enum Kind { kLiteral, kAnyOne, kStar, kClass } kind = kLiteral;
  char c = 0;
  bool negate = false;
  std::vector<std::pair<char, char>> ranges;

  bool matches(char ch) const {
    switch (kind) {
      case kLiteral:
        return ch == c;
      case kAnyOne:
        return true;
      case kClass: {
        bool in = std::any_of(ranges.begin(), ranges.end(),
                              [&](const auto& r) { return r.first <= ch && ch <= r.second; });
        return in != negate;
      }
      case kStar:
        return false;
    }
    return false;
  }
};

[[noreturn]] void bad_pattern(std::string_view pattern, std::string_view why) {
  throw Error(ErrorCode::kInvalidArgument,
              "invalid repository pattern \"" + std::string(pattern) + "\": " + std::string(why));
}

// A class character: a plain character or "\x"; '-' and ']' must be escaped (as in Go).
char class_char(std::string_view pattern, size_t& i) {
  if (i >= pattern.size()) bad_pattern(pattern, "unterminated character class");
  char c = pattern[i];
  if (c == '-' || c == ']') bad_pattern(pattern, "unescaped '-' or ']' in character class");
  if (c == '\\') {
    if (++i >= pattern.size()) bad_pattern(pattern, "trailing '\\'");
    c = pattern[i];
  }
  ++i;
  return c;
}

std::vector<Tok> compile(std::string_view pattern) {
  std::vector<Tok> toks;
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    Tok t;
    if (c == '*') {
      ++i;
      if (!toks.empty() && toks.back().kind == Tok::kStar) continue;  // "**" is "*"
      t.kind = Tok::kStar;
    } else if (c == '?') {
      ++i;
      t.kind = Tok::kAnyOne;
    } else if (c == '\\') {
      if (i + 1 >= pattern.size()) bad_pattern(pattern, "trailing '\\'");
      t.c = pattern[i + 1];
      i += 2;
    } else if (c == '[') {
      ++i;
      t.kind = Tok::kClass;
      if (i < pattern.size() && pattern[i] == '^') {
        t.negate = true;
        ++i;
      }
      while (true) {
        if (i >= pattern.size()) bad_pattern(pattern, "unterminated character class");
        if (pattern[i] == ']' && !t.ranges.empty()) {
          ++i;
          break;
        }
        char lo = class_char(pattern, i);
        char hi = lo;
        if (i < pattern.size() && pattern[i] == '-') {
          ++i;
          hi = class_char(pattern, i);
          if (hi < lo) bad_pattern(pattern, "character range out of order");
        }
        t.ranges.emplace_back(lo, hi);
      }
    } else {
      t.c = c;
      ++i;
    }
    toks.push_back(std::move(t));
  }
  return toks;
}

bool match_compiled(const std::vector<Tok>& toks, std::string_view name) {
  size_t p = 0, n = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < toks.size() && toks[p].kind == Tok::kStar) {
      star = p++;
      mark = n;
    } else if (p < toks.size() && toks[p].matches(name[n])) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < toks.size() && toks[p].kind == Tok::kStar) ++p;
  return p == toks.size();
}

// Whether the pattern can match some name that starts with `prefix`: the set of token
// positions still alive after reading the prefix (a star keeps its position) is not empty.
// O(|prefix| * |pattern|).
bool prefix_feasible(const std::vector<Tok>& toks, std::string_view prefix) {
  std::vector<char> alive(toks.size() + 1, 0), next(toks.size() + 1, 0);
  auto close = [&](std::vector<char>& set) {  // a star may match nothing
    for (size_t p = 0; p < toks.size(); ++p)
      if (set[p] && toks[p].kind == Tok::kStar) set[p + 1] = 1;
  };
  alive[0] = 1;
  close(alive);
  for (char ch : prefix) {
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (size_t p = 0; p < toks.size(); ++p) {
      if (!alive[p]) continue;
      if (toks[p].kind == Tok::kStar) {
        next[p] = 1;
        any = true;
      } else if (toks[p].matches(ch)) {
        next[p + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    close(next);
    alive.swap(next);
  }
  // Something must follow the prefix: a live position that is not the end.
  for (size_t p = 0; p < toks.size(); ++p)
    if (alive[p]) return true;
  return false;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

[[noreturn]] void bad(std::string_view source, const std::string& key, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument,
              std::string(source) + ": " + (key.empty() ? "" : key + ": ") + why);
}

std::vector<std::string> parse_patterns(const json& v, std::string_view source,
                                        const std::string& key) {
  std::vector<std::string> out;
  auto add = [&](const json& item) {
    std::string s;
    if (!yamlconv::scalar_to_go_string(item, &s) || s.empty())
      bad(source, key, "want a list of repository name patterns");
    try {
      compile(s);
    } catch (const Error& e) {
      bad(source, key, e.what());
    }
    out.push_back(std::move(s));
  };
  if (v.is_null()) return out;
  if (v.is_array()) {
    for (const auto& item : v) add(item);
  } else {
    add(v);
  }
  return out;
}

}  // namespace

bool repo_glob_match(std::string_view pattern, std::string_view name) {
  return match_compiled(compile(pattern), name);
}

bool repo_glob_valid(std::string_view pattern) {
  try {
    compile(pattern);
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::vector<AccessRules::SignatureRule> AccessRules::parse_signature_rules(
    const json& v, std::string_view source, const std::filesystem::path& base_dir) {
  std::vector<SignatureRule> rules;
  if (v.is_null()) return rules;
  if (!v.is_array()) bad(source, "signatures", "want a list of {repositories, keys}");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string key = "signatures[" + std::to_string(i) + "]";
    const json& item = v[i];
    if (!item.is_object()) bad(source, key, "want a mapping with keys repositories and keys");
    SignatureRule rule;
    for (const auto& [k, field] : item.items()) {
      const std::string sub = key + "." + k;
      if (k == "repositories") {
        rule.repositories = parse_patterns(field, source, sub);
      } else if (k == "keys") {
        std::vector<std::string> files;
        if (field.is_string()) {
          files.push_back(field.get<std::string>());
        } else if (field.is_array()) {
          for (const auto& f : field) {
            if (!f.is_string()) bad(source, sub, "want a list of public key files");
            files.push_back(f.get<std::string>());
          }
        } else {
          bad(source, sub, "want a list of public key files");
        }
        for (const auto& f : files) {
          std::filesystem::path path =
              std::filesystem::path(f).is_absolute() ? std::filesystem::path(f) : base_dir / f;
          try {
            rule.keys.push_back(cosign::load_public_key(fs::read_file(path, 64 << 10)));
          } catch (const Error& e) {
            bad(source, sub, "public key " + path.string() + ": " + e.what());
          }
        }
      } else {
        bad(source, sub, "unknown key (want repositories or keys)");
      }
    }
    if (rule.repositories.empty()) bad(source, key + ".repositories", "want at least one pattern");
    if (rule.keys.empty()) bad(source, key + ".keys", "want at least one public key file");
    rules.push_back(std::move(rule));
  }
  return rules;
}

AccessRules::AccessRules() = default;

AccessRules AccessRules::load(const std::filesystem::path& file) {
  std::string text;
  try {
    text = fs::read_file(file, kMaxFileBytes);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("cannot read access file: ") + e.what());
  }
  return parse(text, file.string(), file.parent_path());
}

AccessRules AccessRules::parse(std::string_view yaml, std::string_view source,
                               const std::filesystem::path& base_dir) {
  json doc;
  try {
    doc = yamlconv::parse(yaml);
  } catch (const Error& e) {
    bad(source, "", std::string("malformed YAML: ") + e.what());
  }
  AccessRules rules;
  rules.open_ = false;
  if (doc.is_null()) return rules;
  if (!doc.is_object()) bad(source, "", "want a mapping with keys anonymous, users, default");

  auto parse_entry = [&](const json& v, const std::string& key) {
    Entry e;
    if (v.is_null()) return e;
    if (!v.is_object()) bad(source, key, "want a mapping with keys pull, push, delete, catalog");
    for (const auto& [k, item] : v.items()) {
      std::string sub = key + "." + k;
      if (k == "pull") {
        e.pull = parse_patterns(item, source, sub);
      } else if (k == "push") {
        e.push = parse_patterns(item, source, sub);
      } else if (k == "delete") {
        e.del = parse_patterns(item, source, sub);
      } else if (k == "catalog") {
        if (!item.is_boolean()) bad(source, sub, "want true or false");
        e.catalog = item.get<bool>();
      } else {
        bad(source, sub, "unknown key (want pull, push, delete or catalog)");
      }
    }
    return e;
  };

  for (const auto& [k, v] : doc.items()) {
    if (k == "anonymous") {
      rules.anonymous_ = parse_entry(v, k);
    } else if (k == "default") {
      rules.default_ = parse_entry(v, k);
    } else if (k == "users") {
      if (v.is_null()) continue;
      if (!v.is_object()) bad(source, k, "want a mapping from user name to rights");
      for (const auto& [user, entry] : v.items())
        rules.users_[user] = parse_entry(entry, "users." + user);
    } else if (k == "signatures") {
      rules.signature_rules_ = parse_signature_rules(v, source, base_dir);
    } else {
      bad(source, k, "unknown key (want anonymous, users, default or signatures)");
    }
  }
  return rules;
}

const std::vector<cosign::PublicKey>* AccessRules::signature_keys(
    std::string_view repository) const {
  for (const auto& rule : signature_rules_)
    for (const auto& p : rule.repositories)
      if (repo_glob_match(p, repository)) return &rule.keys;
  return nullptr;
}

const AccessRules::Entry* AccessRules::entry_for(const std::string& user) const {
  auto it = users_.find(user);
  if (it != users_.end()) return &it->second;
  return default_ ? &*default_ : nullptr;
}

bool AccessRules::entry_allows(const Entry& e, std::string_view action, std::string_view name) {
  const std::vector<std::string>* patterns = nullptr;
  if (action == "pull") {
    patterns = &e.pull;
  } else if (action == "push") {
    patterns = &e.push;
  } else if (action == "delete") {
    patterns = &e.del;
  } else if (action == "catalog") {
    return e.catalog;
  } else {
    return false;
  }
  return std::any_of(patterns->begin(), patterns->end(),
                     [&](const std::string& p) { return repo_glob_match(p, name); });
}

const std::vector<std::string>& AccessRules::patterns_for(const Entry& e, std::string_view action) {
  static const std::vector<std::string> kNone;
  if (action == "pull") return e.pull;
  if (action == "push") return e.push;
  if (action == "delete") return e.del;
  return kNone;
}

bool AccessRules::may_act_under(const std::optional<std::string>& user, std::string_view action,
                                std::string_view prefix) const {
  std::string start = std::string(prefix) + "/";
  auto entry_may = [&](const Entry& e) {
    const auto& patterns = patterns_for(e, action);
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return prefix_feasible(compile(p), start); });
  };
  if (anonymous_ && entry_may(*anonymous_)) return true;
  if (!user) return false;
  if (open_) return true;
  const Entry* e = entry_for(*user);
  return e != nullptr && entry_may(*e);
}

std::vector<std::string> AccessRules::allowed(const std::optional<std::string>& user,
                                              std::string_view type, std::string_view name) const {
  auto can = [&](std::string_view action, std::string_view resource) {
    if (anonymous_ && entry_allows(*anonymous_, action, resource)) return true;
    if (!user) return false;
    if (open_) return true;
    const Entry* e = entry_for(*user);
    return e != nullptr && entry_allows(*e, action, resource);
  };
  std::vector<std::string> out;
  if (type == "repository") {
    for (auto action : kRepoActions)
      if (can(action, name)) out.emplace_back(action);
  } else if (type == "registry" && name == "catalog") {
    if (can("catalog", "")) out.emplace_back("*");
  }
  return out;
}

Scope AccessRules::grant(const std::optional<std::string>& user, const Scope& requested) const {
  Scope out{requested.type, requested.name, {}};
  auto allowed_actions = allowed(user, requested.type, requested.name);
  auto add = [&](std::string_view a) {
    if (!contains(out.actions, a)) out.actions.emplace_back(a);
  };
  for (const auto& a : requested.actions) {
    if (a == "*" && requested.type == "repository") {
      if (allowed_actions.size() == std::size(kRepoActions)) {
        out.actions = {"*"};
        break;
      }
      for (const auto& x : allowed_actions) add(x);
    } else if (contains(allowed_actions, a)) {
      add(a);
    }
  }
  return out;
}

bool AccessRules::allows(const std::optional<std::string>& user, const Scope& needed) const {
  auto allowed_actions = allowed(user, needed.type, needed.name);
  return std::all_of(needed.actions.begin(), needed.actions.end(), [&](const std::string& a) {
    if (a == "*" && needed.type == "repository")
      return allowed_actions.size() == std::size(kRepoActions);
    return contains(allowed_actions, a);
  });
}

}  // namespace ch::server::auth
