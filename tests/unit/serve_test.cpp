// Tests of server/serve.cpp: serve's settings checked and turned into ServiceOptions.
#include "server/serve.hpp"

#include <gtest/gtest.h>

#include <string>

#include "base/error.hpp"

namespace ch {
namespace {

std::string refusal(const server::ServeSettings& s) {
  try {
    server::service_options(s);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "accepted";
}

TEST(Serve, SettingsBecomeServiceOptions) {
  server::ServeSettings s;
  s.addr = "[::1]:5001";
  s.root = "/srv/charts";
  s.auth = "token";
  s.htpasswd = "/etc/users";
  s.gc_grace = 10;
  s.delete_enabled = false;
  server::ServiceOptions o = server::service_options(s);
  EXPECT_EQ(o.address, "::1");
  EXPECT_EQ(o.port, 5001);
  EXPECT_EQ(o.auth.mode, server::auth::Mode::kToken);
  EXPECT_EQ(o.auth.token_key_file, "/srv/charts/token.key") << "defaults into the root";
  EXPECT_EQ(o.gc_grace.count(), 10);
  EXPECT_FALSE(o.api.delete_enabled);
  s.addr = ":0";
  EXPECT_EQ(server::service_options(s).address, "0.0.0.0");
  EXPECT_EQ(server::service_options(s).port, 0);
}

TEST(Serve, BadSettingsNameTheFlag) {
  server::ServeSettings s;
  s.addr = "localhost";
  EXPECT_EQ(refusal(s), "--addr must be HOST:PORT, got \"localhost\"");
  s.addr = "127.0.0.1:70000";
  EXPECT_EQ(refusal(s), "invalid port in --addr \"127.0.0.1:70000\"");
  s.addr = "127.0.0.1:5000";
  s.tls_cert = "cert.pem";
  EXPECT_EQ(refusal(s), "--tls-cert and --tls-key go together");
  s.tls_cert.clear();
  s.auth = "htpasswd";
  EXPECT_EQ(refusal(s), "--auth htpasswd needs --htpasswd");
}

}  // namespace
}  // namespace ch
