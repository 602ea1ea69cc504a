// Tests of client/credential_key.cpp: the config.json key a registry's credentials use.
#include "client/credential_key.hpp"

#include <gtest/gtest.h>

namespace ch {
namespace {

TEST(CredentialKey, DockerHubAliasesNormalise) {
  EXPECT_EQ(client::credential_key("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(client::credential_key("registry-1.docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(client::credential_key("localhost:5000"), "localhost:5000");
  EXPECT_TRUE(client::credential_key_matches("https://ghcr.io/v2/", "ghcr.io"));
  EXPECT_TRUE(client::credential_key_matches("https://index.docker.io/v1/", "docker.io"));
  EXPECT_FALSE(client::credential_key_matches("ghcr.io.evil", "ghcr.io"));
}

TEST(CredentialKey, OtherHostsAreKeptAsGiven) {
  for (const char* host : {"ghcr.io", "localhost:5000", "127.0.0.1:5000", "[::1]:5000",
                           "Registry.Example.com", "index.docker.io:443", "docker.io.evil"})
    EXPECT_EQ(client::credential_key(host), host);
  EXPECT_EQ(client::credential_key("index.docker.io"), "https://index.docker.io/v1/");
}

TEST(CredentialKey, StoredKeysWithSchemeAndPathMatchTheirHost) {
  using client::credential_key_matches;
  EXPECT_TRUE(credential_key_matches("localhost:5000", "localhost:5000"));
  EXPECT_TRUE(credential_key_matches("http://localhost:5000", "localhost:5000"));
  EXPECT_TRUE(credential_key_matches("localhost:5000/v2/", "localhost:5000"));
  EXPECT_TRUE(credential_key_matches("https://index.docker.io/v1/", "index.docker.io"));
  EXPECT_TRUE(credential_key_matches("https://index.docker.io/v1/", "registry-1.docker.io"));
  EXPECT_TRUE(credential_key_matches("index.docker.io", "docker.io"));
  // The port is part of the host; a longer or shorter name is another host.
  EXPECT_FALSE(credential_key_matches("localhost:5000", "localhost:5001"));
  EXPECT_FALSE(credential_key_matches("https://ghcr.io:443", "ghcr.io"));
  EXPECT_FALSE(credential_key_matches("https://evil.ghcr.io/", "ghcr.io"));
  EXPECT_FALSE(credential_key_matches("https://ghcr.io.evil/", "ghcr.io"));
  EXPECT_FALSE(credential_key_matches("ftp://ghcr.io/", "ghcr.io"));
  EXPECT_FALSE(credential_key_matches("https://index.docker.io/v1/", "ghcr.io"));
  EXPECT_FALSE(credential_key_matches("", "ghcr.io"));
}

}  // namespace
}  // namespace ch
