// Helpers shared by the unit tests of src/server/auth/: bcrypt hashes made with crypt(3),
// scopes, JWT parts and claims, and the access file the tests use.
#pragma once

#include <crypt.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/base64.hpp"
#include "base/random.hpp"
#include "server/auth/jwt.hpp"
#include "server/auth/scope.hpp"

namespace ch::server::auth::test_support {

// A bcrypt hash of `password` made here, the way `htpasswd -B` does (cost 4 keeps tests fast).
inline std::string bcrypt(const std::string& password, const char* prefix = "$2b$") {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt), nullptr);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password.c_str(), salt, data.get());
  EXPECT_NE(out, nullptr);
  return out;
}

inline std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline nlohmann::json jwt_part(const std::string& token, int part) {
  size_t d1 = token.find('.');
  size_t d2 = token.find('.', d1 + 1);
  std::string_view seg = part == 0 ? std::string_view(token).substr(0, d1)
                                   : std::string_view(token).substr(d1 + 1, d2 - d1 - 1);
  auto text = base64url_decode(seg);
  EXPECT_TRUE(text.has_value());
  return nlohmann::json::parse(text.value_or("null"));
}

inline Scope scope(const std::string& text) {
  auto s = Scope::parse(text);
  EXPECT_TRUE(s.has_value()) << text;
  return s.value_or(Scope{});
}

inline const char* kAccessYaml = R"(
anonymous: {pull: ["public/*"]}
users:
  alice: {pull: ["*"], push: ["team/*"], delete: ["team/*"], catalog: true}
  bob: {pull: ["*"]}
  carol: {}
default: {pull: ["shared/*"]}
)";

inline Claims sample_claims(std::int64_t t) {
  Claims c;
  c.issuer = "charthouse";
  c.subject = "alice";
  c.audience = "charthouse";
  c.jwt_id = random_hex(16);
  c.issued_at = t;
  c.not_before = t;
  c.expires_at = t + 300;
  c.access = {scope("repository:team/app:pull,push")};
  return c;
}

}  // namespace ch::server::auth::test_support
