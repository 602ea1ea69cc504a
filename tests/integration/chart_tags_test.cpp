// A version range never resolves to something that is not a chart: when container images
// and charts share a repository (the app image and its chart under one name), Helm, Flux
// and Argo CD take the highest semver tag even when it is an image and then fail (flux
// source-controller#1795, argo-cd#23140). charthouse passes over such tags with one warning
// line each and takes the highest matching chart — for pull, show, search and dependency
// update; an exact version naming an image is a clear error saying what the tag holds.
// Against charthouse serve (whose tag list says which tags are charts) this costs no request
// per skipped tag; against Debian's docker-registry (no such hint) each candidate's
// manifest tells, with the same result.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "helm_tools.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;
using testing::run;
using testing::RunResult;

using testing::kHelm4;
const char* kImageConfig = "application/vnd.oci.image.config.v1+json";

enum class Peer { kServe, kDistribution };

std::string peer_name(const ::testing::TestParamInfo<Peer>& info) {
  return info.param == Peer::kServe ? "serve" : "distribution";
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
    pos = end + 1;
  }
  return out;
}

class ChartTags : public ::testing::TestWithParam<Peer> {
 protected:
  void SetUp() override {
    auto w = tmp_.path();
    if (GetParam() == Peer::kServe) {
      int port = 0;
      server_ = testing::start_server(CH_BINARY, (w / "store").string(), {}, &port);
      host_ = "127.0.0.1:" + std::to_string(port);
    } else {
      server_ = testing::start_docker_registry(w.string(), &host_);
    }
    // Charts 1.4.0 and 1.5.0, pushed with charthouse...
    for (std::string v : {"1.4.0", "1.5.0"}) {
      auto p = ch({"push", package("app", v).string(), "oci://" + host_ + "/apps"});
      ASSERT_EQ(p.code, 0) << p.err;
    }
    // ...beside the application's container image, tagged 1.5.1, v1.6.0 and 2.0.0 (as
    // release pipelines tag images), and a multi-platform image index tagged 3.0.0.
    image_manifest_ = put_image("apps/app", {"1.5.1", "v1.6.0", "2.0.0"});
    put_index("apps/app", image_manifest_, "3.0.0");
  }

  std::map<std::string, std::string> env() {
    auto w = tmp_.path();
    return {{"HELM_CONFIG_HOME", (w / "hc").string()},
            {"HELM_CACHE_HOME", (w / "hk").string()},
            {"HELM_DATA_HOME", (w / "hd").string()},
            {"HELM_REPOSITORY_CONFIG", (w / "hc/repositories.yaml").string()},
            {"HELM_REPOSITORY_CACHE", (w / "hk/repository").string()},
            {"DOCKER_CONFIG", (w / "docker").string()},
            {"HOME", w.string()}};
  }
  RunResult tool(const std::string& binary, std::vector<std::string> args) {
    args.insert(args.begin(), binary);
    args.push_back("--plain-http");
    return run(args, tmp_.path(), env());
  }
  RunResult ch(std::vector<std::string> args) { return tool(CH_BINARY, std::move(args)); }

  stdfs::path package(const std::string& name, const std::string& version) {
    auto dir = tmp_.path() / "src" / (name + "-" + version);
    testing::write_chart(dir, name, version, {{"values.yaml", "v: \"" + version + "\"\n"}});
    auto r = run({CH_BINARY, "package", dir.string(), "-d", (tmp_.path() / "pkg").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return tmp_.path() / "pkg" / (name + "-" + version + ".tgz");
  }

  // A blob uploaded the way every registry takes it: POST, then PUT ?digest= with the body.
  json put_blob(const std::string& repo, const std::string& media_type, const std::string& data) {
    std::string d = digest_of(data).str();
    auto start =
        http_.request("POST", "http://" + host_ + "/v2/" + repo + "/blobs/uploads/", {}, "");
    EXPECT_EQ(start.status, 202) << start.body;
    std::string location = start.header("location");
    if (location.rfind("/", 0) == 0) location = "http://" + host_ + location;
    location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + d;
    auto put = http_.request("PUT", location, {"Content-Type: application/octet-stream"}, data);
    EXPECT_EQ(put.status, 201) << put.body;
    return {{"mediaType", media_type}, {"digest", d}, {"size", data.size()}};
  }
  void put_manifest(const std::string& repo, const std::string& tag, const std::string& type,
                    const std::string& body) {
    auto r = http_.request("PUT", "http://" + host_ + "/v2/" + repo + "/manifests/" + tag,
                           {"Content-Type: " + type}, body);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // An OCI container image (config application/vnd.oci.image.config.v1+json) under `tags`;
  // returns its manifest descriptor.
  json put_image(const std::string& repo, const std::vector<std::string>& tags) {
    json config = put_blob(repo, kImageConfig,
                           "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                           "\"layers\",\"diff_ids\":[]}}");
    json layer =
        put_blob(repo, "application/vnd.oci.image.layer.v1.tar+gzip", "not really a layer");
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config", config},
              {"layers", json::array({layer})}};
    std::string body = m.dump();
    for (const std::string& t : tags)
      put_manifest(repo, t, "application/vnd.oci.image.manifest.v1+json", body);
    return {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"digest", digest_of(body).str()},
            {"size", body.size()},
            {"platform", {{"architecture", "amd64"}, {"os", "linux"}}}};
  }
  void put_index(const std::string& repo, const json& child, const std::string& tag) {
    json index = {{"schemaVersion", 2},
                  {"mediaType", "application/vnd.oci.image.index.v1+json"},
                  {"manifests", json::array({child})}};
    put_manifest(repo, tag, "application/vnd.oci.image.index.v1+json", index.dump());
  }

  // What a skipped tag's warning says on this peer.
  std::string skip_line(const std::string& tag, const std::string& holds) {
    if (GetParam() == Peer::kServe)
      return "Warning: skipping tag " + tag +
             ": the registry's tag list does not mark it as a Helm chart";
    return "Warning: skipping tag " + tag + ": it holds " + holds + ", not a Helm chart";
  }
  std::vector<std::string> expected_skips() {
    return {skip_line("3.0.0",
                      "a multi-platform container image (application/vnd.oci.image.index.v1+json)"),
            skip_line("2.0.0", std::string("a container image (") + kImageConfig + ")"),
            skip_line("1.5.1", std::string("a container image (") + kImageConfig + ")")};
  }

  // The server's access-log lines written since `mark` (charthouse serve only), once the
  // line for `until` has appeared (the log is written after each answer).
  std::string access_log_since(size_t mark, const std::string& until) {
    std::string text;
    for (int i = 0; i < 100; ++i) {
      text = server_->stderr_text().substr(mark);
      if (text.find(until) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return text;
  }

  fs::TempDir tmp_;
  std::unique_ptr<testing::Process> server_;
  std::string host_;
  testing::HttpClient http_;
  json image_manifest_;
};

TEST_P(ChartTags, RangePullTakesTheHighestChartAndSaysWhichTagsItSkipped) {
  auto dest = tmp_.path() / "dest";
  stdfs::create_directories(dest);
  size_t mark = GetParam() == Peer::kServe ? server_->stderr_text().size() : 0;
  auto r =
      ch({"pull", "oci://" + host_ + "/apps/app", "--version", ">=1.0.0", "-d", dest.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::list_files(dest), (std::vector<std::string>{"app-1.5.0.tgz"}));
  EXPECT_EQ(testing::read(dest / "app-1.5.0.tgz"),
            testing::read(tmp_.path() / "pkg/app-1.5.0.tgz"));
  // One line per tag passed over, highest first, before Helm's "Pulled:" lines. v1.6.0 is
  // no strict semver: never a candidate (Helm ignores it too), so no line.
  EXPECT_EQ(lines_starting(r.err, "Warning: "), expected_skips()) << r.err;
  EXPECT_LT(r.err.find("Warning: skipping tag 1.5.1"), r.err.find("Pulled: ")) << r.err;
  EXPECT_NE(r.err.find("Pulled: " + host_ + "/apps/app:1.5.0\n"), std::string::npos) << r.err;

  if (GetParam() == Peer::kServe) {
    // The tag list said which tags are charts: not one request for the skipped tags.
    std::string log = access_log_since(mark, "/v2/apps/app/manifests/1.5.0 ");
    // From the listing on: the set-up's last PUT may be logged after the mark was taken.
    auto listing = log.find("\"GET /v2/apps/app/tags/list ");
    ASSERT_NE(listing, std::string::npos) << log;
    log = log.substr(listing);
    EXPECT_NE(log.find("\"GET /v2/apps/app/manifests/1.5.0 "), std::string::npos) << log;
    for (std::string tag : {"3.0.0", "2.0.0", "1.5.1", "v1.6.0"})
      EXPECT_EQ(log.find("/v2/apps/app/manifests/" + tag + " "), std::string::npos)
          << tag << " was requested:\n"
          << log;
  }

  // show takes the same chart and says the same.
  auto s = ch({"show", "chart", "oci://" + host_ + "/apps/app", "--version", ">=1.0.0"});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.out.find("version: 1.5.0\n"), std::string::npos) << s.out;
  EXPECT_EQ(lines_starting(s.err, "Warning: "), expected_skips()) << s.err;
  // No range at all (`*`), and --devel: the same chart.
  s = ch({"show", "chart", "oci://" + host_ + "/apps/app", "--devel"});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.out.find("version: 1.5.0\n"), std::string::npos) << s.out;

  // search shows the newest chart, not the newest image.
  auto found = ch({"search", "oci://" + host_ + "/apps/app", "-o", "json"});
  ASSERT_EQ(found.code, 0) << found.err;
  EXPECT_EQ(found.out, "[{\"name\":\"oci://" + host_ +
                           "/apps/app\",\"version\":\"1.5.0\",\"app_version\":\"\","
                           "\"description\":\"\"}]\n");
  found = ch({"search", "oci://" + host_ + "/apps/app", "--versions", "-o", "json"});
  ASSERT_EQ(found.code, 0) << found.err;
  EXPECT_EQ(json::parse(found.out).size(), 2u) << found.out;

  // The real Helm 4.1.4 takes the image's tag (3.0.0, the highest) and fails.
  auto helm = tool(kHelm4, {"pull", "oci://" + host_ + "/apps/app", "--version", ">=1.0.0", "-d",
                            (tmp_.path() / "helm").string()});
  EXPECT_NE(helm.code, 0) << helm.err;
}

TEST_P(ChartTags, ExactVersionOfAnImageIsAClearError) {
  auto dest = tmp_.path() / "dest";
  stdfs::create_directories(dest);
  for (std::vector<std::string> ref :
       {std::vector<std::string>{"oci://" + host_ + "/apps/app", "--version", "2.0.0"},
        std::vector<std::string>{"oci://" + host_ + "/apps/app:2.0.0"}}) {
    std::vector<std::string> args = {"pull"};
    args.insert(args.end(), ref.begin(), ref.end());
    args.insert(args.end(), {"-d", dest.string()});
    auto r = ch(args);
    EXPECT_EQ(r.code, 1);
    // Helm's message, then what the tag holds.
    EXPECT_EQ(r.err,
              "Error: could not load config with mediatype "
              "application/vnd.cncf.helm.config.v1+json: " +
                  host_ + "/apps/app:2.0.0 holds a container image (" + kImageConfig +
                  "), not a Helm chart\n");
    EXPECT_TRUE(testing::list_files(dest).empty());
  }
  auto r = ch({"show", "values", "oci://" + host_ + "/apps/app:3.0.0"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(host_ + "/apps/app:3.0.0 holds a multi-platform container image "
                               "(application/vnd.oci.image.index.v1+json), not a Helm chart"),
            std::string::npos)
      << r.err;
  // A range that only images match: Helm's "could not locate", with the tags passed over.
  r = ch({"pull", "oci://" + host_ + "/apps/app", "--version", "^2", "-d", dest.string()});
  EXPECT_EQ(r.code, 1);
  std::string skipped = expected_skips()[1].substr(std::string("Warning: skipping ").size());
  EXPECT_EQ(r.err,
            "Error: Could not locate a version matching provided version string ^2\n"
            "skipped " +
                skipped + "\n");
  EXPECT_TRUE(testing::list_files(dest).empty());
}

TEST_P(ChartTags, DependencyUpdateLocksTheChartNotTheImage) {
  auto parent = tmp_.path() / "parent";
  testing::write_chart(parent, "parent", "1.0.0");
  testing::write(parent / "Chart.yaml",
                 "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n- name: app\n"
                 "  version: \">=1.0.0\"\n  repository: oci://" +
                     host_ + "/apps\n");
  auto r =
      run({CH_BINARY, "dependency", "update", parent.string(), "--plain-http"}, tmp_.path(), env());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(testing::list_files(parent / "charts"), (std::vector<std::string>{"app-1.5.0.tgz"}));
  std::string lock = testing::read(parent / "Chart.lock");
  EXPECT_NE(lock.find("- name: app\n  repository: oci://" + host_ + "/apps\n  version: 1.5.0\n"),
            std::string::npos)
      << lock;
  std::vector<std::string> expected;
  for (const std::string& line : expected_skips())
    expected.push_back(line + " (dependency \"app\")");
  EXPECT_EQ(lines_starting(r.err, "Warning: "), expected) << r.err;
  EXPECT_NE(r.err.find("Pulled: " + host_ + "/apps/app:1.5.0\n"), std::string::npos) << r.err;
  // The real Helm 4.1.4 locks the image's version and fails to download it.
  auto theirs = tmp_.path() / "theirs";
  testing::write_chart(theirs, "parent", "1.0.0");
  stdfs::copy_file(parent / "Chart.yaml", theirs / "Chart.yaml",
                   stdfs::copy_options::overwrite_existing);
  auto helm =
      run({kHelm4, "dependency", "update", theirs.string(), "--plain-http"}, tmp_.path(), env());
  EXPECT_NE(helm.code, 0) << helm.out << helm.err;
}

INSTANTIATE_TEST_SUITE_P(Peers, ChartTags, ::testing::Values(Peer::kServe, Peer::kDistribution),
                         peer_name);

}  // namespace
}  // namespace ch
