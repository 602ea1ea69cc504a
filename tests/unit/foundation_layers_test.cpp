// Tests of the small pieces the later layers build on: oci references, Helm's paths,
// credential keys and the registry's on-disk layout.
#include <gtest/gtest.h>

#include <cstdlib>

#include "client/credential_key.hpp"
#include "base/error.hpp"
#include "helm/helmpath.hpp"
#include "base/percent.hpp"
#include "oci/reference.hpp"
#include "server/store/layout.hpp"

namespace ch {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(PercentEncode, UnreservedStayAndTheRestBecomesUpperHex) {
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percent_encode("repository:a/b:pull,push"), "repository%3Aa%2Fb%3Apull%2Cpush");
  EXPECT_EQ(percent_encode("p@ss word&=\xff"), "p%40ss%20word%26%3D%FF");
  EXPECT_EQ(percent_encode("application/vnd.oci+json", "/"), "application/vnd.oci%2Bjson");
}

TEST(OciReference, ParsesHelmForms) {
  auto r = oci::Reference::parse("oci://localhost:5000/charts/my-app:1.0.0+build.1");
  EXPECT_EQ(r.registry, "localhost:5000");
  EXPECT_EQ(r.repository, "charts/my-app");
  EXPECT_EQ(r.tag, "1.0.0_build.1");
  EXPECT_EQ(r.str(), "localhost:5000/charts/my-app:1.0.0_build.1");

  auto d = oci::Reference::parse("oci://ghcr.io/org/chart@" + kDigest);
  EXPECT_EQ(d.tag, "");
  EXPECT_EQ(d.digest, kDigest);
  EXPECT_EQ(d.str(), "ghcr.io/org/chart@" + kDigest);

  auto both = oci::Reference::parse("ghcr.io/org/chart:2.0.0@" + kDigest);
  EXPECT_EQ(both.tag, "2.0.0");
  EXPECT_EQ(both.str(), "ghcr.io/org/chart:2.0.0");  // digest is dropped from the printed form
}

TEST(OciReference, RejectsInvalid) {
  for (std::string bad :
       {"oci://localhost:5000", "oci://host/Upper/Case", "oci://host/repo:bad+tag!",
        "oci://host/repo@sha256:abc", "oci:///repo", "oci://host/-repo"}) {
    EXPECT_THROW(oci::Reference::parse(bad), Error) << bad;
  }
}

TEST(OciReference, TagVersionMapping) {
  EXPECT_EQ(oci::version_to_tag("1.2.3+build.5"), "1.2.3_build.5");
  EXPECT_EQ(oci::tag_to_version("1.2.3_build.5"), "1.2.3+build.5");
  EXPECT_TRUE(oci::valid_tag("1.2.3_build.5"));
  EXPECT_FALSE(oci::valid_tag("1.2.3+build.5"));
  EXPECT_FALSE(oci::valid_tag(".hidden"));
  EXPECT_FALSE(oci::valid_tag(std::string(129, 'a')));
}

TEST(HelmPath, EnvironmentOverridesAndDefaults) {
  setenv("HOME", "/home/u", 1);
  unsetenv("HELM_CONFIG_HOME");
  unsetenv("XDG_CONFIG_HOME");
  unsetenv("HELM_REGISTRY_CONFIG");
  unsetenv("HELM_CACHE_HOME");
  unsetenv("XDG_CACHE_HOME");
  unsetenv("HELM_REPOSITORY_CACHE");
  EXPECT_EQ(helmpath::registry_config(), "/home/u/.config/helm/registry/config.json");
  EXPECT_EQ(helmpath::repository_cache(), "/home/u/.cache/helm/repository");
  setenv("XDG_CONFIG_HOME", "/xdg", 1);
  EXPECT_EQ(helmpath::repository_config(), "/xdg/helm/repositories.yaml");
  setenv("HELM_CONFIG_HOME", "/hc", 1);
  EXPECT_EQ(helmpath::registry_config(), "/hc/registry/config.json");
  setenv("HELM_REGISTRY_CONFIG", "/r.json", 1);
  EXPECT_EQ(helmpath::registry_config(), "/r.json");
  unsetenv("HELM_CONFIG_HOME");
  unsetenv("XDG_CONFIG_HOME");
  unsetenv("HELM_REGISTRY_CONFIG");
}

TEST(CredentialKey, DockerHubAliasesNormalise) {
  EXPECT_EQ(client::credential_key("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(client::credential_key("registry-1.docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(client::credential_key("localhost:5000"), "localhost:5000");
  EXPECT_TRUE(client::credential_key_matches("https://ghcr.io/v2/", "ghcr.io"));
  EXPECT_TRUE(client::credential_key_matches("https://index.docker.io/v1/", "docker.io"));
  EXPECT_FALSE(client::credential_key_matches("ghcr.io.evil", "ghcr.io"));
}

TEST(StoreLayout, ContentAddressedPaths) {
  auto p = server::store::blob_path("/data", Digest::parse(kDigest));
  EXPECT_EQ(p, "/data/blobs/sha256/aa/" + std::string(64, 'a'));
  EXPECT_EQ(server::store::upload_path("/data", "0123abcd-ef"), "/data/uploads/0123abcd-ef");
  EXPECT_THROW(server::store::upload_path("/data", "../x"), Error);
  EXPECT_THROW(server::store::upload_path("/data", ""), Error);
}

}  // namespace
}  // namespace ch
