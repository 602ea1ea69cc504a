// Tests of helm/repositories.cpp: Helm's repositories.yaml read and written, and cache paths.
#include "helm/repositories.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/file.hpp"
#include "testing.hpp"

namespace ch::helm {
namespace {

namespace stdfs = std::filesystem;

RepoEntry entry(const std::string& name, const std::string& url) {
  RepoEntry e;
  e.name = name;
  e.url = url;
  return e;
}

TEST(RepoFile, MissingOrEmptyFileIsAnEmptyList) {
  fs::TempDir dir;
  RepoFile missing = RepoFile::load(dir.path() / "repositories.yaml");
  EXPECT_TRUE(missing.repositories.empty());
  EXPECT_EQ(missing.api_version, "");
  testing::write(dir.path() / "empty.yaml", "");
  EXPECT_TRUE(RepoFile::load(dir.path() / "empty.yaml").repositories.empty());
}

TEST(RepoFile, ReadsHelmsFile) {
  fs::TempDir dir;
  testing::write(dir.path() / "repositories.yaml",
                 "apiVersion: v1\n"
                 "generated: \"2024-05-01T10:00:00.123456789+02:00\"\n"
                 "repositories:\n"
                 "- caFile: /ca.pem\n"
                 "  certFile: /cert.pem\n"
                 "  insecure_skip_tls_verify: true\n"
                 "  keyFile: /key.pem\n"
                 "  name: stable\n"
                 "  pass_credentials_all: true\n"
                 "  password: 1234\n"
                 "  url: https://charts.example.com\n"
                 "  username: user\n"
                 "- name: other\n"
                 "  url: https://other.example.com\n"
                 "  insecure_skip_tls_verify: \"true\"\n"
                 "  unknown: ignored\n"
                 "- just a string\n");
  RepoFile f = RepoFile::load(dir.path() / "repositories.yaml");
  EXPECT_EQ(f.api_version, "v1");
  EXPECT_EQ(f.generated, "2024-05-01T10:00:00.123456789+02:00");
  ASSERT_EQ(f.repositories.size(), 2u);  // a non-mapping item is skipped
  const RepoEntry& s = f.repositories[0];
  EXPECT_EQ(s.name, "stable");
  EXPECT_EQ(s.url, "https://charts.example.com");
  EXPECT_EQ(s.username, "user");
  EXPECT_EQ(s.password, "1234");  // a number where a string belongs: Go's string of it
  EXPECT_EQ(s.ca_file, "/ca.pem");
  EXPECT_EQ(s.cert_file, "/cert.pem");
  EXPECT_EQ(s.key_file, "/key.pem");
  EXPECT_TRUE(s.insecure_skip_tls_verify);
  EXPECT_TRUE(s.pass_credentials_all);
  const RepoEntry& o = f.repositories[1];
  EXPECT_EQ(o.name, "other");
  EXPECT_FALSE(o.insecure_skip_tls_verify);  // a string is not a bool
  EXPECT_FALSE(o.pass_credentials_all);
}

TEST(RepoFile, MalformedFilesNameThemselves) {
  fs::TempDir dir;
  auto p = dir.path() / "repositories.yaml";
  testing::write(p, "repositories: [\n");
  try {
    RepoFile::load(p);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(
        std::string(e.what()).rfind("couldn't load repositories file (" + p.string() + "): ", 0),
        0u)
        << e.what();
  }
  testing::write(p, "- a\n- b\n");
  try {
    RepoFile::load(p);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "couldn't load repositories file (" + p.string() + "): not a mapping");
  }
}

TEST(RepoFile, SaveWritesHelmsBytesWithMode0600) {
  fs::TempDir dir;
  RepoFile f;
  RepoEntry e = entry("stable", "https://charts.example.com");
  e.username = "u";
  e.insecure_skip_tls_verify = true;
  f.update(e);
  auto p = dir.path() / "new/dir/repositories.yaml";
  f.save(p);
  // What `helm repo add` writes into a new file (sigs.k8s.io/yaml: fields sorted, zero time).
  EXPECT_EQ(testing::read(p),
            "apiVersion: \"\"\n"
            "generated: \"0001-01-01T00:00:00Z\"\n"
            "repositories:\n"
            "- caFile: \"\"\n"
            "  certFile: \"\"\n"
            "  insecure_skip_tls_verify: true\n"
            "  keyFile: \"\"\n"
            "  name: stable\n"
            "  pass_credentials_all: false\n"
            "  password: \"\"\n"
            "  url: https://charts.example.com\n"
            "  username: u\n");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Read back, saved again: the same bytes.
  RepoFile back = RepoFile::load(p);
  back.save(dir.path() / "again.yaml");
  EXPECT_EQ(testing::read(dir.path() / "again.yaml"), testing::read(p));

  RepoFile none;
  none.api_version = "v1";
  none.generated = "2024-05-01T10:00:00Z";
  none.save(dir.path() / "none.yaml");
  EXPECT_EQ(testing::read(dir.path() / "none.yaml"),
            "apiVersion: v1\ngenerated: \"2024-05-01T10:00:00Z\"\nrepositories: []\n");
}

TEST(RepoFile, UpdateReplacesByNameAndRemoveSaysWhetherItDid) {
  RepoFile f;
  f.update(entry("a", "https://a"));
  f.update(entry("b", "https://b"));
  f.update(entry("a", "https://a2"));  // replaced in place, order kept
  ASSERT_EQ(f.repositories.size(), 2u);
  EXPECT_EQ(f.repositories[0].name, "a");
  EXPECT_EQ(f.repositories[0].url, "https://a2");
  EXPECT_TRUE(f.has("b"));
  ASSERT_NE(f.get("b"), nullptr);
  EXPECT_EQ(f.get("b")->url, "https://b");
  EXPECT_EQ(f.get("c"), nullptr);
  EXPECT_TRUE(f.remove("a"));
  EXPECT_FALSE(f.remove("a"));
  EXPECT_FALSE(f.has("a"));
  EXPECT_EQ(f.repositories.size(), 1u);
}

TEST(RepoFile, CacheFilesAsHelmNamesThem) {
  EXPECT_EQ(index_cache_file("/c/repository", "stable"), "/c/repository/stable-index.yaml");
  EXPECT_EQ(charts_cache_file("/c/repository", "stable"), "/c/repository/stable-charts.txt");
}

}  // namespace
}  // namespace ch::helm
