// Who may do what: the access rules of `charthouse serve` (htpasswd and token modes).
//
// The access file is YAML with up to three top-level keys, each optional:
//
//   anonymous:                 # requests without credentials (and, in token mode,
//     pull: ["public/*"]       #   anonymous tokens)
//   users:                     # one entry per user name of the htpasswd file
//     alice: {pull: ["*"], push: ["team/*"], delete: ["team/*"], catalog: true}
//     bob: {pull: ["*"]}
//     carol: {}                # listed with no rights: nothing beyond `anonymous`
//   default: {pull: ["*"]}     # every authenticated user without an entry under `users`
//
// An entry has the keys `pull`, `push`, `delete` (each a list of repository-name patterns,
// or a single pattern) and `catalog` (bool, default false: may list all repositories with
// GET /v2/_catalog). Each action is granted on its own: `push` does not imply `pull` (Helm
// and oras ask for "pull,push" when pushing, so a pusher needs both). Rights add up: an
// authenticated user also has everything `anonymous` has. A user neither under `users` nor
// covered by `default` has only the anonymous rights. Unknown keys are errors.
//
// Patterns are globs over the whole repository name, like Go's path.Match except that `*`
// also crosses '/': `*` matches any run of characters (so "team/*" matches "team/app" and
// "team/sub/app", and "*" matches everything), `?` any one character, `[abc]`, `[a-z]`,
// `[^a-z]` one character of (or not of) a class, and `\` escapes the next character.
// Quote patterns in YAML: a bare `*` is a YAML alias.
//
// A fourth key, `signatures`, is a signature policy (what Harbor calls content trust): pulls
// of Helm charts from matching repositories need a valid cosign signature (a `.sig`
// simple-signing signature or a Sigstore bundle referrer) by one of the listed public keys
// (PEM files, relative to the access file), for every user; the first matching rule applies:
//
//   signatures:
//     - repositories: ["prod/*"]
//       keys: ["keys/release.pub", "keys/ci.pub"]
//
// The policy applies in every auth mode, `none` included (the access file's other keys are
// only read with htpasswd or token auth).
//
// Without an access file, every authenticated user may pull, push and delete every
// repository and list the catalog; anonymous requests get nothing.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosign/key.hpp"
#include "server/auth/scope.hpp"

namespace ch::server::auth {

// The glob described above. Throws Error(kInvalidArgument) for a malformed pattern
// (unterminated class, trailing '\').
bool repo_glob_match(std::string_view pattern, std::string_view name);
bool repo_glob_valid(std::string_view pattern);

class AccessRules {
 public:
  // No access file: authenticated users may do everything, anonymous nothing.
  AccessRules();

  // Throws Error(kIo) when unreadable and Error(kInvalidArgument), naming the file and the
  // offending key, for malformed YAML, wrong types, unknown keys and bad patterns.
  static AccessRules load(const std::filesystem::path& file);
  // Key files of `signatures` are read relative to `base_dir`.
  static AccessRules parse(std::string_view yaml, std::string_view source = "access file",
                           const std::filesystem::path& base_dir = {});

  // The public keys a pull of a chart from `repository` needs a signature by (any one of
  // them); nullptr when no signature rule covers the repository.
  const std::vector<cosign::PublicKey>* signature_keys(std::string_view repository) const;

  // The actions `user` may perform on the resource, from those the registry knows:
  // for "repository" a subset of {pull, push, delete}; for "registry:catalog" {"*"} or
  // nothing; nothing for any other resource. `user` nullopt = anonymous.
  std::vector<std::string> allowed(const std::optional<std::string>& user, std::string_view type,
                                   std::string_view name) const;

  // The part of `requested` the user may have: the requested actions that are allowed,
  // "*" on a repository standing for pull+push+delete (kept as "*" only when all three are
  // allowed, else replaced by the allowed ones). Never more than asked; may be empty.
  Scope grant(const std::optional<std::string>& user, const Scope& requested) const;

  // Whether some repository named "<prefix>/..." could be allowed `action` ("pull", "push",
  // "delete") for the user: a rule pattern that can still match after reading prefix + "/".
  bool may_act_under(const std::optional<std::string>& user, std::string_view action,
                     std::string_view prefix) const;

  // Whether the user may perform every action of `needed`.
  bool allows(const std::optional<std::string>& user, const Scope& needed) const;

 private:
  struct Entry {
    std::vector<std::string> pull, push, del;
    bool catalog = false;
  };
  const Entry* entry_for(const std::string& user) const;
  struct SignatureRule;
  static std::vector<SignatureRule> parse_signature_rules(const nlohmann::ordered_json& v,
                                                          std::string_view source,
                                                          const std::filesystem::path& base_dir);
  static bool entry_allows(const Entry& e, std::string_view action, std::string_view name);
  static const std::vector<std::string>& patterns_for(const Entry& e, std::string_view action);

  struct SignatureRule {
    std::vector<std::string> repositories;
    std::vector<cosign::PublicKey> keys;
  };

  bool open_ = true;  // no file: authenticated users may do everything
  std::vector<SignatureRule> signature_rules_;
  std::optional<Entry> anonymous_;
  std::optional<Entry> default_;
  std::map<std::string, Entry, std::less<>> users_;
};

}  // namespace ch::server::auth
