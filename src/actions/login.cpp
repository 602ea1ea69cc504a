#include "actions/login.hpp"

#include "base/error.hpp"

namespace ch::actions {

std::string login_host(std::string_view argument) {
  for (std::string_view scheme : {"oci://", "http://", "https://"})
    if (argument.starts_with(scheme)) {
      argument.remove_prefix(scheme.size());
      break;
    }
  return std::string(argument.substr(0, argument.find('/')));
}

void login(const LoginOptions& options) {
  if (options.host.empty()) throw Error(ErrorCode::kInvalidArgument, "registry host required");
  client::ClientOptions client_options = options.client;
  client_options.username.clear();
  client_options.password.clear();
  client::CredentialStore store =
      client::CredentialStore::from_environment(client_options.registry_config);
  client::RegistryClient client(client_options, store);
  std::string identity_token = client.ping(options.host, options.credential);
  if (identity_token.empty()) {
    store.store(options.host, options.credential);
    return;
  }
  // The token server issued an identity (refresh) token: like Helm 3 (Docker's login), keep
  // it instead of the username and password; later commands trade it for access tokens
  // with grant_type=refresh_token.
  client::Credential stored;
  stored.refresh_token = identity_token;
  store.store(options.host, stored);
}

void logout(const std::string& host, const std::string& registry_config) {
  client::CredentialStore::from_environment(registry_config).erase(host);
}

}  // namespace ch::actions
