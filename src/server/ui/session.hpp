// The web UI's cookies: a signed sign-in session (user and expiry, HMAC-SHA256 under the
// server's UI key, so any node holding the same key accepts it and nothing is stored), and
// CSRF tokens bound to a per-browser random cookie (double submit, signed).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ch::server::ui {

inline constexpr const char* kSessionCookie = "ch_session";
inline constexpr const char* kBrowserCookie = "ch_browser";
inline constexpr std::chrono::seconds kSessionLifetime{8 * 3600};

// "<base64url user>.<expiry>.<nonce>.<base64url mac>"
std::string make_session(std::string_view key, std::string_view user, std::int64_t now,
                         std::chrono::seconds lifetime = kSessionLifetime);
// The user of a session cookie that verifies and has not expired, else nullopt.
std::optional<std::string> session_user(std::string_view key, std::string_view cookie,
                                        std::int64_t now);

// A fresh random browser id (the ch_browser cookie's value).
std::string new_browser_id();
// The CSRF token forms carry, bound to the browser id (and so to one browser).
std::string csrf_token(std::string_view key, std::string_view browser_id);
bool csrf_ok(std::string_view key, std::string_view browser_id, std::string_view token);

// The value of cookie `name` in a Cookie header (at most 8 KiB looked at), or "".
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace ch::server::ui
