#include "actions/login.hpp"

#include "core/error.hpp"

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
  client.ping(options.host, options.credential);
  store.store(options.host, options.credential);
}

void logout(const std::string& host, const std::string& registry_config) {
  client::CredentialStore::from_environment(registry_config).erase(host);
}

}  // namespace ch::actions
