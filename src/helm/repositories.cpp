#include "helm/repositories.hpp"

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/yamlconv.hpp"

namespace ch::helm {

namespace {

std::string string_of(const nlohmann::ordered_json& obj, const char* key) {
  auto it = obj.find(key);
  std::string s;
  if (it != obj.end()) yamlconv::scalar_to_go_string(*it, &s);
  return s;
}

bool bool_of(const nlohmann::ordered_json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

RepoFile RepoFile::load(const std::filesystem::path& path) {
  RepoFile f;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return f;
  nlohmann::ordered_json doc;
  try {
    doc = yamlconv::parse(fs::read_file(path, 64 * 1024 * 1024));
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "couldn't load repositories file (" + path.string() + "): " + e.what());
  }
  if (doc.is_null()) return f;
  if (!doc.is_object())
    throw Error(ErrorCode::kInvalidArgument,
                "couldn't load repositories file (" + path.string() + "): not a mapping");
  f.api_version = string_of(doc, "apiVersion");
  f.generated = string_of(doc, "generated");
  if (doc.contains("repositories") && doc["repositories"].is_array())
    for (const auto& r : doc["repositories"]) {
      if (!r.is_object()) continue;
      RepoEntry e;
      e.name = string_of(r, "name");
      e.url = string_of(r, "url");
      e.username = string_of(r, "username");
      e.password = string_of(r, "password");
      e.cert_file = string_of(r, "certFile");
      e.key_file = string_of(r, "keyFile");
      e.ca_file = string_of(r, "caFile");
      e.insecure_skip_tls_verify = bool_of(r, "insecure_skip_tls_verify");
      e.pass_credentials_all = bool_of(r, "pass_credentials_all");
      f.repositories.push_back(e);
    }
  return f;
}

void RepoFile::save(const std::filesystem::path& path) const {
  nlohmann::ordered_json doc;
  doc["apiVersion"] = api_version;
  doc["generated"] = generated.empty() ? "0001-01-01T00:00:00Z" : generated;
  doc["repositories"] = nlohmann::ordered_json::array();
  for (const RepoEntry& e : repositories) {
    nlohmann::ordered_json r;  // Go struct fields written in sorted key order
    r["caFile"] = e.ca_file;
    r["certFile"] = e.cert_file;
    r["insecure_skip_tls_verify"] = e.insecure_skip_tls_verify;
    r["keyFile"] = e.key_file;
    r["name"] = e.name;
    r["pass_credentials_all"] = e.pass_credentials_all;
    r["password"] = e.password;
    r["url"] = e.url;
    r["username"] = e.username;
    doc["repositories"].push_back(r);
  }
  std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
  fs::write_file_atomic(path, goyaml::json_to_yaml(doc), 0600);
}

const RepoEntry* RepoFile::get(const std::string& name) const {
  for (const RepoEntry& e : repositories)
    if (e.name == name) return &e;
  return nullptr;
}

void RepoFile::update(const RepoEntry& entry) {
  for (RepoEntry& e : repositories)
    if (e.name == entry.name) {
      e = entry;
      return;
    }
  repositories.push_back(entry);
}

bool RepoFile::remove(const std::string& name) {
  auto before = repositories.size();
  std::erase_if(repositories, [&](const RepoEntry& e) { return e.name == name; });
  return repositories.size() != before;
}

std::filesystem::path index_cache_file(const std::filesystem::path& cache,
                                       const std::string& name) {
  return cache / (name + "-index.yaml");
}

std::filesystem::path charts_cache_file(const std::filesystem::path& cache,
                                        const std::string& name) {
  return cache / (name + "-charts.txt");
}

}  // namespace ch::helm
