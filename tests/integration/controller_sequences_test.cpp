// What the GitOps controllers do against `charthouse serve`, replayed request by request with
// a fresh connection per call and every status and header checked:
//  - Argo CD's repo-server: a targetRevision range resolved through GET /v2/<repo>/tags/list
//    (oras-go v2 auth.Client without a token cache, keep-alives off: each call is
//    unauthenticated → 401 → GET token with Basic → retry), then `helm registry login
//    --password-stdin`, `helm pull --version <resolved> --destination <tmp>` and
//    `helm registry logout` in a temporary HELM_CONFIG_HOME, run with both real Helms and with
//    charthouse in Helm's place (argo-cd util/helm/client.go GetTags, util/helm/cmd.go).
//  - Flux source-controller, HelmRepository of type oci: an exact version pulls without listing
//    tags; a range lists them (401 → token with Basic → retry, Link pagination); credentials come
//    from a Docker config.json whose `auths` key must name this host:port
//    (internal/helm/repository/oci_chart_repository.go, internal/helm/registry/auth.go).
//  - Flux OCIRepository (go-containerregistry): ping /v2/ (401 challenge → token), HEAD of the
//    manifest by tag with Docker-Content-Digest, Content-Type and Content-Length, the manifest
//    by digest, then the chart layer chosen by media type (internal/controller/
//    ocirepository_controller.go).
//  - HEAD of a manifest in a repository that does not exist yet answers 404 to a caller who
//    may push there, not 401 (Quay's bug, helm#31567), in htpasswd and token modes.
//  - A public namespace: anonymous tokens pull from public/*, pushes are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/file.hpp"
#include "base/percent.hpp"
#include "gocompat/semver.hpp"
#include "helm_tools.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;
using testing::HttpResponse;
using testing::run;
using testing::RunResult;

using testing::kHelm3;
using testing::kHelm4;

const std::string kAlice = "alice:wonderland";
const std::string kOciManifest = "application/vnd.oci.image.manifest.v1+json";
const std::string kHelmConfig = "application/vnd.cncf.helm.config.v1+json";
const std::string kChartLayer = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const std::string kProvLayer = "application/vnd.cncf.helm.chart.provenance.v1.prov";

// oras-go v2 registry/remote/manifest.go defaultManifestMediaTypes, joined with ", ".
const std::string kOrasAccept =
    "Accept: application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.oci.artifact.manifest.v1+json";
// go-containerregistry pkg/v1/remote/descriptor.go allManifestMediaTypes, joined with ",".
const std::string kGgcrAccept =
    "Accept: application/vnd.docker.distribution.manifest.v1+json,"
    "application/vnd.docker.distribution.manifest.v1+prettyjws,"
    "application/vnd.docker.distribution.manifest.v2+json,"
    "application/vnd.oci.image.manifest.v1+json,"
    "application/vnd.docker.distribution.manifest.list.v2+json,"
    "application/vnd.oci.image.index.v1+json";

// Every tag of charts/app in the server's (byte) order.
const std::vector<std::string> kAppTags = {"1.0.0",         "1.1.0",      "1.2.0",
                                           "1.2.1_build.5", "1.3.0-rc.1", "2.0.0"};

// One request on its own connection, as the controllers' transports (DisableKeepAlives in
// Argo CD; a new go-containerregistry transport per operation in Flux) do.
HttpResponse fresh(const std::string& method, const std::string& url,
                   const std::vector<std::string>& headers = {}) {
  testing::HttpClient c;
  return c.request(method, url, headers);
}

std::string basic(const std::string& user_colon_password) {
  return "Authorization: Basic " + base64_encode(user_colon_password);
}

// A WWW-Authenticate value: scheme and its auth-params (quoted strings unescaped).
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

Challenge parse_challenge(const std::string& h) {
  Challenge c;
  size_t i = h.find(' ');
  c.scheme = h.substr(0, i);
  while (i != std::string::npos && i < h.size()) {
    while (i < h.size() && (h[i] == ' ' || h[i] == ',')) ++i;
    size_t eq = h.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = h.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < h.size() && h[i] == '"') {
      for (++i; i < h.size() && h[i] != '"'; ++i) {
        if (h[i] == '\\' && i + 1 < h.size()) ++i;
        value += h[i];
      }
      ++i;
    } else {
      size_t end = h.find(',', i);
      value = h.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end;
    }
    c.params[key] = value;
  }
  return c;
}

// Go's url.Values.Encode of {scope: scopes..., service: service}: keys sorted, one scope
// parameter per scope, QueryEscape'd (oras-go fetchDistributionToken, ggcr refreshBasic).
std::string token_query(const std::vector<std::string>& scopes, const std::string& service) {
  std::string q;
  for (const auto& s : scopes) q += "scope=" + percent_encode(s) + "&";
  return q + "service=" + percent_encode(service);
}

std::string error_code(const HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.contains("errors") || !j["errors"].is_array() || j["errors"].empty())
    return "";
  return j["errors"][0].value("code", "");
}

// The claims of a JWT (payload decoded without checking the signature); {} when malformed.
json jwt_claims(const std::string& jwt) {
  auto a = jwt.find('.');
  if (a == std::string::npos) return json::object();
  auto b = jwt.find('.', a + 1);
  if (b == std::string::npos) return json::object();
  auto payload = base64url_decode(jwt.substr(a + 1, b - a - 1));
  if (!payload) return json::object();
  auto j = json::parse(*payload, nullptr, false);
  return j.is_object() ? j : json::object();
}

// The "access" claim of a JWT.
json token_access(const std::string& jwt) {
  return jwt_claims(jwt).value("access", json::array());
}

// Sums charthouse_http_requests_total for one route label over methods and statuses.
long requests_to(const std::string& base, const std::string& route) {
  auto m = fresh("GET", base + "/metrics");
  EXPECT_EQ(m.status, 200);
  long total = 0;
  std::string prefix = "charthouse_http_requests_total{route=\"" + route + "\"";
  size_t pos = 0;
  while ((pos = m.body.find(prefix, pos)) != std::string::npos) {
    size_t eol = m.body.find('\n', pos);
    std::string line = m.body.substr(pos, eol - pos);
    total += std::stol(line.substr(line.rfind(' ') + 1));
    pos = eol;
  }
  return total;
}

class ControllerSequences : public ::testing::Test {
 protected:
  void SetUp() override {
    htpasswd_ = (tmp_.path() / "htpasswd").string();
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd_, "alice", "wonderland"}).code, 0);
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd_, "bob", "builder"}).code, 0);
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd_, "carol", "singer"}).code, 0);
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd_, "dave", "dropper"}).code, 0);
    access_ = (tmp_.path() / "access.yaml").string();
    testing::write(access_,
                   "anonymous: {pull: [\"public/*\"]}\n"
                   "users:\n"
                   "  alice: {pull: [\"*\"], push: [\"*\"], delete: [\"*\"], catalog: true}\n"
                   "  bob: {pull: [\"*\"]}\n"
                   "  carol: {}\n"
                   "  dave: {push: [\"drop/*\"]}\n");
  }

  void start(const std::string& mode) {
    server_ = testing::start_server(CH_BINARY, (tmp_.path() / "store").string(),
                                    {"--auth", mode, "--htpasswd", htpasswd_, "--access", access_},
                                    &port_);
    host_ = "127.0.0.1:" + std::to_string(port_);
    base_ = "http://" + host_;
    realm_ = base_ + "/token";
  }

  // An isolated Helm home under the test's directory, laid out as Argo CD's helm wrapper sets
  // it (XDG_* and HELM_CONFIG_HOME under one temp dir) plus HELM_CACHE_HOME/HELM_DATA_HOME;
  // no Helm registry config override; Docker's config from <home>/docker.
  std::map<std::string, std::string> home_env(const stdfs::path& home) {
    return {{"XDG_CACHE_HOME", (home / "cache").string()},
            {"XDG_CONFIG_HOME", (home / "config").string()},
            {"XDG_DATA_HOME", (home / "data").string()},
            {"HELM_CONFIG_HOME", (home / "config").string()},
            {"HELM_CACHE_HOME", (home / "cache").string()},
            {"HELM_DATA_HOME", (home / "data").string()},
            {"HELM_REGISTRY_CONFIG", ""},
            {"DOCKER_CONFIG", (home / "docker").string()},
            {"HOME", home.string()}};
  }

  // argv with `stdin_file` as standard input (run() gives children /dev/null).
  RunResult run_with_stdin(const std::vector<std::string>& argv, const stdfs::path& stdin_file,
                           std::map<std::string, std::string> env) {
    std::vector<std::string> sh = {"/bin/sh", "-c", "exec \"$@\" < \"$CH_STDIN_FILE\"", "sh"};
    sh.insert(sh.end(), argv.begin(), argv.end());
    env["CH_STDIN_FILE"] = stdin_file.string();
    return run(sh, tmp_.path(), env);
  }

  // A packaged chart (with a stand-in .prov beside it when prov is set).
  stdfs::path make_chart(const std::string& name, const std::string& version, bool prov = false) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version,
                         {{"values.yaml", "image: " + name + ":" + version + "\n"},
                          {"templates/cm.yaml", "kind: ConfigMap\n"}});
    auto out = tmp_.path() / "pkg";
    auto r = run({CH_BINARY, "package", dir.string(), "-d", out.string()});
    EXPECT_EQ(r.code, 0) << r.err;
    auto tgz = out / (name + "-" + version + ".tgz");
    if (prov) testing::write(tgz.string() + ".prov", "-----BEGIN PGP SIGNED MESSAGE-----\n" + name);
    return tgz;
  }

  // alice pushes charts/app (every version of kAppTags) and public/hello 0.1.0 with charthouse.
  void seed() {
    auto home = tmp_.path() / "seed";
    auto env = home_env(home);
    auto login = run(
        {CH_BINARY, "registry", "login", host_, "-u", "alice", "-p", "wonderland", "--plain-http"},
        tmp_.path(), env);
    ASSERT_EQ(login.code, 0) << login.err;
    auto push = [&](const stdfs::path& tgz, const std::string& ns) {
      auto r = run({CH_BINARY, "push", tgz.string(), "oci://" + host_ + "/" + ns, "--plain-http"},
                   tmp_.path(), env);
      ASSERT_EQ(r.code, 0) << r.err << server_->stderr_text();
    };
    for (const std::string v :
         {"1.0.0", "1.1.0", "1.2.0", "1.2.1+build.5", "1.3.0-rc.1", "2.0.0"}) {
      auto tgz = make_chart("app", v, v == "1.2.0");
      archives_[v] = testing::read(tgz);
      push(tgz, "charts");
    }
    auto hello = make_chart("hello", "0.1.0");
    archives_["hello"] = testing::read(hello);
    push(hello, "public");
  }

  // One call through oras-go v2's auth.Client with no token cache (Argo CD's GetTags, Flux's
  // Helm registry client): the request without credentials, its 401 Bearer challenge, a
  // token by GET <realm>?scope=…&service=… with Basic credentials (none: anonymous), and the
  // retry with the token. Every step is checked; returns the retried response.
  struct OrasCall {
    Challenge challenge;
    std::string token;
    HttpResponse response;
  };
  OrasCall oras_do(const std::string& method, const std::string& url,
                   const std::vector<std::string>& headers, const std::string& hint_scope,
                   const std::string& user_colon_password) {
    OrasCall call;
    auto first = fresh(method, url, headers);
    EXPECT_EQ(first.status, 401) << method << " " << url;
    call.challenge = parse_challenge(first.header("www-authenticate"));
    EXPECT_EQ(call.challenge.scheme, "Bearer") << first.header("www-authenticate");
    EXPECT_EQ(call.challenge.params["realm"], realm_);
    EXPECT_EQ(call.challenge.params["service"], "charthouse");
    EXPECT_EQ(call.challenge.params["scope"], hint_scope)
        << "the challenge names the scope the request needs";
    if (method != "HEAD") {
      EXPECT_EQ(error_code(first), "UNAUTHORIZED") << first.body;
    }
    // hint ∪ challenge, cleaned: one scope here (auth.CleanScopes).
    std::vector<std::string> headers_token;
    if (!user_colon_password.empty()) headers_token.push_back(basic(user_colon_password));
    auto tr = fresh("GET",
                    call.challenge.params["realm"] + "?" +
                        token_query({hint_scope}, call.challenge.params["service"]),
                    headers_token);
    EXPECT_EQ(tr.status, 200) << tr.body;
    EXPECT_EQ(tr.header("content-type"), "application/json");
    auto tj = json::parse(tr.body, nullptr, false);
    if (tr.status != 200 || tj.is_discarded() || !tj.contains("access_token")) return call;
    call.token = tj["access_token"].get<std::string>();  // oras prefers access_token
    EXPECT_EQ(tj.value("token", ""), call.token) << "token and access_token are the same";
    EXPECT_GT(tj.value("expires_in", 0), 0);
    auto retry = headers;
    retry.push_back("Authorization: Bearer " + call.token);
    call.response = fresh(method, url, retry);
    return call;
  }

  // The body of a tag-list page, checked as oras and go-containerregistry read it.
  std::vector<std::string> tags_of(const HttpResponse& r, const std::string& repo) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("tags")) {
      ADD_FAILURE() << "not a tag list: " << r.body;
      return {};
    }
    EXPECT_EQ(j.value("name", ""), repo);
    return j["tags"].get<std::vector<std::string>>();
  }

  // The next page from a Link header `<url>; rel="next"`, resolved against the request URL
  // (oras parseLink, ggcr getNextPageURL); "" when there is none.
  std::string next_page(const HttpResponse& r) {
    std::string link = r.header("link");
    if (link.empty()) return "";
    EXPECT_EQ(link.front(), '<') << link;
    auto close = link.find('>');
    EXPECT_NE(close, std::string::npos) << link;
    EXPECT_NE(link.find("rel=\"next\"", close), std::string::npos) << link;
    std::string target = link.substr(1, close - 1);
    EXPECT_EQ(target.rfind("/v2/", 0), 0u) << "a path on the same registry: " << target;
    return base_ + target;
  }

  fs::TempDir tmp_;
  std::string htpasswd_, access_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0;
  std::string host_, base_, realm_;
  std::map<std::string, std::string> archives_;  // version (or "hello") -> .tgz bytes
};

// Argo CD resolves a Helm OCI targetRevision range (reposerver/repository/repository.go
// newHelmClientResolveRevision → util/helm/client.go GetTags → util/versions MaxVersion).
TEST_F(ControllerSequences, ArgoCdResolvesRangeThroughTagListing) {
  start("token");
  ASSERT_NO_FATAL_FAILURE(seed());
  const std::string url = base_ + "/v2/charts/app/tags/list";
  const std::string scope = "repository:charts/app:pull";

  // GetTags: repo.Tags(ctx, "", …) — no n, no last; one page since the registry sent no Link.
  auto call = oras_do("GET", url, {"User-Agent: argocd-repo-server"}, scope, kAlice);
  std::vector<std::string> tags = tags_of(call.response, "charts/app");
  EXPECT_EQ(tags, kAppTags);
  EXPECT_EQ(call.response.header("link"), "") << "everything fits one page without n";
  EXPECT_EQ(token_access(call.token),
            json::parse(R"([{"type":"repository","name":"charts/app","actions":["pull"]}])"));

  // Argo's conversion (_ → +) and MaxVersion: the highest version satisfying the constraint.
  auto max_version = [&](const std::string& revision) -> std::string {
    if (semver::Version::try_parse(revision)) return revision;  // a pin: no listing needed
    auto c = semver::Constraints::parse(revision);
    std::optional<semver::Version> best;
    for (std::string t : tags) {
      std::replace(t.begin(), t.end(), '_', '+');
      auto v = semver::Version::try_parse(t);
      if (v && c.check(*v) && (!best || *v > *best)) best = v;
    }
    return best ? best->original() : "";
  };
  EXPECT_EQ(max_version(">=1.0.0 <2.0.0"), "1.2.1+build.5");
  EXPECT_EQ(max_version("~1.1"), "1.1.0");
  EXPECT_EQ(max_version("^2"), "2.0.0");
  // Masterminds: a prerelease satisfies only comparisons that carry a prerelease themselves.
  EXPECT_EQ(max_version(">=1.3.0-0 <2.0.0"), "") << "1.3.0-rc.1 fails <2.0.0";
  EXPECT_EQ(max_version(">=1.3.0-0 <2.0.0-0"), "1.3.0-rc.1");

  // The same listing with `last=` pagination: each page on a new connection with a new token
  // (no cache: 401, token, retry), following Link until it stops.
  std::vector<std::string> paged;
  std::set<std::string> tokens;
  std::string next = url + "?n=2";
  std::vector<std::string> links;
  while (!next.empty()) {
    SCOPED_TRACE(next);
    auto page = oras_do("GET", next, {}, scope, kAlice);
    tokens.insert(page.token);
    auto t = tags_of(page.response, "charts/app");
    EXPECT_LE(t.size(), 2u);
    paged.insert(paged.end(), t.begin(), t.end());
    links.push_back(page.response.header("link"));
    next = next_page(page.response);
    if (links.size() > 10) break;
  }
  EXPECT_EQ(paged, kAppTags);
  EXPECT_EQ(links, (std::vector<std::string>{
                       "</v2/charts/app/tags/list?n=2&last=1.1.0>; rel=\"next\"",
                       "</v2/charts/app/tags/list?n=2&last=1.2.1_build.5>; rel=\"next\"", ""}));
  EXPECT_EQ(tokens.size(), 3u) << "a new token per call";
  // repo.Tags(ctx, last, …) with a non-empty last and no page size: the tags after it.
  auto after = oras_do("GET", url + "?last=1.2.0", {}, scope, kAlice);
  EXPECT_EQ(tags_of(after.response, "charts/app"),
            (std::vector<std::string>{"1.2.1_build.5", "1.3.0-rc.1", "2.0.0"}));

  // A wrong password at the token endpoint fails the resolution: 401 with a Basic challenge.
  auto bad =
      fresh("GET", realm_ + "?" + token_query({scope}, "charthouse"), {basic("alice:wrong")});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.header("www-authenticate"), "Basic realm=\"charthouse\"");
}

// Argo CD's ExtractChart for an OCI repository with credentials (util/helm/client.go
// ExtractChart → util/helm/cmd.go RegistryLogin/PullOCI/RegistryLogout), each run in its own
// temporary Helm home, with Helm 3.17.3, Helm 4.1.4 and charthouse as `helm`.
TEST_F(ControllerSequences, ArgoCdLoginPullLogoutWithEachHelm) {
  start("token");
  ASSERT_NO_FATAL_FAILURE(seed());
  const std::string resolved = "1.2.1+build.5";
  stdfs::path password = tmp_.path() / "password";
  testing::write(password, "wonderland");  // Argo writes the password without a newline
  stdfs::path wrong = tmp_.path() / "wrong";
  testing::write(wrong, "not-the-password");
  int n = 0;
  std::map<std::string, std::string> pulled;
  for (const std::string& tool : {kHelm3, kHelm4, std::string(CH_BINARY)}) {
    SCOPED_TRACE(tool);
    auto home = tmp_.path() / ("argo-helm-" + std::to_string(++n));
    auto env = home_env(home);
    // Helm 3.17 has no --plain-http on login; --insecure lets it speak HTTP.
    std::string login_plain = tool == kHelm3 ? "--insecure" : "--plain-http";
    auto registry_config = home / "config" / "registry" / "config.json";

    auto refused = run_with_stdin(
        {tool, "registry", "login", host_, "--username", "alice", "--password-stdin", login_plain},
        wrong, env);
    EXPECT_NE(refused.code, 0) << refused.out << refused.err;
    EXPECT_TRUE(!stdfs::exists(registry_config) ||
                testing::read(registry_config).find(host_) == std::string::npos);

    auto login = run_with_stdin(
        {tool, "registry", "login", host_, "--username", "alice", "--password-stdin", login_plain},
        password, env);
    ASSERT_EQ(login.code, 0) << login.out << login.err;
    EXPECT_NE((login.out + login.err).find("Login Succeeded"), std::string::npos)
        << login.out << login.err;
    ASSERT_TRUE(stdfs::exists(registry_config));
    // Helm 4 keeps the password (auth); Helm 3.17 (Docker's login) and charthouse keep the
    // identity token the token server issued for alice instead.
    auto stored = json::parse(testing::read(registry_config));
    const json entry = stored["auths"].value(host_, json::object());
    if (tool == kHelm4) {
      EXPECT_EQ(entry.value("auth", ""), base64_encode(kAlice)) << stored.dump();
    } else {
      EXPECT_FALSE(entry.contains("auth")) << stored.dump();
      EXPECT_EQ(jwt_claims(entry.value("identitytoken", "")).value("sub", ""), "alice")
          << stored.dump();
      EXPECT_EQ(jwt_claims(entry.value("identitytoken", "")).value("token_use", ""), "refresh");
    }

    auto dest = home / "dest";
    stdfs::create_directories(dest);
    auto pull = run({tool, "pull", "oci://" + host_ + "/charts/app", "--version", resolved,
                     "--destination", dest.string(), "--plain-http"},
                    tmp_.path(), env);
    ASSERT_EQ(pull.code, 0) << pull.out << pull.err;
    EXPECT_EQ(testing::list_files(dest), std::vector<std::string>{"app-" + resolved + ".tgz"})
        << "Argo expects exactly one file in the destination";
    pulled[tool] = testing::read(dest / ("app-" + resolved + ".tgz"));
    EXPECT_EQ(pulled[tool], archives_[resolved]);

    auto logout = run({tool, "registry", "logout", host_}, tmp_.path(), env);
    EXPECT_EQ(logout.code, 0) << logout.out << logout.err;
    EXPECT_NE((logout.out + logout.err).find("Removing login credentials for " + host_),
              std::string::npos)
        << logout.out << logout.err;
    auto after = json::parse(testing::read(registry_config), nullptr, false);
    EXPECT_FALSE(!after.is_discarded() && after.contains("auths") && after["auths"].contains(host_))
        << testing::read(registry_config);
    // Logged out, the same pull is refused: the credential really was the login's.
    auto dest2 = home / "dest2";
    stdfs::create_directories(dest2);
    auto again = run({tool, "pull", "oci://" + host_ + "/charts/app", "--version", resolved,
                      "--destination", dest2.string(), "--plain-http"},
                     tmp_.path(), env);
    EXPECT_NE(again.code, 0) << again.out << again.err;
    EXPECT_TRUE(testing::list_files(dest2).empty());
  }
  EXPECT_EQ(pulled[kHelm3], pulled[kHelm4]);
  EXPECT_EQ(pulled[kHelm4], pulled[CH_BINARY]);
}

// Flux HelmRepository (type oci), exact version: getChartVersion takes the shortcut (no tag
// listing) and DownloadChart pulls through Helm's registry client: GET manifest by tag, then
// the config and chart blobs, each call 401 → token (Basic) → retry.
TEST_F(ControllerSequences, FluxHelmRepositoryExactVersionSkipsTagListing) {
  start("token");
  ASSERT_NO_FATAL_FAILURE(seed());
  const std::string scope = "repository:charts/app:pull";
  long listed_before = requests_to(base_, "/v2/<name>/tags/list");

  auto m = oras_do("GET", base_ + "/v2/charts/app/manifests/1.2.0",
                   {kOrasAccept, "User-Agent: flux/v2/helm/v4/oras/v2"}, scope, kAlice);
  ASSERT_EQ(m.response.status, 200) << m.response.body;
  EXPECT_EQ(m.response.header("content-type"), kOciManifest);
  EXPECT_EQ(m.response.header("content-length"), std::to_string(m.response.body.size()));
  EXPECT_EQ(m.response.header("docker-content-digest"), digest_of(m.response.body).str());
  auto manifest = json::parse(m.response.body);
  EXPECT_EQ(manifest["config"]["mediaType"], kHelmConfig);
  std::vector<std::string> blobs = {manifest["config"]["digest"].get<std::string>()};
  std::string chart_digest;
  for (const auto& l : manifest["layers"]) {
    blobs.push_back(l["digest"].get<std::string>());
    if (l["mediaType"] == kChartLayer) chart_digest = l["digest"].get<std::string>();
  }
  ASSERT_FALSE(chart_digest.empty()) << m.response.body;
  for (const std::string& d : blobs) {
    SCOPED_TRACE(d);
    auto b = oras_do("GET", base_ + "/v2/charts/app/blobs/" + d, {}, scope, kAlice);
    ASSERT_EQ(b.response.status, 200);
    EXPECT_EQ(digest_of(b.response.body).str(), d);
    EXPECT_EQ(b.response.header("docker-content-digest"), d);
    if (d == chart_digest) {
      EXPECT_EQ(b.response.body, archives_["1.2.0"]);
    }
  }
  EXPECT_EQ(requests_to(base_, "/v2/<name>/tags/list"), listed_before);

  // The real clients agree: an exact --version pulls without listing tags, a range lists them.
  for (const std::string& tool : {kHelm3, kHelm4, std::string(CH_BINARY)}) {
    SCOPED_TRACE(tool);
    auto home = tmp_.path() /
                ("flux-exact-" + std::to_string(tool == kHelm3) + std::to_string(tool == kHelm4));
    testing::write(home / "docker" / "config.json",
                   json{{"auths", {{host_, {{"auth", base64_encode(kAlice)}}}}}}.dump());
    auto env = home_env(home);
    auto dest = home / "dest";
    stdfs::create_directories(dest);
    long before = requests_to(base_, "/v2/<name>/tags/list");
    auto exact = run({tool, "pull", "oci://" + host_ + "/charts/app", "--version", "1.2.0",
                      "--destination", dest.string(), "--plain-http"},
                     tmp_.path(), env);
    ASSERT_EQ(exact.code, 0) << exact.out << exact.err;
    EXPECT_EQ(testing::read(dest / "app-1.2.0.tgz"), archives_["1.2.0"]);
    EXPECT_EQ(requests_to(base_, "/v2/<name>/tags/list"), before) << "exact version: no listing";
    auto range = run({tool, "pull", "oci://" + host_ + "/charts/app", "--version", "~1.1",
                      "--destination", dest.string(), "--plain-http"},
                     tmp_.path(), env);
    ASSERT_EQ(range.code, 0) << range.out << range.err;
    EXPECT_EQ(testing::read(dest / "app-1.1.0.tgz"), archives_["1.1.0"]);
    EXPECT_GT(requests_to(base_, "/v2/<name>/tags/list"), before) << "a range lists tags";
  }
}

// Flux HelmRepository (type oci), semver range: Helm's registry client lists the tags
// (repo.Tags, no n), each call 401 → token with Basic → retry, following Link pages; the
// credential comes from a dockerconfigjson Secret whose auths key must name this host.
TEST_F(ControllerSequences, FluxHelmRepositoryRangeAndDockerConfigKey) {
  start("token");
  ASSERT_NO_FATAL_FAILURE(seed());
  const std::string scope = "repository:charts/app:pull";
  const std::string url = base_ + "/v2/charts/app/tags/list";

  // KeychainFromSecret: dockerCfg.GetAuthConfig(host) must come back for this very host.
  auto docker_config = json{{"auths", {{host_, {{"auth", base64_encode(kAlice)}}}}}};
  auto entry = docker_config["auths"].find(host_);
  ASSERT_NE(entry, docker_config["auths"].end());
  auto creds = base64_decode((*entry)["auth"].get<std::string>());
  ASSERT_TRUE(creds);

  auto call = oras_do("GET", url, {"User-Agent: flux/v2/helm/v4/oras/v2"}, scope, *creds);
  std::vector<std::string> tags = tags_of(call.response, "charts/app");
  EXPECT_EQ(tags, kAppTags);
  // Link pagination as oras follows it, each page a new 401 → token → retry.
  std::vector<std::string> paged;
  int pages = 0;
  for (std::string next = url + "?n=4"; !next.empty() && pages < 10; ++pages) {
    auto page = oras_do("GET", next, {}, scope, *creds);
    auto t = tags_of(page.response, "charts/app");
    paged.insert(paged.end(), t.begin(), t.end());
    next = next_page(page.response);
  }
  EXPECT_EQ(paged, kAppTags);
  EXPECT_EQ(pages, 2);

  // getLastMatchingVersionOrConstraint over Helm's strict-semver tags (_ → +).
  auto resolve = [&](const std::string& ver) {
    for (const auto& t : tags)
      if (t == ver) return t;
    auto c = semver::Constraints::parse(ver.empty() ? "*" : ver);
    std::optional<semver::Version> best;
    for (std::string t : tags) {
      std::replace(t.begin(), t.end(), '_', '+');
      auto v = semver::Version::try_parse_strict(t);
      if (v && c.check(*v) && (!best || *v > *best)) best = v;
    }
    return best ? best->original() : std::string();
  };
  EXPECT_EQ(resolve(">=1.0.0 <2.0.0"), "1.2.1+build.5");
  EXPECT_EQ(resolve(""), "2.0.0");
  // The chart URL carries the version; Helm's reference turns '+' into '_' for the tag.
  auto m = oras_do("GET", base_ + "/v2/charts/app/manifests/1.2.1_build.5", {kOrasAccept}, scope,
                   *creds);
  EXPECT_EQ(m.response.status, 200);
  EXPECT_EQ(m.response.header("docker-content-digest"), digest_of(m.response.body).str());

  // The key must name host:port. docker/cli's ConvertToHostname (and oras's, and ours) strip
  // an http(s):// scheme and a path, so those forms match; another host spelling or port
  // does not, and the pull falls back to an anonymous token and is refused.
  struct Case {
    std::string key;
    bool used;
  };
  std::vector<Case> cases = {{host_, true},
                             {"http://" + host_, true},
                             {"https://" + host_ + "/v2/", true},
                             {"127.0.0.1:" + std::to_string(port_ == 65535 ? 1 : port_ + 1), false},
                             {"localhost:" + std::to_string(port_), false},
                             {"127.0.0.1", false}};
  int n = 0;
  for (const auto& c : cases) {
    for (const std::string& tool : {kHelm3, kHelm4, std::string(CH_BINARY)}) {
      SCOPED_TRACE(c.key + " with " + tool);
      auto home = tmp_.path() / ("flux-key-" + std::to_string(++n));
      testing::write(home / "docker" / "config.json",
                     json{{"auths", {{c.key, {{"auth", base64_encode(kAlice)}}}}}}.dump());
      auto dest = home / "dest";
      stdfs::create_directories(dest);
      auto r = run({tool, "pull", "oci://" + host_ + "/charts/app", "--version", ">=1.0.0 <2.0.0",
                    "--destination", dest.string(), "--plain-http"},
                   tmp_.path(), home_env(home));
      if (c.used) {
        EXPECT_EQ(r.code, 0) << r.out << r.err;
        EXPECT_EQ(testing::read(dest / "app-1.2.1+build.5.tgz"), archives_["1.2.1+build.5"]);
      } else {
        EXPECT_NE(r.code, 0) << r.out << r.err;
        EXPECT_TRUE(testing::list_files(dest).empty());
      }
    }
  }
}

// Flux OCIRepository with go-containerregistry: each remote operation makes a new transport,
// which pings /v2/, takes the Bearer challenge, fetches a token by GET (Basic from the
// keychain, none for the anonymous keychain) and then sends its request with the token.
TEST_F(ControllerSequences, FluxOciRepositoryHeadThenChartLayer) {
  start("token");
  ASSERT_NO_FATAL_FAILURE(seed());
  // transport.NewWithContext: ping, then bearerTransport.refresh → refreshBasic.
  auto new_transport = [&](const std::string& repo, const std::string& user_colon_password) {
    auto ping = fresh("GET", base_ + "/v2/", {"User-Agent: flux/v2"});
    EXPECT_EQ(ping.status, 401);
    EXPECT_EQ(ping.header("www-authenticate"),
              "Bearer realm=\"" + realm_ + "\",service=\"charthouse\"")
        << "the ping challenge names realm and service, no scope";
    auto c = parse_challenge(ping.header("www-authenticate"));
    std::vector<std::string> h;
    if (!user_colon_password.empty()) h.push_back(basic(user_colon_password));
    auto tr = fresh("GET",
                    c.params["realm"] + "?" +
                        token_query({"repository:" + repo + ":pull"}, c.params["service"]),
                    h);
    EXPECT_EQ(tr.status, 200) << tr.body;
    auto tj = json::parse(tr.body, nullptr, false);
    // ggcr reads "token", falling back to "access_token".
    return tj.is_discarded() ? std::string() : tj.value("token", tj.value("access_token", ""));
  };

  // repository, tag, credentials (none: the anonymous keychain), archive pushed
  using Target = std::tuple<std::string, std::string, std::string, std::string>;
  for (const auto& [repo, tag, creds, archive] : std::vector<Target>{
           {"charts/app", "1.2.0", kAlice, "1.2.0"}, {"public/hello", "0.1.0", "", "hello"}}) {
    SCOPED_TRACE(repo);
    // getTagBySemver: remote.List with the default page size (n=1000), Link pages followed.
    std::string token = new_transport(repo, creds);
    ASSERT_FALSE(token.empty());
    auto bearer = "Authorization: Bearer " + token;
    auto list = fresh("GET", base_ + "/v2/" + repo + "/tags/list?n=1000", {bearer});
    auto tags = tags_of(list, repo);
    EXPECT_NE(std::find(tags.begin(), tags.end(), tag), tags.end());
    EXPECT_EQ(list.header("link"), "");

    // getRevision: remote.Head by tag; the revision is <tag>@<Docker-Content-Digest>.
    token = new_transport(repo, creds);
    bearer = "Authorization: Bearer " + token;
    auto head = fresh("HEAD", base_ + "/v2/" + repo + "/manifests/" + tag, {kGgcrAccept, bearer});
    ASSERT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    EXPECT_EQ(head.header("content-type"), kOciManifest);
    std::string digest = head.header("docker-content-digest");
    ASSERT_TRUE(Digest::is_valid(digest)) << digest;
    std::string length = head.header("content-length");
    ASSERT_FALSE(length.empty()) << "ggcr refuses a HEAD without Content-Length";

    // remote.Image(<repo>@<digest>): the manifest by digest (sha256 of the body = digest).
    token = new_transport(repo, creds);
    bearer = "Authorization: Bearer " + token;
    auto get = fresh("GET", base_ + "/v2/" + repo + "/manifests/" + digest, {kGgcrAccept, bearer});
    ASSERT_EQ(get.status, 200);
    EXPECT_EQ(digest_of(get.body).str(), digest);
    EXPECT_EQ(std::to_string(get.body.size()), length);
    EXPECT_EQ(get.header("content-type"), kOciManifest);
    EXPECT_EQ(get.header("docker-content-digest"), digest);

    // selectLayer: the layer whose media type is the LayerSelector's (Helm chart content).
    auto manifest = json::parse(get.body);
    const json* chosen = nullptr;
    int provs = 0;
    for (const auto& l : manifest["layers"]) {
      if (l["mediaType"] == kChartLayer && chosen == nullptr) chosen = &l;
      if (l["mediaType"] == kProvLayer) ++provs;
    }
    ASSERT_NE(chosen, nullptr) << get.body;
    EXPECT_EQ(provs, repo == "charts/app" ? 1 : 0) << "the chart shares its manifest with a .prov";
    std::string layer_digest = (*chosen)["digest"];
    auto blob = fresh("GET", base_ + "/v2/" + repo + "/blobs/" + layer_digest, {bearer});
    ASSERT_EQ(blob.status, 200);
    EXPECT_EQ(blob.header("content-length"), std::to_string((*chosen)["size"].get<long>()));
    EXPECT_EQ(digest_of(blob.body).str(), layer_digest);
    EXPECT_EQ(blob.body, archives_[archive]);
  }

  // Without credentials (Anonymous keychain) a private repository gets a token without
  // access, and the HEAD is refused with insufficient_scope.
  std::string anon = new_transport("charts/app", "");
  auto refused = fresh("HEAD", base_ + "/v2/charts/app/manifests/1.2.0",
                       {kGgcrAccept, "Authorization: Bearer " + anon});
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.header("www-authenticate").find("error=\"insufficient_scope\""),
            std::string::npos)
      << refused.header("www-authenticate");
}

// HEAD (and GET) of a manifest in a repository that does not exist yet: a caller who may
// push there learns 404, not 401 (Quay answered 401 and Helm asked for credentials again,
// helm#31567). Others keep their 401/403.
TEST_F(ControllerSequences, HeadInNewRepositoryIs404ForPusherHtpasswd) {
  start("htpasswd");
  const std::string d = digest_of("no such manifest").str();
  for (const std::string& ref : {std::string("1.0.0"), d}) {
    SCOPED_TRACE(ref);
    const std::string url = base_ + "/v2/team/new/manifests/" + ref;
    auto alice = fresh("HEAD", url, {kOrasAccept, basic(kAlice)});
    EXPECT_EQ(alice.status, 404);
    EXPECT_EQ(alice.header("www-authenticate"), "");
    auto alice_get = fresh("GET", url, {kOrasAccept, basic(kAlice)});
    EXPECT_EQ(alice_get.status, 404);
    EXPECT_EQ(error_code(alice_get), "MANIFEST_UNKNOWN");
    // dave may push under drop/ but not pull: still 404 in a repository not created yet.
    EXPECT_EQ(
        fresh("HEAD", base_ + "/v2/drop/new/manifests/" + ref, {basic("dave:dropper")}).status,
        404);
    EXPECT_EQ(fresh("HEAD", url, {basic("bob:builder")}).status, 404);  // may pull: unknown
    auto anon = fresh("HEAD", url);
    EXPECT_EQ(anon.status, 401);
    EXPECT_EQ(anon.header("www-authenticate"), "Basic realm=\"charthouse\"");
    EXPECT_EQ(fresh("HEAD", url, {basic("alice:wrong")}).status, 401);
    auto carol = fresh("GET", url, {basic("carol:singer")});
    EXPECT_EQ(carol.status, 403);
    EXPECT_EQ(error_code(carol), "DENIED");
  }
  // Helm 4 pushes into the new repository with those credentials; afterwards a missing tag
  // is a plain 404 for alice and the repository's manifest is there.
  auto home = tmp_.path() / "h";
  auto env = home_env(home);
  testing::write(home / "docker" / "config.json",
                 json{{"auths", {{host_, {{"auth", base64_encode(kAlice)}}}}}}.dump());
  auto tgz = make_chart("new", "1.0.0");
  auto push = run({kHelm4, "push", tgz.string(), "oci://" + host_ + "/team", "--plain-http"},
                  tmp_.path(), env);
  ASSERT_EQ(push.code, 0) << push.out << push.err;
  EXPECT_EQ(
      fresh("HEAD", base_ + "/v2/team/new/manifests/1.0.0", {kOrasAccept, basic(kAlice)}).status,
      200);
  EXPECT_EQ(
      fresh("HEAD", base_ + "/v2/team/new/manifests/9.9.9", {kOrasAccept, basic(kAlice)}).status,
      404);
  EXPECT_EQ(fresh("HEAD", base_ + "/v2/team/new/manifests/1.0.0").status, 401);
}

TEST_F(ControllerSequences, HeadInNewRepositoryIs404ForPusherToken) {
  start("token");
  auto token_for = [&](const std::string& scope, const std::string& creds) {
    std::vector<std::string> h;
    if (!creds.empty()) h.push_back(basic(creds));
    auto tr = fresh("GET", realm_ + "?" + token_query({scope}, "charthouse"), h);
    EXPECT_EQ(tr.status, 200) << tr.body;
    return "Authorization: Bearer " + json::parse(tr.body)["access_token"].get<std::string>();
  };
  const std::string url = base_ + "/v2/team/new/manifests/1.0.0";
  // No token: the challenge for the pull scope a HEAD needs.
  auto none = fresh("HEAD", url, {kOrasAccept});
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(
      none.header("www-authenticate"),
      "Bearer realm=\"" + realm_ + "\",service=\"charthouse\",scope=\"repository:team/new:pull\"");
  // Helm 4.2.4+ asks pull,push for the whole push; older oras-based clients ask pull for the
  // HEAD. Either token held by a pusher: 404.
  EXPECT_EQ(
      fresh("HEAD", url, {kOrasAccept, token_for("repository:team/new:pull,push", kAlice)}).status,
      404);
  EXPECT_EQ(fresh("HEAD", url, {kOrasAccept, token_for("repository:team/new:pull", kAlice)}).status,
            404);
  auto dave = token_for("repository:drop/new:pull,push", "dave:dropper");
  EXPECT_EQ(fresh("HEAD", base_ + "/v2/drop/new/manifests/1.0.0", {kOrasAccept, dave}).status, 404)
      << "a push-only token in a repository not created yet";
  // An anonymous token for a private repository grants nothing: 401 insufficient_scope.
  auto anon = fresh("HEAD", url, {kOrasAccept, token_for("repository:team/new:pull,push", "")});
  EXPECT_EQ(anon.status, 401);
  EXPECT_NE(anon.header("www-authenticate").find("error=\"insufficient_scope\""),
            std::string::npos);
  // carol (no rights) gets a token without access: 401 too, never 404.
  EXPECT_EQ(
      fresh("HEAD", url, {kOrasAccept, token_for("repository:team/new:pull,push", "carol:singer")})
          .status,
      401);
  // A push then works with the real client (charthouse) through the token flow.
  auto home = tmp_.path() / "h";
  auto env = home_env(home);
  testing::write(home / "docker" / "config.json",
                 json{{"auths", {{host_, {{"auth", base64_encode(kAlice)}}}}}}.dump());
  auto tgz = make_chart("new", "1.0.0");
  for (const std::string& tool : {kHelm4, std::string(CH_BINARY)}) {
    auto push = run({tool, "push", tgz.string(), "oci://" + host_ + "/team", "--plain-http"},
                    tmp_.path(), env);
    ASSERT_EQ(push.code, 0) << tool << push.out << push.err;
  }
  EXPECT_EQ(fresh("HEAD", url, {kOrasAccept, token_for("repository:team/new:pull", kAlice)}).status,
            200);
}

// A public namespace: the access file grants anonymous pull on public/*; anonymous tokens
// carry exactly that, pulls work with no credentials at all, pushes are refused.
TEST_F(ControllerSequences, PublicNamespaceAnonymousPullPushRefused) {
  start("token");
  ASSERT_NO_FATAL_FAILURE(seed());
  auto tr =
      fresh("GET", realm_ + "?" + token_query({"repository:public/hello:pull,push"}, "charthouse"));
  ASSERT_EQ(tr.status, 200) << tr.body;
  std::string anon = json::parse(tr.body)["access_token"];
  EXPECT_EQ(token_access(anon),
            json::parse(R"([{"type":"repository","name":"public/hello","actions":["pull"]}])"))
      << "pull granted, push dropped";
  auto bearer = "Authorization: Bearer " + anon;
  auto m = fresh("GET", base_ + "/v2/public/hello/manifests/0.1.0", {kOrasAccept, bearer});
  ASSERT_EQ(m.status, 200);
  auto manifest = json::parse(m.body);
  std::string layer = manifest["layers"][0]["digest"];
  auto b = fresh("GET", base_ + "/v2/public/hello/blobs/" + layer, {bearer});
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(b.body, archives_["hello"]);
  auto up = fresh("POST", base_ + "/v2/public/hello/blobs/uploads/", {bearer});
  EXPECT_EQ(up.status, 401);
  EXPECT_EQ(up.header("www-authenticate"),
            "Bearer realm=\"" + realm_ +
                "\",service=\"charthouse\",scope=\"repository:public/hello:pull,push\","
                "error=\"insufficient_scope\"");
  auto put = fresh("PUT", base_ + "/v2/public/hello/manifests/0.2.0",
                   {bearer, "Content-Type: " + kOciManifest});
  EXPECT_EQ(put.status, 401);
  // The same anonymous token does not reach outside public/.
  EXPECT_EQ(fresh("GET", base_ + "/v2/charts/app/manifests/1.2.0", {kOrasAccept, bearer}).status,
            401);

  // Real clients with no credentials at all pull the public chart, and cannot push there.
  auto tgz = make_chart("hello", "0.2.0");
  int n = 0;
  for (const std::string& tool : {kHelm3, kHelm4, std::string(CH_BINARY)}) {
    SCOPED_TRACE(tool);
    auto home = tmp_.path() / ("anon-" + std::to_string(++n));
    auto env = home_env(home);
    auto dest = home / "dest";
    stdfs::create_directories(dest);
    auto pull = run({tool, "pull", "oci://" + host_ + "/public/hello", "--version", "0.1.0",
                     "--destination", dest.string(), "--plain-http"},
                    tmp_.path(), env);
    ASSERT_EQ(pull.code, 0) << pull.out << pull.err;
    EXPECT_EQ(testing::read(dest / "hello-0.1.0.tgz"), archives_["hello"]);
    auto push = run({tool, "push", tgz.string(), "oci://" + host_ + "/public", "--plain-http"},
                    tmp_.path(), env);
    EXPECT_NE(push.code, 0) << push.out << push.err;
  }
  auto after = fresh("GET", base_ + "/v2/public/hello/tags/list", {bearer});
  EXPECT_EQ(tags_of(after, "public/hello"), std::vector<std::string>{"0.1.0"});
}

}  // namespace
}  // namespace ch
