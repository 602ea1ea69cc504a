// `charthouse registry login|logout HOST`: check credentials against the registry (GET /v2/
// with Helm 3.18+'s auth flow) and store them in Helm's registry config, or remove them.
#pragma once

#include <string>
#include <string_view>

#include "client/registry_client.hpp"

namespace ch::actions {

// Helm 3.18.1+: a leading oci://, http:// or https:// and anything from the first '/' are
// dropped from the host argument.
std::string login_host(std::string_view argument);

struct LoginOptions {
  std::string host;
  client::Credential credential;
  client::ClientOptions client;  // TLS and --plain-http for the check; not stored
};

// Stores the credential, or — when the registry's token server answers the login with an
// identity (refresh) token — that token alone, as Helm 3 does ({"identitytoken": …}).
// Throws Error(kUnauthorized) when the registry refuses the credential; stores nothing then.
void login(const LoginOptions& options);

void logout(const std::string& host, const std::string& registry_config);

}  // namespace ch::actions
