// Users and bcrypt password hashes from an Apache htpasswd file, as `htpasswd -B` writes it:
// one "user:hash" per line; blank lines and lines starting with '#' are skipped. Only bcrypt
// hashes ($2y$, $2b$, $2a$) are accepted; anything else (MD5 "$apr1$", SHA "{SHA}", crypt)
// is rejected when the file is loaded, naming the file, line and user.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace ch::server::auth {

class Htpasswd {
 public:
  Htpasswd() = default;

  // Throws Error(kNotFound/kIo) when the file cannot be read, Error(kInvalidArgument) for
  // a malformed line, an unsupported hash scheme or a duplicate user.
  static Htpasswd load(const std::filesystem::path& file);
  // `source` names the text in error messages ("<source>:<line>: ...").
  static Htpasswd parse(std::string_view text, std::string_view source = "htpasswd");

  bool contains(std::string_view user) const;
  // The stored hash of `user`, or nullptr.
  const std::string* hash(std::string_view user) const;
  // Whether `password` matches the user's bcrypt hash. For an unknown user a hash is still
  // computed (and ignored) so that the time taken does not reveal which users exist.
  bool verify(std::string_view user, std::string_view password) const;
  std::size_t size() const { return users_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> users_;
};

// Whether `password` hashes to `hash` under bcrypt (libxcrypt crypt_r). False for a
// malformed hash or a password containing NUL.
bool bcrypt_verify(std::string_view password, const std::string& hash);

// Whether `hash` looks like a bcrypt hash: "$2y$" / "$2b$" / "$2a$", two-digit cost 04..31,
// '$', 53 characters of the bcrypt alphabet.
bool is_bcrypt_hash(std::string_view hash);

}  // namespace ch::server::auth
