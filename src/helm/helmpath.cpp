#include "helm/helmpath.hpp"

#include <cstdlib>

namespace ch::helmpath {

namespace {

std::filesystem::path env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::filesystem::path(v) : std::filesystem::path();
}

std::filesystem::path home_dir() {
  auto h = env("HOME");
  return h.empty() ? std::filesystem::path("/") : h;
}

std::filesystem::path helm_home(const char* helm_var, const char* xdg_var, const char* fallback) {
  if (auto p = env(helm_var); !p.empty()) return p;
  if (auto p = env(xdg_var); !p.empty()) return p / "helm";
  return home_dir() / fallback / "helm";
}

}  // namespace

std::filesystem::path config_home() {
  return helm_home("HELM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config");
}
std::filesystem::path cache_home() {
  return helm_home("HELM_CACHE_HOME", "XDG_CACHE_HOME", ".cache");
}
std::filesystem::path data_home() {
  return helm_home("HELM_DATA_HOME", "XDG_DATA_HOME", ".local/share");
}

std::filesystem::path registry_config() {
  if (auto p = env("HELM_REGISTRY_CONFIG"); !p.empty()) return p;
  return config_home() / "registry" / "config.json";
}
std::filesystem::path repository_config() {
  if (auto p = env("HELM_REPOSITORY_CONFIG"); !p.empty()) return p;
  return config_home() / "repositories.yaml";
}
std::filesystem::path repository_cache() {
  if (auto p = env("HELM_REPOSITORY_CACHE"); !p.empty()) return p;
  return cache_home() / "repository";
}
std::filesystem::path content_cache() {
  if (auto p = env("HELM_CONTENT_CACHE"); !p.empty()) return p;
  return cache_home() / "content";
}

}  // namespace ch::helmpath
