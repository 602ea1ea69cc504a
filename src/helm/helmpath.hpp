// Helm's home directories and the files in them (spec helm-oci.md §5.2), from the same
// environment variables Helm reads, so charthouse and Helm share configuration and caches.
#pragma once

#include <filesystem>

namespace ch::helmpath {

std::filesystem::path config_home();  // $HELM_CONFIG_HOME, $XDG_CONFIG_HOME/helm, ~/.config/helm
std::filesystem::path cache_home();   // $HELM_CACHE_HOME, $XDG_CACHE_HOME/helm, ~/.cache/helm
std::filesystem::path data_home();    // $HELM_DATA_HOME, $XDG_DATA_HOME/helm, ~/.local/share/helm

std::filesystem::path registry_config();  // $HELM_REGISTRY_CONFIG or <config>/registry/config.json
std::filesystem::path repository_config();  // $HELM_REPOSITORY_CONFIG or <config>/repositories.yaml
std::filesystem::path repository_cache();   // $HELM_REPOSITORY_CACHE or <cache>/repository
std::filesystem::path content_cache();      // $HELM_CONTENT_CACHE or <cache>/content

}  // namespace ch::helmpath
