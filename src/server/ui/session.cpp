#include "server/ui/session.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/base64.hpp"
#include "base/random.hpp"

namespace ch::server::ui {

namespace {

std::string mac(std::string_view key, std::string_view what, std::string_view data) {
  std::string message = std::string(what) + '\0' + std::string(data);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &n);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(out), n));
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string make_session(std::string_view key, std::string_view user, std::int64_t now,
                         std::chrono::seconds lifetime) {
  std::string body =
      base64url_encode(user) + "." + std::to_string(now + lifetime.count()) + "." + random_hex(8);
  return body + "." + mac(key, "session", body);
}

std::optional<std::string> session_user(std::string_view key, std::string_view cookie,
                                        std::int64_t now) {
  if (cookie.size() > 1024 || key.empty()) return std::nullopt;
  auto last = cookie.rfind('.');
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view body = cookie.substr(0, last);
  if (!same(mac(key, "session", body), cookie.substr(last + 1))) return std::nullopt;
  auto first = body.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = body.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view expiry = body.substr(first + 1, second - first - 1);
  if (expiry.empty() || expiry.size() > 18) return std::nullopt;
  std::int64_t until = 0;
  for (char c : expiry) {
    if (c < '0' || c > '9') return std::nullopt;
    until = until * 10 + (c - '0');
  }
  if (until <= now) return std::nullopt;
  auto user = base64url_decode(body.substr(0, first));
  if (!user || user->empty()) return std::nullopt;
  return *user;
}

std::string new_browser_id() {
  return random_hex(16);
}

std::string csrf_token(std::string_view key, std::string_view browser_id) {
  return mac(key, "csrf", browser_id);
}

bool csrf_ok(std::string_view key, std::string_view browser_id, std::string_view token) {
  if (browser_id.empty() || token.empty() || key.empty()) return false;
  return same(csrf_token(key, browser_id), token);
}

std::string cookie_value(std::string_view header, std::string_view name) {
  header = header.substr(0, 8192);
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view v = pair.substr(eq + 1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace ch::server::ui
