// Where charthouse's client now says and writes what the real Helm does, checked side by
// side with Helm 3.17.3 and 4.1.4 against charthouse serve:
// - errors for a tag, digest or repository that is not there (Helm 3's "<ref>: not found",
//   the HTTP exchange kept on a second line; Helm 4's words for a repository's tag list);
// - the file a pull by digest writes (Helm 4's name@sha256-<hex>.tgz, with or without a tag);
// - `registry login` to a token server keeping the identity (refresh) token, not the
//   password, as Helm 3 does — the same registry/config.json bytes — and later commands
//   authenticating with it;
// - `dependency update` refreshing only the repositories the chart uses, with Helm's lines.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using testing::run;
using testing::RunResult;

using testing::kHelm3;
using testing::kHelm4;

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}
std::string line_with(const std::string& text, const std::string& prefix) {
  auto at = text.find(prefix);
  if (at == std::string::npos) return {};
  auto end = text.find('\n', at);
  return text.substr(at + prefix.size(), end - at - prefix.size());
}

class HelmWords : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    int port = 0;
    server_ = testing::start_server(CH_BINARY, (tmp_.path() / "store").string(), extra, &port);
    host_ = "127.0.0.1:" + std::to_string(port);
  }
  // Each tool gets its own Helm homes (registry config included) unless `home` is shared.
  std::map<std::string, std::string> env(const std::string& home) {
    auto w = tmp_.path() / home;
    return {{"HELM_CONFIG_HOME", (w / "hc").string()},
            {"HELM_CACHE_HOME", (w / "hk").string()},
            {"HELM_DATA_HOME", (w / "hd").string()},
            {"HELM_REPOSITORY_CONFIG", (w / "hc/repositories.yaml").string()},
            {"HELM_REPOSITORY_CACHE", (w / "hk/repository").string()},
            {"HELM_REGISTRY_CONFIG", (w / "hc/registry/config.json").string()},
            {"DOCKER_CONFIG", (w / "docker").string()},
            {"HOME", w.string()}};
  }
  RunResult tool(const std::string& binary, std::vector<std::string> args,
                 const std::string& home) {
    args.insert(args.begin(), binary);
    return run(args, tmp_.path(), env(home));
  }
  stdfs::path package(const std::string& name, const std::string& version) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version, {{"values.yaml", "v: 1\n"}});
    auto r = run({CH_BINARY, "package", dir.string(), "-d", (tmp_.path() / "pkg").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return tmp_.path() / "pkg" / (name + "-" + version + ".tgz");
  }

  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  std::string host_;
};

TEST_F(HelmWords, ThingsThatAreNotThere) {
  start();
  auto p = tool(
      CH_BINARY,
      {"push", package("demo", "1.0.0").string(), "oci://" + host_ + "/charts", "--plain-http"},
      "ch");
  ASSERT_EQ(p.code, 0) << p.err;
  std::string missing_digest = "sha256:" + std::string(64, 'a');
  struct Case {
    std::vector<std::string> args;
    std::string url;  // the request that got the 404
  };
  std::string base = "http://" + host_ + "/v2/charts/";
  std::vector<Case> cases = {
      {{"pull", "oci://" + host_ + "/charts/demo", "--version", "9.9.9"},
       base + "demo/manifests/9.9.9"},
      {{"pull", "oci://" + host_ + "/charts/demo:9.9.9"}, base + "demo/manifests/9.9.9"},
      {{"show", "chart", "oci://" + host_ + "/charts/demo", "--version", "9.9.9"},
       base + "demo/manifests/9.9.9"},
      {{"pull", "oci://" + host_ + "/charts/nothing", "--version", "1.0.0"},
       base + "nothing/manifests/1.0.0"},
      {{"show", "values", "oci://" + host_ + "/charts/nothing:1.0.0"},
       base + "nothing/manifests/1.0.0"},
      {{"pull", "oci://" + host_ + "/charts/demo@" + missing_digest},
       base + "demo/manifests/" + missing_digest},
  };
  for (Case c : cases) {
    SCOPED_TRACE(c.args[0] + " " + c.args[c.args[0] == "show" ? 2 : 1]);
    c.args.push_back("--plain-http");
    auto mine = tool(CH_BINARY, c.args, "ch");
    auto h3 = tool(kHelm3, c.args, "h3");
    auto h4 = tool(kHelm4, c.args, "h4");
    EXPECT_EQ(mine.code, 1);
    EXPECT_EQ(h3.code, 1);
    // Helm 3.17.3's line, word for word ("Error: HOST/NS/CHART:TAG: not found")...
    EXPECT_EQ(first_line(mine.err), first_line(h3.err)) << mine.err << h3.err;
    EXPECT_NE(h3.err.find(": not found"), std::string::npos) << h3.err;
    // ...which Helm 4.1.4 wraps as `failed to perform "FetchReference" on source: …`...
    EXPECT_EQ(first_line(h4.err), "Error: failed to perform \"FetchReference\" on source: " +
                                      first_line(mine.err).substr(7))
        << h4.err;
    // ...and the HTTP exchange on a second line, for whoever debugs it.
    std::string second = mine.err.substr(mine.err.find('\n') + 1);
    EXPECT_EQ(second.rfind("GET \"" + c.url + "\": response status code 404: ", 0), 0u) << mine.err;
    EXPECT_EQ(mine.out, "");
  }
  // A repository that is not there, asked for a range: Helm lists its tags and prints the
  // HTTP exchange; charthouse prints Helm 4.1.4's line byte for byte (Helm 3.17.3's differs
  // only in oras-go v1's wording).
  for (std::vector<std::string> args :
       {std::vector<std::string>{"pull", "oci://" + host_ + "/charts/nothing", "--plain-http"},
        std::vector<std::string>{"show", "chart", "oci://" + host_ + "/charts/nothing", "--version",
                                 "^1", "--plain-http"}}) {
    auto mine = tool(CH_BINARY, args, "ch");
    auto h4 = tool(kHelm4, args, "h4");
    auto h3 = tool(kHelm3, args, "h3");
    EXPECT_EQ(mine.code, 1);
    EXPECT_EQ(mine.err, h4.err);
    EXPECT_EQ(mine.err, "Error: GET \"" + base +
                            "nothing/tags/list\": response status code 404: name unknown: "
                            "repository name not known to registry: map[name:charts/nothing]\n");
    EXPECT_EQ(h3.err, "Error: GET \"" + base +
                          "nothing/tags/list\": unexpected status code 404: name unknown: "
                          "repository name not known to registry\n");
  }
}

TEST_F(HelmWords, PullByDigestNamesTheFileAsHelm4Does) {
  start();
  auto p = tool(
      CH_BINARY,
      {"push", package("demo", "1.0.0").string(), "oci://" + host_ + "/charts", "--plain-http"},
      "ch");
  ASSERT_EQ(p.code, 0) << p.err;
  std::string digest = line_with(p.err, "Digest: ");
  ASSERT_TRUE(Digest::is_valid(digest)) << p.err;
  std::vector<std::vector<std::string>> refs = {
      {"oci://" + host_ + "/charts/demo:1.0.0@" + digest},
      {"oci://" + host_ + "/charts/demo@" + digest},
      {"oci://" + host_ + "/charts/demo@" + digest, "--version", "1.0.0"},
      {"oci://" + host_ + "/charts/demo:1.0.0@" + digest, "--prov"},
  };
  int n = 0;
  for (const auto& ref : refs) {
    SCOPED_TRACE(ref[0] + (ref.size() > 1 ? " " + ref[1] : ""));
    auto mine_dir = tmp_.path() / ("mine" + std::to_string(n));
    auto helm_dir = tmp_.path() / ("helm" + std::to_string(n++));
    stdfs::create_directories(mine_dir);
    stdfs::create_directories(helm_dir);
    std::vector<std::string> args = {"pull"};
    args.insert(args.end(), ref.begin(), ref.end());
    args.push_back("--plain-http");
    auto mine_args = args;
    mine_args.insert(mine_args.end(), {"-d", mine_dir.string()});
    auto helm_args = args;
    helm_args.insert(helm_args.end(), {"-d", helm_dir.string()});
    auto mine = tool(CH_BINARY, mine_args, "ch");
    auto helm = tool(kHelm4, helm_args, "h4");
    ASSERT_EQ(mine.code, 0) << mine.err;
    ASSERT_EQ(helm.code, 0) << helm.err;
    std::string file = "demo@sha256-" + digest.substr(7) + ".tgz";
    EXPECT_EQ(testing::list_files(mine_dir), (std::vector<std::string>{file}));
    EXPECT_EQ(testing::list_files(mine_dir), testing::list_files(helm_dir));
    EXPECT_EQ(testing::read(mine_dir / file), testing::read(helm_dir / file));
    // And the same "Pulled:" line: the digest, not the tag.
    EXPECT_EQ(line_with(mine.err, "Pulled: "), line_with(helm.err, "Pulled: ")) << helm.err;
    EXPECT_EQ(line_with(mine.err, "Pulled: "), host_ + "/charts/demo@" + digest);
  }
}

// The registry config with each identity token replaced by "<token>" (the tokens are signed
// JWTs with their own times and ids).
std::string masked_tokens(std::string config) {
  const std::string key = "\"identitytoken\": \"";
  for (size_t at = config.find(key); at != std::string::npos; at = config.find(key, at + 1)) {
    size_t start = at + key.size();
    size_t end = config.find('"', start);
    config.replace(start, end - start, "<token>");
  }
  return config;
}

TEST_F(HelmWords, LoginToATokenServerKeepsTheIdentityTokenAsHelm3Does) {
  auto htpasswd = tmp_.path() / "htpasswd";
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd.string(), "alice", "wonderland"}).code, 0);
  testing::write(tmp_.path() / "access.yaml", "users:\n  alice: {pull: [\"*\"], push: [\"*\"]}\n");
  start({"--auth", "token", "--htpasswd", htpasswd.string(), "--access",
         (tmp_.path() / "access.yaml").string()});
  auto h3 = tool(
      kHelm3, {"registry", "login", host_, "-u", "alice", "-p", "wonderland", "--insecure"}, "h3");
  ASSERT_EQ(h3.code, 0) << h3.err;
  auto mine =
      tool(CH_BINARY,
           {"registry", "login", host_, "-u", "alice", "-p", "wonderland", "--plain-http"}, "ch");
  ASSERT_EQ(mine.code, 0) << mine.err;
  EXPECT_EQ(mine.err, h3.err);  // the --password warning and "Login Succeeded"
  auto theirs_file = tmp_.path() / "h3/hc/registry/config.json";
  auto mine_file = tmp_.path() / "ch/hc/registry/config.json";
  std::string theirs_config = testing::read(theirs_file);
  std::string mine_config = testing::read(mine_file);
  // {"auths": {"HOST": {"identitytoken": "…"}}}, tab-indented, no password anywhere.
  EXPECT_EQ(masked_tokens(mine_config), masked_tokens(theirs_config));
  EXPECT_EQ(masked_tokens(mine_config),
            "{\n\t\"auths\": {\n\t\t\"" + host_ +
                "\": {\n\t\t\t\"identitytoken\": \"<token>\"\n\t\t}\n\t}\n}");
  EXPECT_EQ(mine_config.find("wonderland"), std::string::npos);
  EXPECT_EQ(mine_config.find("YWxpY2U6d29uZGVybGFuZA"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(mine_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Later commands trade the identity token for access tokens (grant_type=refresh_token):
  // charthouse with its own login and with Helm 3's, and both Helms with charthouse's.
  auto tgz = package("demo", "1.0.0");
  size_t mark = server_->stderr_text().size();
  auto p =
      tool(CH_BINARY, {"push", tgz.string(), "oci://" + host_ + "/charts", "--plain-http"}, "ch");
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_NE(server_->stderr_text().substr(mark).find("\"POST /token "), std::string::npos);
  for (std::string home : {"ch", "h3"}) {
    auto dest = tmp_.path() / ("pulled-" + home);
    stdfs::create_directories(dest);
    auto r =
        tool(CH_BINARY,
             {"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string(), "--plain-http"},
             home);
    ASSERT_EQ(r.code, 0) << home << ": " << r.err;
    EXPECT_EQ(testing::read(dest / "demo-1.0.0.tgz"), testing::read(tgz));
  }
  for (const std::string& helm : {kHelm3, kHelm4}) {
    auto dest = tmp_.path() / ("helm-pulled-" + std::to_string(helm == kHelm3));
    stdfs::create_directories(dest);
    auto r =
        tool(helm,
             {"pull", "oci://" + host_ + "/charts/demo:1.0.0", "-d", dest.string(), "--plain-http"},
             "ch");
    ASSERT_EQ(r.code, 0) << helm << ": " << r.err;
    EXPECT_EQ(testing::read(dest / "demo-1.0.0.tgz"), testing::read(tgz));
  }
}

TEST_F(HelmWords, LoginToABasicAuthRegistryWritesHelm3sFile) {
  auto htpasswd = tmp_.path() / "htpasswd";
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd.string(), "alice", "wonderland"}).code, 0);
  start({"--auth", "htpasswd", "--htpasswd", htpasswd.string()});
  auto h3 = tool(
      kHelm3, {"registry", "login", host_, "-u", "alice", "-p", "wonderland", "--insecure"}, "h3");
  ASSERT_EQ(h3.code, 0) << h3.err;
  auto mine =
      tool(CH_BINARY,
           {"registry", "login", host_, "-u", "alice", "-p", "wonderland", "--plain-http"}, "ch");
  ASSERT_EQ(mine.code, 0) << mine.err;
  // No token server, no identity token: the username and password, byte for byte as Helm.
  EXPECT_EQ(testing::read(tmp_.path() / "ch/hc/registry/config.json"),
            testing::read(tmp_.path() / "h3/hc/registry/config.json"));
}

TEST_F(HelmWords, DependencyUpdateRefreshesOnlyTheRepositoriesTheChartUses) {
  auto w = tmp_.path();
  // A classic repository (served by nginx) holding the dependency, configured as "used"; an
  // "unused" one with its own index; and "down", which nothing answers.
  stdfs::create_directories(w / "site/other");
  stdfs::copy_file(package("dep", "0.1.0"), w / "site/dep-0.1.0.tgz");
  ASSERT_EQ(run({kHelm3, "repo", "index", (w / "site").string()}, w, env("h3")).code, 0);
  stdfs::copy_file(w / "site/index.yaml", w / "site/other/index.yaml");
  stdfs::create_directories(w / "nginx");
  int port = 0;
  auto nginx = testing::start_nginx((w / "site").string(), (w / "nginx").string(), &port);
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string down = "http://127.0.0.1:" + std::to_string(testing::free_port());
  std::string repos = "apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n";
  for (auto [name, u] : std::vector<std::pair<std::string, std::string>>{
           {"used", url}, {"unused", url + "/other"}, {"down", down}})
    repos += "- name: " + name + "\n  url: " + u + "\n";
  for (std::string home : {"ch", "h3", "h4"}) {
    testing::write(w / home / "hc/repositories.yaml", repos);
    // Helm needs some cached index for every configured repository, even one it cannot
    // refresh: "down" was reachable once.
    testing::write(w / home / "hk/repository/down-index.yaml",
                   testing::read(w / "site/index.yaml"));
    testing::write(w / home / "chart/Chart.yaml",
                   "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n- name: dep\n"
                   "  version: \">=0.1.0\"\n  repository: " +
                       url + "\n");
  }
  auto mine = tool(CH_BINARY, {"dependency", "update", (w / "ch/chart").string()}, "ch");
  ASSERT_EQ(mine.code, 0) << mine.out << mine.err;
  EXPECT_EQ(testing::list_files(w / "ch/chart/charts"),
            (std::vector<std::string>{"dep-0.1.0.tgz"}));
  // Only "used" is refreshed, with Helm's lines.
  EXPECT_EQ(mine.out,
            "Hang tight while we grab the latest from your chart repositories...\n"
            "...Successfully got an update from the \"used\" chart repository\n"
            "Update Complete. ⎈Happy Helming!⎈\n"
            "Saving 1 charts\n"
            "Downloading dep from repo " +
                url +
                "\n"
                "Deleting outdated charts\n");
  // Both Helms refresh every configured repository (helm#31282), in no fixed order.
  for (std::string home : {"h3", "h4"}) {
    auto helm = tool(home == "h3" ? kHelm3 : kHelm4,
                     {"dependency", "update", (w / home / "chart").string()}, home);
    ASSERT_EQ(helm.code, 0) << helm.out << helm.err;
    EXPECT_EQ(testing::list_files(w / home / "chart/charts"),
              testing::list_files(w / "ch/chart/charts"));
    for (const std::string& line :
         {std::string("Hang tight while we grab the latest from your chart repositories...\n"),
          std::string("...Successfully got an update from the \"used\" chart repository\n"),
          std::string("...Successfully got an update from the \"unused\" chart repository\n"),
          "...Unable to get an update from the \"down\" chart repository (" + down + "):\n",
          std::string("Update Complete. ⎈Happy Helming!⎈\nSaving 1 charts\n")})
      EXPECT_NE(helm.out.find(line), std::string::npos) << home << " lacks " << line << helm.out;
  }
}

}  // namespace
}  // namespace ch
