// Resource scopes of Docker token auth ("repository:team/app:pull,push",
// "registry:catalog:*"): parsing, printing and the action sets the registry understands.
// Grammar (distribution docs/spec/auth/scope.md): type[(class)] ":" name ":" action[,action]*;
// the name may itself contain one ':' (a host port), so the type ends at the first ':' and the
// actions start after the last one. A resource class is accepted and dropped (deprecated).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::server::auth {

struct Scope {
  std::string type;                  // "repository" or "registry" (anything [a-z0-9]+ parses)
  std::string name;                  // repository name, or "catalog"
  std::vector<std::string> actions;  // "pull", "push", "delete", "*"; deduplicated, in order

  // nullopt when malformed: missing parts, a type outside [a-z0-9]+, a name with characters
  // outside [A-Za-z0-9._/:-], an action outside [a-z]+ or "*", no action at all.
  static std::optional<Scope> parse(std::string_view text);
  std::string str() const;  // "type:name:a,b"
  bool operator==(const Scope&) const = default;
};

// Splits a space-separated scope list (the POST form's `scope`, the challenge's `scope`).
// Malformed entries are returned in `bad` (when given) and left out.
std::vector<Scope> parse_scope_list(std::string_view text, std::vector<std::string>* bad = nullptr);

// Merges scopes naming the same resource (union of actions), keeping first-seen order.
std::vector<Scope> merge_scopes(const std::vector<Scope>& scopes);

// Space-joined str() of each scope.
std::string join_scopes(const std::vector<Scope>& scopes);

// Whether `granted` (e.g. a token's access claims) covers every action of `needed`: an entry
// with the same type and name whose actions include each needed action or "*".
bool covers(const std::vector<Scope>& granted, const Scope& needed);

}  // namespace ch::server::auth
