// The key a registry's credentials are stored under in Helm's and Docker's config.json
// (spec helm-oci.md §5.3): the host as given, with Docker Hub's aliases normalised.
#pragma once

#include <string>
#include <string_view>

namespace ch::client {

// "docker.io", "index.docker.io", "registry-1.docker.io" -> "https://index.docker.io/v1/";
// any other host[:port] unchanged.
std::string credential_key(std::string_view host);

// Whether a stored key (possibly "https://host/path") names this host.
bool credential_key_matches(std::string_view key, std::string_view host);

}  // namespace ch::client
