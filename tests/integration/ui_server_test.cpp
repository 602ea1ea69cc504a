// The web UI of charthouse serve over real sockets, for what the browser test does not see:
// response headers (CSP, cookies), the sign-in form's checks, sessions that do not verify,
// redirects that leave the server, images from inside a chart, HEAD, and --ui=false. (The
// pages themselves are walked in Chromium by tests/browser/ui_test.py.)
#include <gtest/gtest.h>

#include <regex>

#include "base/file.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using testing::run;
namespace stdfs = std::filesystem;

class UiServer : public ::testing::Test {
 protected:
  void SetUp() override {
    htpasswd_ = (tmp_.path() / "htpasswd").string();
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd_, "alice", "wonderland"}).code, 0);
    fs::write_file_atomic(
        tmp_.path() / "access.yaml",
        "anonymous: {pull: ['pub/*']}\nusers:\n  alice: {pull: ['*'], push: ['*']}\n");
  }
  std::unique_ptr<testing::Process> serve(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--auth",       "htpasswd",
                                     "--htpasswd",   htpasswd_,
                                     "--access",     (tmp_.path() / "access.yaml").string(),
                                     "--access-log", "false"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = testing::start_server(
        CH_BINARY, (tmp_.path() / ("root" + std::to_string(n_++))).string(), args, &port_);
    base_ = "http://127.0.0.1:" + std::to_string(port_);
    return p;
  }
  // A chart whose README shows an image from inside the archive, pushed to pub/.
  void push_chart() {
    stdfs::path dir = tmp_.path() / "src" / "pics";
    testing::write_chart(
        dir, "pics", "1.0.0",
        {{"README.md", "# Pics\n\n![logo](docs/logo.svg) ![gone](docs/none.png)\n"},
         {"docs/logo.svg",
          "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"}});
    ASSERT_EQ(run({CH_BINARY, "package", dir.string(), "-d", tmp_.path().string()}).code, 0);
    std::string cfg = (tmp_.path() / "registry.json").string();
    auto login = run({CH_BINARY, "registry", "login", "127.0.0.1:" + std::to_string(port_), "-u",
                      "alice", "-p", "wonderland", "--plain-http", "--registry-config", cfg});
    ASSERT_EQ(login.code, 0) << login.err;
    auto push = run({CH_BINARY, "push", (tmp_.path() / "pics-1.0.0.tgz").string(),
                     "oci://127.0.0.1:" + std::to_string(port_) + "/pub", "--plain-http",
                     "--registry-config", cfg});
    ASSERT_EQ(push.code, 0) << push.err;
  }
  static std::string cookie_of(const HttpResponse& r, const std::string& name) {
    for (auto [it, end] = r.headers.equal_range("set-cookie"); it != end; ++it)
      if (it->second.rfind(name + "=", 0) == 0) return it->second;
    return {};
  }
  static std::string csrf_in(const std::string& html) {
    std::smatch m;
    if (std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([^\"]+)\""))) return m[1];
    return {};
  }
  fs::TempDir tmp_;
  std::string htpasswd_, base_;
  int port_ = 0, n_ = 0;
};

TEST_F(UiServer, PagesCarryAStrictPolicyAndABrowserCookie) {
  auto node = serve({});
  HttpClient http;
  auto home = http.request("GET", base_ + "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_NE(home.header("content-type").find("text/html"), std::string::npos);
  std::string csp = home.header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(home.header("x-content-type-options"), "nosniff");
  EXPECT_NE(home.header("server-timing").find("app;dur="), std::string::npos);
  std::string browser = cookie_of(home, "ch_browser");
  EXPECT_NE(browser.find("HttpOnly"), std::string::npos) << browser;
  EXPECT_NE(browser.find("SameSite=Strict"), std::string::npos) << browser;
  EXPECT_EQ(browser.find("Secure"), std::string::npos);      // plain HTTP
  EXPECT_EQ(home.body.find("<script>"), std::string::npos);  // no inline script at all
  auto head = http.request("HEAD", base_ + "/");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(home.body.size()));
  auto css = http.request("GET", base_ + "/-/static/ui.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_NE(css.header("content-type").find("text/css"), std::string::npos);
  EXPECT_EQ(http.request("GET", base_ + "/-/static/nope.js").status, 404);
  EXPECT_EQ(http.request("PUT", base_ + "/", {}, "x").status, 405);
  // The API areas answer as before.
  auto api = http.request("GET", base_ + "/v2/nothing/here");
  EXPECT_EQ(api.status, 404);
  EXPECT_NE(api.body.find("\"errors\""), std::string::npos);
}

TEST_F(UiServer, SignInChecksTheFormThePasswordAndTheTarget) {
  auto node = serve({});
  HttpClient http;
  auto form = http.request("GET", base_ + "/-/login");
  ASSERT_EQ(form.status, 200);
  std::string browser = cookie_of(form, "ch_browser");
  browser = browser.substr(0, browser.find(';'));
  std::string csrf = csrf_in(form.body);
  ASSERT_FALSE(csrf.empty());
  const std::vector<std::string> headers = {"Cookie: " + browser,
                                            "Content-Type: application/x-www-form-urlencoded"};
  // No token, another browser's cookie: refused before the password is looked at.
  EXPECT_EQ(
      http.request("POST", base_ + "/-/login", headers, "user=alice&password=wonderland").status,
      403);
  EXPECT_EQ(http.request("POST", base_ + "/-/login",
                         {"Cookie: ch_browser=00000000000000000000000000000000"},
                         "csrf=" + csrf + "&user=alice&password=wonderland")
                .status,
            403);
  auto wrong = http.request("POST", base_ + "/-/login", headers,
                            "csrf=" + csrf + "&user=alice&password=nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(cookie_of(wrong, "ch_session").empty());
  auto ok =
      http.request("POST", base_ + "/-/login", headers,
                   "csrf=" + csrf + "&user=alice&password=wonderland&next=%2F%2Fevil.example%2F");
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(ok.header("location"), "/");  // never off this server
  std::string session = cookie_of(ok, "ch_session");
  EXPECT_NE(session.find("HttpOnly"), std::string::npos);
  EXPECT_NE(session.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(session.find("Max-Age=28800"), std::string::npos);
  std::string value = session.substr(0, session.find(';'));
  auto signed_in = http.request("GET", base_ + "/", {"Cookie: " + browser + "; " + value});
  EXPECT_NE(signed_in.body.find("class=\"who\">alice<"), std::string::npos);
  // A session whose signature does not verify is nobody.
  std::string tampered = value;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  auto anonymous = http.request("GET", base_ + "/", {"Cookie: " + browser + "; " + tampered});
  EXPECT_EQ(anonymous.body.find("class=\"who\""), std::string::npos);
  EXPECT_NE(anonymous.body.find("Sign in"), std::string::npos);
  // A session signed by another server's key is nobody here either.
  auto other = serve({});
  HttpClient http2;
  auto elsewhere = http2.request("GET", base_ + "/", {"Cookie: " + value});
  EXPECT_EQ(elsewhere.body.find("class=\"who\""), std::string::npos);
}

TEST_F(UiServer, ReadmeImagesComeFromTheArchiveWithTheirOwnPolicy) {
  auto node = serve({});
  push_chart();
  HttpClient http;
  auto page = http.request("GET", base_ + "/pub/pics");
  ASSERT_EQ(page.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("<img src=\"(/-/image\\?[^\"]+)\"")))
      << page.body.substr(0, 4000);
  std::string src = std::regex_replace(std::string(m[1]), std::regex("&amp;"), "&");
  EXPECT_EQ(page.body.find("none.png"), std::string::npos);  // not in the archive: dropped
  auto image = http.request("GET", base_ + src);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.header("content-type"), "image/svg+xml");
  EXPECT_NE(image.header("content-security-policy").find("sandbox"), std::string::npos);
  EXPECT_NE(image.body.find("<svg"), std::string::npos);
  EXPECT_EQ(
      http.request("GET", base_ + "/-/image?repo=pub/pics&version=1.0.0&path=Chart.yaml").status,
      404);
  EXPECT_EQ(
      http.request("GET", base_ + "/-/image?repo=pub/pics&version=9.9.9&path=docs/logo.svg").status,
      404);
}

TEST_F(UiServer, TurnedOffThereIsNoUi) {
  auto node = serve({"--ui", "false"});
  HttpClient http;
  auto home = http.request("GET", base_ + "/");
  EXPECT_EQ(home.status, 404);
  EXPECT_NE(home.body.find("\"errors\""), std::string::npos);
  EXPECT_EQ(http.request("GET", base_ + "/-/login").status, 404);
  EXPECT_FALSE(stdfs::exists(tmp_.path() / "root0" / "ui-session.key"));
}

}  // namespace
}  // namespace ch
