#include "server/auth/htpasswd.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "base/error.hpp"
#include "base/file.hpp"

namespace ch::server::auth {

namespace {

constexpr std::uint64_t kMaxFileBytes = 16 << 20;

bool bcrypt_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace

bool is_bcrypt_hash(std::string_view hash) {
  if (hash.size() != 60) return false;
  if (!(hash.starts_with("$2y$") || hash.starts_with("$2b$") || hash.starts_with("$2a$")))
    return false;
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9' || hash[6] != '$')
    return false;
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(), bcrypt_char);
}

bool bcrypt_verify(std::string_view password, const std::string& hash) {
  if (!is_bcrypt_hash(hash)) return false;
  if (password.find('\0') != std::string_view::npos) return false;
  std::string phrase(password);
  // struct crypt_data is about 32 KiB: keep it off the (possibly coroutine) stack.
  auto data = std::make_unique<crypt_data>();
  data->initialized = 0;
  const char* out = crypt_r(phrase.c_str(), hash.c_str(), data.get());
  OPENSSL_cleanse(phrase.data(), phrase.size());
  bool ok = out != nullptr && out[0] != '*' && std::string_view(out).size() == hash.size() &&
            CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return ok;
}

Htpasswd Htpasswd::load(const std::filesystem::path& file) {
  std::string text;
  try {
    text = fs::read_file(file, kMaxFileBytes);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("cannot read htpasswd file: ") + e.what());
  }
  return parse(text, file.string());
}

Htpasswd Htpasswd::parse(std::string_view text, std::string_view source) {
  Htpasswd h;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto where = std::string(source) + ":" + std::to_string(line_no) + ": ";
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == line.size())
      throw Error(ErrorCode::kInvalidArgument,
                  where +
                      "malformed htpasswd line (want \"user:bcrypt-hash\", as written by "
                      "htpasswd -B)");
    std::string user(line.substr(0, colon));
    std::string_view hash = line.substr(colon + 1);
    if (!is_bcrypt_hash(hash)) {
      bool bcrypt_prefix =
          hash.starts_with("$2y$") || hash.starts_with("$2b$") || hash.starts_with("$2a$");
      throw Error(ErrorCode::kInvalidArgument,
                  where + "user \"" + user + "\": " +
                      (bcrypt_prefix ? std::string("malformed bcrypt hash")
                                     : std::string("unsupported password hash scheme; only bcrypt "
                                                   "($2y$, $2b$, $2a$) is supported, create "
                                                   "entries with htpasswd -B")));
    }
    if (!h.users_.emplace(user, std::string(hash)).second)
      throw Error(ErrorCode::kInvalidArgument, where + "duplicate user \"" + user + "\"");
  }
  return h;
}

bool Htpasswd::contains(std::string_view user) const {
  return users_.find(user) != users_.end();
}

const std::string* Htpasswd::hash(std::string_view user) const {
  auto it = users_.find(user);
  return it == users_.end() ? nullptr : &it->second;
}

bool Htpasswd::verify(std::string_view user, std::string_view password) const {
  auto it = users_.find(user);
  if (it == users_.end()) {
    // Spend the same time as for a known user, then refuse.
    if (!users_.empty()) (void)bcrypt_verify(password, users_.begin()->second);
    return false;
  }
  return bcrypt_verify(password, it->second);
}

}  // namespace ch::server::auth
