// The attacks of the hardening review, replayed against a real `charthouse serve` on
// loopback: each one used to crash, stall, fill memory or spoof; each must now get a clear
// answer while the server keeps serving everybody else. Liveness is checked with /healthz
// after every attack (the HTTP client gives up after 120 s, so a stalled server fails).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/base64.hpp"
#include "base/digest.hpp"
#include "base/file.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;
using testing::run;

const std::string kAlice = "Authorization: Basic YWxpY2U6d29uZGVybGFuZA==";  // alice:wonderland
const std::string kBob = "Authorization: Basic Ym9iOmJ1aWxkZXI=";            // bob:builder
const std::string kMallory = "Authorization: Basic bWFsbG9yeTpldmls";        // mallory:evil

// A raw TCP connection to the server, for what a well-behaved HTTP client will not send.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }
  bool send(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::send(fd_, s.data() + done, s.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads until the end of the response headers (or EOF/timeout); returns what arrived.
  std::string read_head() {
    std::string out;
    char buf[4096];
    while (out.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

class ServerHardening : public ::testing::Test {
 protected:
  void SetUp() override {
    htpasswd_ = (tmp_.path() / "htpasswd").string();
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bcB", htpasswd_, "alice", "wonderland"}).code, 0);
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd_, "bob", "builder"}).code, 0);
    ASSERT_EQ(run({"/usr/bin/htpasswd", "-bB", htpasswd_, "mallory", "evil"}).code, 0);
    access_ = (tmp_.path() / "access.yaml").string();
    testing::write(access_,
                   "users:\n"
                   "  alice: {pull: ['*'], push: ['*'], delete: ['*']}\n"
                   "  bob: {pull: ['*']}\n"
                   "  mallory: {pull: ['team/*'], push: ['team/aaa', 'team/aaa/*']}\n");
  }
  void start(const std::vector<std::string>& extra = {}, const std::string& binary = CH_BINARY) {
    server_ = testing::start_server(binary, root().string(), extra, &port_);
    base_ = "http://127.0.0.1:" + std::to_string(port_);
  }
  void start_htpasswd() {
    start({"--auth", "htpasswd", "--htpasswd", htpasswd_, "--access", access_});
  }
  stdfs::path root() { return tmp_.path() / "store"; }
  testing::HttpResponse req(const std::string& method, const std::string& path,
                            const std::vector<std::string>& headers = {},
                            const std::string& body = "") {
    return http_.request(method, base_ + path, headers, body);
  }
  void expect_alive() {
    ASSERT_TRUE(server_->running()) << server_->stderr_text();
    testing::HttpClient fresh;
    EXPECT_EQ(fresh.request("GET", base_ + "/healthz").status, 200);
  }
  // Uploads a blob in one POST; returns its digest.
  std::string put_blob(const std::string& repo, const std::string& data,
                       const std::vector<std::string>& auth = {}) {
    std::string d = digest_of(data).str();
    auto r = req("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, auth, data);
    EXPECT_EQ(r.status, 201) << r.body;
    return d;
  }
  // Pushes a Helm chart manifest by hand: any config JSON, any layer bytes.
  testing::HttpResponse put_chart(const std::string& repo, const std::string& tag,
                                  const std::string& config, const std::string& layer,
                                  const std::vector<std::string>& auth = {}) {
    std::string cd = put_blob(repo, config, auth), ld = put_blob(repo, layer, auth);
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config",
               {{"mediaType", "application/vnd.cncf.helm.config.v1+json"},
                {"digest", cd},
                {"size", config.size()}}},
              {"layers",
               json::array({{{"mediaType", "application/vnd.cncf.helm.chart.content.v1.tar+gzip"},
                             {"digest", ld},
                             {"size", layer.size()}}})}};
    std::vector<std::string> h = auth;
    h.push_back("Content-Type: application/vnd.oci.image.manifest.v1+json");
    return req("PUT", "/v2/" + repo + "/manifests/" + tag, h, m.dump());
  }
  std::string package(const std::string& name, const std::string& version,
                      const std::map<std::string, std::string>& files = {
                          {"values.yaml", "v: 1\n"}}) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version, files);
    auto out = tmp_.path() / "pkg";
    auto r = run({CH_BINARY, "package", dir.string(), "-d", out.string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return fs::read_file(out / (name + "-" + version + ".tgz"), 1 << 26);
  }

  fs::TempDir tmp_;
  std::string htpasswd_, access_, base_;
  int port_ = 0;
  std::unique_ptr<testing::Process> server_;
  testing::HttpClient http_;
};

// Finding 1: a 40 KB path used to overflow a worker's stack in std::regex (SIGSEGV).
TEST_F(ServerHardening, HugePathsAreRefusedWithoutCrashing) {
  start();
  std::string long_name(40000, 'a');
  for (const std::string& path :
       {"/v2/" + long_name + "/tags/list", "/" + long_name + "/index.yaml",
        "/api/" + long_name + "/charts", "/v2/" + long_name + "/manifests/latest"}) {
    auto r = req("GET", path);
    EXPECT_EQ(r.status, 404) << path.substr(0, 40);
    EXPECT_EQ(r.body.find(long_name.substr(0, 300)), std::string::npos) << "path echoed back";
    expect_alive();
  }
}

// Finding 1 and 11: Content-Range with 50,000 digits crashed; 20 digits answered 500 "stoull".
TEST_F(ServerHardening, ContentRangeIsParsedWithLimits) {
  start();
  auto open = req("POST", "/v2/a/blobs/uploads/");
  ASSERT_EQ(open.status, 202);
  std::string location = open.header("location");
  for (const std::string& range :
       {"0-" + std::string(50000, '9'), std::string("0-99999999999999999999"),
        std::string("bytes 0-1-2"), std::string("x-1")}) {
    auto r = http_.request("PATCH", base_ + location, {"Content-Range: " + range}, "ab");
    EXPECT_EQ(r.status, 416) << range.substr(0, 30) << ": " << r.body;
    expect_alive();
  }
  // A correct range still works on the same session.
  auto ok = http_.request("PATCH", base_ + location, {"Content-Range: 0-1"}, "ab");
  EXPECT_EQ(ok.status, 202) << ok.body;
}

// Finding 2: the repository-name matcher backtracked exponentially, before authentication.
TEST_F(ServerHardening, NameMatchingIsLinear) {
  start_htpasswd();
  std::vector<std::thread> attackers;
  std::vector<long> statuses(6);
  for (int i = 0; i < 6; ++i)
    attackers.emplace_back([&, i] {
      testing::HttpClient c;
      statuses[static_cast<size_t>(i)] =
          c.request("GET", base_ + "/v2/" + std::string(200, 'a') + "!/tags/list").status;
    });
  for (auto& t : attackers) t.join();
  for (long s : statuses) EXPECT_EQ(s, 400);
  auto r = req("GET", "/v2/" + std::string(60, 'a') + "-_/tags/list");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("NAME_INVALID"), std::string::npos);
  expect_alive();
}

// Finding 3: the ChartMuseum upload read and parsed everything before authorizing.
TEST_F(ServerHardening, ChartUploadIsAuthorizedBeforeTheBodyIsRead) {
  start_htpasswd();
  // Anonymous: 401 at once, with the body never read (the server answers before we send it).
  {
    RawConn c(port_);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(
        c.send("POST /api/team/charts HTTP/1.1\r\nHost: x\r\nContent-Type: application/gzip\r\n"
               "Content-Length: 115343360\r\n\r\n"));
    std::string head = c.read_head();
    EXPECT_EQ(head.rfind("HTTP/1.1 401", 0), 0u) << head;
  }
  // A user with no push right under the namespace: 403 before the body.
  {
    RawConn c(port_);
    ASSERT_TRUE(c.send("POST /api/other/charts HTTP/1.1\r\nHost: x\r\n" + kMallory +
                       "\r\nContent-Length: 115343360\r\n\r\n"));
    std::string head = c.read_head();
    EXPECT_EQ(head.rfind("HTTP/1.1 403", 0), 0u) << head;
  }
  // Twelve authorized connections that announce 110 MiB and send nothing cost nothing:
  // memory follows the bytes received, not the Content-Length.
  long before = rss_kib(server_->pid());
  std::vector<std::unique_ptr<RawConn>> conns;
  for (int i = 0; i < 12; ++i) {
    conns.push_back(std::make_unique<RawConn>(port_));
    ASSERT_TRUE(conns.back()->send("POST /api/team/charts HTTP/1.1\r\nHost: x\r\n" + kAlice +
                                   "\r\nContent-Length: 115343360\r\n\r\n"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  expect_alive();
  long after = rss_kib(server_->pid());
  EXPECT_LT(after - before, 100 * 1024) << "RSS grew from " << before << " to " << after << " KiB";
  conns.clear();
  expect_alive();
}

// Finding 3 (with --auth none anyone may upload): hostile archives get 400, not a crash.
TEST_F(ServerHardening, HostileChartUploadsGetClearErrors) {
  start();
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
      "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
  // Built with Python's tarfile: `charthouse package` itself refuses the bomb.
  testing::write(tmp_.path() / "vb/Chart.yaml", "apiVersion: v2\nname: vb\nversion: 1.0.0\n");
  testing::write(tmp_.path() / "vb/values.yaml", bomb);
  ASSERT_EQ(run({"/usr/bin/python3", "-c",
                 "import tarfile\nt=tarfile.open('vb.tgz','w:gz')\nt.add('vb')\nt.close()"},
                tmp_.path())
                .code,
            0);
  std::string values_bomb = fs::read_file(tmp_.path() / "vb.tgz", 1 << 20);
  auto r = req("POST", "/api/team/charts", {"Content-Type: application/gzip"}, values_bomb);
  EXPECT_EQ(r.status, 400) << r.body;
  expect_alive();
  // Fifty thousand empty tar entries (the attack used three million) in a little gzip.
  auto dir = tmp_.path() / "many";
  auto tgz = tmp_.path() / "many.tgz";
  ASSERT_EQ(run({"/bin/sh", "-c",
                 "mkdir -p " + dir.string() + "/m && cd " + dir.string() +
                     " && printf 'apiVersion: v2\\nname: m\\nversion: 1.0.0\\n' > m/Chart.yaml && "
                     "python3 -c \"import tarfile,io\nt=tarfile.open('" +
                     tgz.string() +
                     "','w:gz')\nt.add('m/Chart.yaml')\nfor i in range(50000):\n"
                     " ti=tarfile.TarInfo('m/e%d'%i); t.addfile(ti, io.BytesIO(b''))\nt.close()\""})
                .code,
            0);
  r = req("POST", "/api/team/charts", {"Content-Type: application/gzip"},
          fs::read_file(tgz, 1 << 28));
  EXPECT_EQ(r.status, 400) << r.body;
  expect_alive();
  // A multipart body with an absurd boundary or endless parts: 400.
  r = req("POST", "/api/team/charts",
          {"Content-Type: multipart/form-data; boundary=" + std::string(5000, 'b')}, "x");
  EXPECT_EQ(r.status, 400);
  expect_alive();
}

// Finding 4: a pusher of team/aaa made /team/charts/app-1.0.0.tgz serve their archive.
TEST_F(ServerHardening, ClassicIndexEntriesComeFromTheRepositoryTheyName) {
  start_htpasswd();
  std::string real = package("app", "1.0.0");
  auto up = req("POST", "/api/team/charts", {kAlice, "Content-Type: application/gzip"}, real);
  ASSERT_EQ(up.status, 201) << up.body;
  // mallory may push team/aaa only: a config named "app" there, 1.0.0 and 9.9.9.
  std::string fake = package("fake", "1.0.0");
  for (std::string v : {"1.0.0", "9.9.9"}) {
    json config = {{"apiVersion", "v2"}, {"name", "app"}, {"version", v}};
    auto r = put_chart("team/aaa", v, config.dump(), fake, {kMallory});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // and a real chart named app deeper down, under team/aaa/app.
  std::string deeper = package("app", "9.9.8");
  json config = {{"apiVersion", "v2"}, {"name", "app"}, {"version", "9.9.8"}};
  ASSERT_EQ(put_chart("team/aaa/app", "9.9.8", config.dump(), deeper, {kMallory}).status, 201);

  auto index = req("GET", "/team/index.yaml", {kBob});
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.body.find("9.9.9"), std::string::npos) << index.body;
  EXPECT_EQ(index.body.find("9.9.8"), std::string::npos) << index.body;
  EXPECT_NE(index.body.find("version: 1.0.0"), std::string::npos) << index.body;
  auto archive = req("GET", "/team/charts/app-1.0.0.tgz", {kBob});
  ASSERT_EQ(archive.status, 200);
  EXPECT_EQ(archive.body, real) << "the archive must be team/app's";
  EXPECT_EQ(req("GET", "/team/charts/app-9.9.9.tgz", {kBob}).status, 404);
  auto api = req("GET", "/api/team/charts/app", {kBob});
  ASSERT_EQ(api.status, 200);
  EXPECT_EQ(json::parse(api.body).size(), 1u) << api.body;
  // The deeper repository is listed under its own namespace.
  auto own = req("GET", "/team/aaa/index.yaml", {kBob});
  EXPECT_NE(own.body.find("9.9.8"), std::string::npos) << own.body;
  EXPECT_EQ(own.body.find("9.9.9"), std::string::npos) << own.body;
}

// Finding 5: a config nested 100,000 deep crashed json::dump; 20,000 deep broke the index.
TEST_F(ServerHardening, DeeplyNestedJsonNeitherCrashesNorBreaksTheIndex) {
  start();
  std::string real = package("app", "1.0.0");
  ASSERT_EQ(req("POST", "/api/team/charts", {"Content-Type: application/gzip"}, real).status, 201);
  for (size_t depth : {100000u, 20000u}) {
    std::string deep = std::string(depth, '[') + std::string(depth, ']');
    json config = {{"apiVersion", "v2"}, {"name", "evil"}, {"version", "1.0.0"}};
    std::string c = config.dump();
    c.insert(c.size() - 1, ",\"x\":" + deep);
    auto r = put_chart("team/evil", "1.0." + std::to_string(depth), c, real);
    EXPECT_EQ(r.status, 201) << r.body;  // stored as an artifact, just not indexed
    expect_alive();
  }
  // A manifest nested that deep is refused outright.
  std::string deep_manifest =
      "{\"schemaVersion\":2,\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto m = req("PUT", "/v2/team/evil/manifests/deep",
               {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, deep_manifest);
  EXPECT_EQ(m.status, 400);
  EXPECT_NE(m.body.find("MANIFEST_INVALID"), std::string::npos) << m.body;
  expect_alive();
  auto index = req("GET", "/team/index.yaml");
  EXPECT_EQ(index.status, 200) << index.body;
  EXPECT_NE(index.body.find("app:"), std::string::npos);
  EXPECT_EQ(req("GET", "/api/team/charts").status, 200);
}

// Finding 7: every distinct HTTP method used to become a Prometheus label, forever.
TEST_F(ServerHardening, MetricsLabelsAreBounded) {
  start();
  for (int i = 0; i < 200; ++i) {
    RawConn c(port_);
    std::string method = "X" + std::to_string(i) + std::string(2000, 'M');
    ASSERT_TRUE(c.send(method + " /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    c.read_head();
  }
  auto metrics = req("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_LT(metrics.body.size(), 64u * 1024) << "metrics grew with the methods sent";
  EXPECT_EQ(metrics.body.find("MMMMMMMM"), std::string::npos);
  EXPECT_NE(metrics.body.find("method=\"other\""), std::string::npos);
}

// Finding 9: abandoned upload sessions and idle connections exhausted the descriptors.
TEST_F(ServerHardening, DescriptorsSurviveAbandonedUploadsAndIdleConnections) {
  // A server whose hard limit is 256 descriptors (the soft limit is raised to it at start).
  auto wrapper = tmp_.path() / "serve-256";
  testing::write(
      wrapper, "#!/bin/sh\nulimit -n 256 || exit 1\nexec " + std::string(CH_BINARY) + " \"$@\"\n");
  stdfs::permissions(wrapper, stdfs::perms::owner_all);
  start({}, wrapper.string());
  for (int i = 0; i < 400; ++i) {
    auto r = req("POST", "/v2/abandoned/blobs/uploads/");
    ASSERT_EQ(r.status, 202) << "session " << i << ": " << r.body;
  }
  std::string d = put_blob("still/works", "a blob after 400 abandoned sessions");
  EXPECT_EQ(req("GET", "/v2/still/works/blobs/" + d).body, "a blob after 400 abandoned sessions");
  // 300 idle connections (more than the descriptors left): health checks still get in.
  std::vector<std::unique_ptr<RawConn>> idle;
  for (int i = 0; i < 300; ++i) idle.push_back(std::make_unique<RawConn>(port_));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  expect_alive();
  EXPECT_EQ(req("GET", "/v2/still/works/blobs/" + d).status, 200);
}

// Finding 10: SIGHUP was swallowed; a removed user kept access until restart.
TEST_F(ServerHardening, SighupReloadsUsersAndRules) {
  start_htpasswd();
  EXPECT_EQ(req("GET", "/v2/team/app/tags/list", {kBob}).status, 404);  // allowed, no repo
  ASSERT_EQ(run({"/usr/bin/htpasswd", "-D", htpasswd_, "bob"}).code, 0);
  server_->signal(SIGHUP);
  server_->wait_for_line("reloaded");
  EXPECT_EQ(req("GET", "/v2/team/app/tags/list", {kBob}).status, 401);
  // A broken file is refused and the rules in force stay.
  testing::write(access_, "users: [\n");
  server_->signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(req("GET", "/v2/team/app/tags/list", {kAlice}).status, 404);
  expect_alive();
}

// Finding 11: declared layer sizes are checked; server errors do not show server paths.
TEST_F(ServerHardening, LayerSizesAreCheckedAndErrorsHideServerPaths) {
  start();
  std::string layer = "layer bytes", config = "{}";
  std::string cd = put_blob("r", config), ld = put_blob("r", layer);
  json m = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
      {"config",
       {{"mediaType", "application/vnd.oci.image.config.v1+json"}, {"digest", cd}, {"size", 2}}},
      {"layers",
       json::array({{{"mediaType", "application/octet-stream"}, {"digest", ld}, {"size", 5}}})}};
  auto r = req("PUT", "/v2/r/manifests/v1",
               {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, m.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("MANIFEST_INVALID"), std::string::npos) << r.body;
  m["layers"][0]["size"] = layer.size();
  EXPECT_EQ(req("PUT", "/v2/r/manifests/v1",
                {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, m.dump())
                .status,
            201);
  // Make the upload area unusable: the 500 must not name the server's directories.
  stdfs::remove_all(root() / "uploads");
  testing::write(root() / "uploads", "not a directory");
  auto broken = req("POST", "/v2/r/blobs/uploads/");
  EXPECT_EQ(broken.status, 500) << broken.body;
  EXPECT_EQ(broken.body.find(root().string()), std::string::npos) << broken.body;
  EXPECT_EQ(broken.body.find("/uploads"), std::string::npos) << broken.body;
  expect_alive();
}

// Finding 11: wrong passwords in a loop keep the I/O threads free (bcrypt runs elsewhere).
TEST_F(ServerHardening, PasswordGuessingDoesNotStallOtherClients) {
  start_htpasswd();
  std::atomic<bool> done{false};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 8; ++i)
    guessers.emplace_back([&, i] {
      testing::HttpClient c;
      int n = 0;
      while (!done) {
        std::string cred = "mallory:guess" + std::to_string(i) + "-" + std::to_string(n++);
        EXPECT_EQ(c.request("GET", base_ + "/v2/team/app/tags/list",
                            {"Authorization: Basic " + base64_encode(cred)})
                      .status,
                  401);
      }
    });
  for (int i = 0; i < 5; ++i) expect_alive();
  EXPECT_EQ(req("GET", "/v2/team/app/tags/list", {kAlice}).status, 404);
  done = true;
  for (auto& t : guessers) t.join();
}

// Conformance: GET/HEAD of a manifest by an impossible tag is 404 MANIFEST_UNKNOWN; PUT 400.
TEST_F(ServerHardening, InvalidTagsAreUnknownManifestsOnPull) {
  start();
  for (const char* method : {"GET", "HEAD"}) {
    auto r = req(method, "/v2/a/manifests/-not-a-tag");
    EXPECT_EQ(r.status, 404) << method;
    if (std::string(method) == "GET") {
      EXPECT_NE(r.body.find("MANIFEST_UNKNOWN"), std::string::npos);
    }
  }
  auto put = req("PUT", "/v2/a/manifests/-not-a-tag",
                 {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, "{}");
  EXPECT_EQ(put.status, 400);
}

// A mount with from= asks, in token mode, for pull on the source too.
TEST_F(ServerHardening, MountChallengeIncludesTheSourceRepository) {
  start({"--auth", "token", "--htpasswd", htpasswd_, "--access", access_});
  std::string d = digest_of("x").str();
  auto r = req("POST", "/v2/team/b/blobs/uploads/?mount=" + d + "&from=team/a");
  EXPECT_EQ(r.status, 401);
  std::string challenge = r.header("www-authenticate");
  EXPECT_NE(challenge.find("repository:team/b:pull,push"), std::string::npos) << challenge;
  EXPECT_NE(challenge.find("repository:team/a:pull"), std::string::npos) << challenge;
}

}  // namespace
}  // namespace ch
