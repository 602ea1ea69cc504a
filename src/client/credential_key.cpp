#include "client/credential_key.hpp"

namespace ch::client {

std::string credential_key(std::string_view host) {
  if (host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io")
    return "https://index.docker.io/v1/";
  return std::string(host);
}

bool credential_key_matches(std::string_view key, std::string_view host) {
  if (key == host) return true;
  for (std::string_view scheme : {"https://", "http://"})
    if (key.substr(0, scheme.size()) == scheme) key.remove_prefix(scheme.size());
  key = key.substr(0, key.find('/'));
  return key == credential_key(host) || key == host ||
         (credential_key(host) == "https://index.docker.io/v1/" && key == "index.docker.io");
}

}  // namespace ch::client
