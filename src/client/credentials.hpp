// Registry credentials as Helm 3.18+/4 (oras-go v2) keep them (spec helm-oci.md §5.2–5.3):
// Helm's registry/config.json first, Docker's config.json second for reads; writes and
// deletes only to Helm's file (tab-indented, keys sorted, unknown keys kept, 0600, atomic)
// or to the docker-credential-<name> helper named by credHelpers/credsStore.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ch::client {

struct Credential {
  std::string username;
  std::string password;
  std::string refresh_token;  // "identitytoken" (a helper answering Username "<token>")
  std::string access_token;   // "registrytoken"
  bool empty() const {
    return username.empty() && password.empty() && refresh_token.empty() && access_token.empty();
  }
};

class CredentialStore {
 public:
  // helm_config: Helm's file (need not exist). docker_config: Docker's config.json (need not
  // exist; empty path = no Docker fallback).
  CredentialStore(std::filesystem::path helm_config, std::filesystem::path docker_config);

  // Helm's file from --registry-config (when non-empty) else $HELM_REGISTRY_CONFIG else
  // <config home>/registry/config.json; Docker's from $DOCKER_CONFIG/config.json else
  // ~/.docker/config.json.
  static CredentialStore from_environment(const std::string& registry_config_flag = {});

  // The credential for host[:port]; empty when none is stored anywhere. A helper answering
  // "credentials not found in native keychain" means none. Throws Error on unreadable or
  // malformed files and failing helpers.
  Credential get(std::string_view host) const;

  // Stores into Helm's file (or its helper): "auth" (base64 user:password, left out when
  // both are empty), "identitytoken", "registrytoken". Throws Error(kInvalidArgument) for a
  // username containing ':'.
  void store(std::string_view host, const Credential& credential);

  // Removes the entry from Helm's file (or its helper); absent entries are not an error.
  void erase(std::string_view host);

  const std::filesystem::path& helm_config() const { return helm_config_; }

 private:
  std::filesystem::path helm_config_;
  std::filesystem::path docker_config_;
};

}  // namespace ch::client
