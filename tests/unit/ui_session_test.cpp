#include "server/ui/session.hpp"

#include <gtest/gtest.h>

namespace ch::server::ui {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

TEST(UiSession, ASessionNamesItsUserUntilItExpires) {
  std::string s = make_session(kKey, "alice", 1000, std::chrono::seconds(60));
  EXPECT_EQ(session_user(kKey, s, 1000), "alice");
  EXPECT_EQ(session_user(kKey, s, 1059), "alice");
  EXPECT_FALSE(session_user(kKey, s, 1060));
  EXPECT_NE(make_session(kKey, "alice", 1000), make_session(kKey, "alice", 1000));  // nonce
}

TEST(UiSession, TamperedOrForeignSessionsAreRefused) {
  std::string s = make_session(kKey, "bob", 1000, std::chrono::seconds(60));
  EXPECT_FALSE(session_user("another key of enough length.....", s, 1000));
  // Another user name or a later expiry under the same MAC.
  std::string other = make_session(kKey, "alice", 1000, std::chrono::seconds(60));
  std::string forged = other.substr(0, other.find('.')) + s.substr(s.find('.'));
  EXPECT_FALSE(session_user(kKey, forged, 1000));
  std::string later = s;
  later[later.find('.') + 1] = '9';
  EXPECT_FALSE(session_user(kKey, later, 1000));
  EXPECT_FALSE(session_user(kKey, "", 1000));
  EXPECT_FALSE(session_user(kKey, "....", 1000));
  EXPECT_FALSE(session_user(kKey, std::string(5000, 'a'), 1000));
  EXPECT_FALSE(session_user("", s, 1000));
}

TEST(UiSession, CsrfTokensAreBoundToTheBrowser) {
  std::string a = new_browser_id(), b = new_browser_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(csrf_ok(kKey, a, csrf_token(kKey, a)));
  EXPECT_FALSE(csrf_ok(kKey, b, csrf_token(kKey, a)));
  EXPECT_FALSE(csrf_ok(kKey, a, ""));
  EXPECT_FALSE(csrf_ok(kKey, "", csrf_token(kKey, "")));
  EXPECT_FALSE(csrf_ok("other key", a, csrf_token(kKey, a)));
}

TEST(UiSession, CookieValuesAreFoundByExactName) {
  EXPECT_EQ(cookie_value("a=1; ch_session=xyz; b=2", "ch_session"), "xyz");
  EXPECT_EQ(cookie_value("xch_session=no; ch_session=yes", "ch_session"), "yes");
  EXPECT_EQ(cookie_value("ch_session=\"q\"", "ch_session"), "q");
  EXPECT_EQ(cookie_value("a=1", "ch_session"), "");
  EXPECT_EQ(cookie_value("", "ch_session"), "");
}

}  // namespace
}  // namespace ch::server::ui
