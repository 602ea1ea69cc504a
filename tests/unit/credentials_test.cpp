// The credential store against files written as Helm and Docker write them, and against a
// real docker-credential-<name> helper program (a shell script keeping secrets in files).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "base/error.hpp"
#include "base/file.hpp"
#include "client/credentials.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using client::Credential;
using client::CredentialStore;

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_, old_.c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

// get/store/erase with secrets as files under $CHTEST_STORE, named by a hash of the server.
constexpr const char* kHelperScript = R"SH(#!/bin/sh
dir="$CHTEST_STORE"
mkdir -p "$dir"
case "$1" in
get)
  read -r server
  key=$(printf '%s' "$server" | md5sum | cut -d' ' -f1)
  if [ -f "$dir/$key" ]; then cat "$dir/$key"; else echo "credentials not found in native keychain"; exit 1; fi ;;
store)
  input=$(cat)
  server=$(printf '%s' "$input" | sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p')
  key=$(printf '%s' "$server" | md5sum | cut -d' ' -f1)
  printf '%s' "$input" > "$dir/$key" ;;
erase)
  read -r server
  key=$(printf '%s' "$server" | md5sum | cut -d' ' -f1)
  if [ -f "$dir/$key" ]; then rm "$dir/$key"; else echo "credentials not found in native keychain"; exit 1; fi ;;
*) echo "unknown action $1"; exit 1 ;;
esac
)SH";

class Credentials : public ::testing::Test {
 protected:
  stdfs::path helm() { return tmp_.path() / "helm/registry/config.json"; }
  stdfs::path docker() { return tmp_.path() / "docker/config.json"; }
  CredentialStore store() { return CredentialStore(helm(), docker()); }
  void install_helper(const std::string& name) {
    auto path = tmp_.path() / "bin" / ("docker-credential-" + name);
    testing::write(path, kHelperScript);
    stdfs::permissions(path, stdfs::perms(0755));
  }
  fs::TempDir tmp_;
  // Only our bin directory and the basic tools the script needs: no real `pass` or helpers.
  ScopedEnv path_{"PATH", (tmp_.path() / "bin").string() + ":/usr/bin:/bin"};
  ScopedEnv store_dir_{"CHTEST_STORE", (tmp_.path() / "secrets").string()};
};

TEST_F(Credentials, StoreWritesHelmsFileExactly) {
  store().store("localhost:5000", {"user", "pass", "", ""});
  EXPECT_EQ(testing::read(helm()),
            "{\n\t\"auths\": {\n\t\t\"localhost:5000\": {\n\t\t\t\"auth\": "
            "\"dXNlcjpwYXNz\"\n\t\t}\n\t}\n}");
  struct stat st {};
  ASSERT_EQ(::stat(helm().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(helm().parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  Credential c = store().get("localhost:5000");
  EXPECT_EQ(c.username, "user");
  EXPECT_EQ(c.password, "pass");
}

TEST_F(Credentials, UnknownKeysAndOtherEntriesSurvive) {
  testing::write(helm(),
                 "{\"zeta\": {\"b\": 1, \"a\": [true]}, \"auths\": {\"other.io\": {\"auth\": "
                 "\"YTpi\", \"email\": \"x@y\"}}, \"alpha\": \"keep\"}");
  store().store("ghcr.io", {"me", "tok", "refresh", ""});
  EXPECT_EQ(
      testing::read(helm()),
      "{\n\t\"alpha\": \"keep\",\n\t\"auths\": {\n\t\t\"ghcr.io\": {\n\t\t\t\"auth\": "
      "\"bWU6dG9r\",\n\t\t\t\"identitytoken\": \"refresh\"\n\t\t},\n\t\t\"other.io\": {\n\t\t\t"
      "\"auth\": \"YTpi\",\n\t\t\t\"email\": \"x@y\"\n\t\t}\n\t},\n\t\"zeta\": {\n\t\t\"a\": "
      "[\n\t\t\t"
      "true\n\t\t],\n\t\t\"b\": 1\n\t}\n}");
  EXPECT_EQ(store().get("ghcr.io").refresh_token, "refresh");
  store().erase("ghcr.io");
  EXPECT_TRUE(store().get("ghcr.io").empty());
  EXPECT_EQ(store().get("other.io").username, "a");
  store().erase("never-stored.io");  // not an error
}

TEST_F(Credentials, DockerFileIsTheFallbackAndHelmsWins) {
  testing::write(docker(),
                 "{\"auths\":{\"https://reg.example.com/v1/\":{\"auth\":\"ZDpw\"},"
                 "\"legacy.io\":{\"username\":\"old\",\"password\":\"style\"},"
                 "\"tok.io\":{\"registrytoken\":\"acc\"}}}");
  EXPECT_EQ(store().get("reg.example.com").username, "d");
  EXPECT_EQ(store().get("legacy.io").password, "style");
  EXPECT_EQ(store().get("tok.io").access_token, "acc");
  EXPECT_TRUE(store().get("unknown.io").empty());
  store().store("reg.example.com", {"h", "q", "", ""});
  EXPECT_EQ(store().get("reg.example.com").username, "h");
  // Writes never touch Docker's file.
  EXPECT_NE(testing::read(docker()).find("ZDpw"), std::string::npos);
}

TEST_F(Credentials, DockerHubKeyIsNormalised) {
  store().store("docker.io", {"u", "p", "", ""});
  EXPECT_NE(testing::read(helm()).find("\"https://index.docker.io/v1/\""), std::string::npos);
  EXPECT_EQ(store().get("registry-1.docker.io").username, "u");
  EXPECT_EQ(store().get("index.docker.io").username, "u");
}

TEST_F(Credentials, BadInput) {
  EXPECT_THROW(store().store("x.io", {"a:b", "p", "", ""}), Error);
  EXPECT_FALSE(stdfs::exists(helm()));
  testing::write(helm(), "");  // empty file: as if missing
  EXPECT_TRUE(store().get("x.io").empty());
  store().store("x.io", {"a", "b", "", ""});
  EXPECT_EQ(store().get("x.io").username, "a");
  testing::write(helm(), "{\"auths\": ");
  try {
    store().get("x.io");
    ADD_FAILURE() << "malformed JSON accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(helm().string()), std::string::npos) << e.what();
  }
  testing::write(helm(), "{\"auths\":{\"x.io\":{\"auth\":\"!!notbase64\"}}}");
  EXPECT_THROW(store().get("x.io"), Error);
}

TEST_F(Credentials, CredsStoreAndCredHelpersUseTheHelperProgram) {
  install_helper("chtest");
  testing::write(helm(), "{\"credsStore\":\"chtest\"}");
  EXPECT_TRUE(store().get("a.io").empty());  // "not found in native keychain" = none
  store().store("a.io", {"alice", "secret", "", ""});
  EXPECT_EQ(testing::read(helm()), "{\"credsStore\":\"chtest\"}") << "the file stays untouched";
  Credential c = store().get("a.io");
  EXPECT_EQ(c.username, "alice");
  EXPECT_EQ(c.password, "secret");
  // A helper answering Username "<token>" holds a refresh token.
  store().store("b.io", {"", "", "rt-123", ""});
  EXPECT_EQ(store().get("b.io").refresh_token, "rt-123");
  EXPECT_EQ(store().get("b.io").username, "");
  store().erase("a.io");
  EXPECT_TRUE(store().get("a.io").empty());
  store().erase("a.io");  // already gone: fine

  // credHelpers picks a helper per registry; others use the file.
  install_helper("other");
  testing::write(helm(), "{\"credHelpers\":{\"c.io\":\"other\"},\"auths\":{}}");
  store().store("c.io", {"carol", "pw", "", ""});
  store().store("d.io", {"dave", "pw", "", ""});
  EXPECT_EQ(store().get("c.io").username, "carol");
  EXPECT_EQ(testing::read(helm()).find("carol"), std::string::npos);
  EXPECT_NE(testing::read(helm()).find("d.io"), std::string::npos);

  // A helper that fails for another reason is an error, not "no credentials".
  testing::write(helm(), "{\"credsStore\":\"broken\"}");
  auto broken = tmp_.path() / "bin/docker-credential-broken";
  testing::write(broken, "#!/bin/sh\necho 'D-Bus not available' >&2\nexit 3\n");
  stdfs::permissions(broken, stdfs::perms(0755));
  try {
    store().get("a.io");
    ADD_FAILURE() << "failing helper ignored";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("D-Bus not available"), std::string::npos) << e.what();
  }
}

TEST_F(Credentials, PlatformHelperIsDetectedWhenInstalled) {
  // No auths/credsStore/credHelpers, no `pass` on PATH, docker-credential-secretservice
  // installed: the credential goes to it and Helm's file learns credsStore.
  install_helper("secretservice");
  store().store("e.io", {"erin", "pw", "", ""});
  EXPECT_EQ(testing::read(helm()), "{\n\t\"credsStore\": \"secretservice\"\n}");
  EXPECT_EQ(store().get("e.io").username, "erin");
  // With `pass` on PATH the pass helper is chosen instead (when installed).
  stdfs::remove(helm());
  testing::write(tmp_.path() / "bin/pass", "#!/bin/sh\nexit 0\n");
  stdfs::permissions(tmp_.path() / "bin/pass", stdfs::perms(0755));
  install_helper("pass");
  store().store("f.io", {"fred", "pw", "", ""});
  EXPECT_EQ(testing::read(helm()), "{\n\t\"credsStore\": \"pass\"\n}");
}

}  // namespace
}  // namespace ch
