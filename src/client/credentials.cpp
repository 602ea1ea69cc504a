#include "client/credentials.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/base64.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "base/json_limits.hpp"
#include "client/credential_key.hpp"
#include "gocompat/gojson.hpp"
#include "helm/helmpath.hpp"

extern char** environ;

namespace ch::client {

namespace {

std::filesystem::path env_path(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::filesystem::path(v) : std::filesystem::path();
}

bool on_path(const std::string& program) {
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t colon = path.find(':', pos);
    if (colon == std::string::npos) colon = path.size();
    // (Appended, not `dir + "/" + program`: GCC 12 at -O3 reports a false -Wrestrict.)
    std::string candidate = colon > pos ? path.substr(pos, colon - pos) : std::string(".");
    candidate.append("/").append(program);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    pos = colon + 1;
  }
  return false;
}

// A config.json as a JSON object; a missing or empty file is an empty object.
nlohmann::json load_config(const std::filesystem::path& path) {
  if (path.empty()) return nlohmann::json::object();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return nlohmann::json::object();
  std::string text = fs::read_file(path, 16 * 1024 * 1024);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  try {
    nlohmann::json doc = nlohmann::json::parse(text);
    if (!doc.is_object())
      throw Error(ErrorCode::kInvalidArgument,
                  path.string() + ": invalid config format: not a JSON object");
    return doc;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument,
                path.string() + ": invalid config format: " + std::string(e.what()));
  }
}

// Keys sorted at every level (nlohmann::json's object is a sorted map), tab-indented, no
// trailing newline: what Go's json.MarshalIndent(v, "", "\t") writes for a map.
void save_config(const std::filesystem::path& path, const nlohmann::json& doc) {
  std::filesystem::path dir = path.parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir)) {
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms(0700));
  }
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(doc.dump());
  fs::write_file_atomic(path, gojson::marshal_indent(ordered, "\t"), 0600);
}

std::string string_field(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Credential from_auth_entry(const nlohmann::json& entry, const std::filesystem::path& file) {
  Credential c;
  if (!entry.is_object()) return c;
  std::string auth = string_field(entry, "auth");
  if (!auth.empty()) {
    std::optional<std::string> decoded_or = base64_decode(auth);
    if (!decoded_or)
      throw Error(ErrorCode::kInvalidArgument,
                  file.string() + ": invalid auth configuration file: bad base64 in \"auth\"");
    const std::string& decoded = *decoded_or;
    auto colon = decoded.find(':');
    if (colon == std::string::npos)
      throw Error(ErrorCode::kInvalidArgument,
                  file.string() + ": invalid auth configuration file: \"auth\" has no ':'");
    c.username = decoded.substr(0, colon);
    c.password = decoded.substr(colon + 1);
  } else {
    c.username = string_field(entry, "username");
    c.password = string_field(entry, "password");
  }
  c.refresh_token = string_field(entry, "identitytoken");
  c.access_token = string_field(entry, "registrytoken");
  return c;
}

struct HelperResult {
  int status;
  std::string out;
};

// Runs docker-credential-<suffix> <action> with `input` on stdin; captures stdout+stderr.
HelperResult run_helper(const std::string& suffix, const std::string& action,
                        const std::string& input) {
  std::string program = "docker-credential-" + suffix;
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) throw_errno("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 2);
  std::vector<char*> argv = {program.data(), const_cast<char*>(action.c_str()), nullptr};
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    throw Error(ErrorCode::kIo, "cannot run " + program + ": " + std::strerror(rc));
  }
  // Inputs are a few hundred bytes: far below the pipe buffer, so write then read is safe.
  // A helper may exit without reading its input: the write then fails with EPIPE, and the
  // SIGPIPE it raises is blocked here and discarded rather than killing the process.
  sigset_t pipe_only, saved;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &saved);
  ssize_t written = ::write(in_pipe[1], input.data(), input.size());
  if (written < 0 && errno == EPIPE) {
    timespec zero{};
    while (sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  ::close(in_pipe[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(out_pipe[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    // A helper's answer is a few hundred bytes; more is drained but not kept.
    constexpr size_t kMaxHelperOutput = 1024 * 1024;
    if (out.size() < kMaxHelperOutput)
      out.append(buf, std::min(static_cast<size_t>(n), kMaxHelperOutput - out.size()));
  }
  ::close(out_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

bool not_found(const std::string& out) {
  return out.find("credentials not found in native keychain") != std::string::npos;
}

Credential helper_get(const std::string& suffix, const std::string& key) {
  HelperResult r = run_helper(suffix, "get", key);
  if (r.status != 0) {
    if (not_found(r.out)) return {};
    throw Error(ErrorCode::kIo, "docker-credential-" + suffix + " get: " + trimmed(r.out));
  }
  nlohmann::json doc;
  try {
    doc = parse_untrusted_json(r.out);
  } catch (const Error&) {
    doc = nullptr;
  }
  if (!doc.is_object())
    throw Error(ErrorCode::kIo, "docker-credential-" + suffix + " get: invalid JSON answer");
  Credential c;
  std::string user = string_field(doc, "Username");
  std::string secret = string_field(doc, "Secret");
  if (user == "<token>") {
    c.refresh_token = secret;
  } else {
    c.username = user;
    c.password = secret;
  }
  return c;
}

void helper_store(const std::string& suffix, const std::string& key, const Credential& c) {
  nlohmann::ordered_json doc;
  doc["ServerURL"] = key;
  doc["Username"] = c.refresh_token.empty() ? c.username : "<token>";
  doc["Secret"] = c.refresh_token.empty() ? c.password : c.refresh_token;
  HelperResult r = run_helper(suffix, "store", doc.dump());
  if (r.status != 0)
    throw Error(ErrorCode::kIo, "docker-credential-" + suffix + " store: " + trimmed(r.out));
}

void helper_erase(const std::string& suffix, const std::string& key) {
  HelperResult r = run_helper(suffix, "erase", key);
  if (r.status != 0 && !not_found(r.out))
    throw Error(ErrorCode::kIo, "docker-credential-" + suffix + " erase: " + trimmed(r.out));
}

// The helper a file names for this key: credHelpers[key], else credsStore; "" for none.
std::string helper_for(const nlohmann::json& doc, const std::string& key) {
  if (auto it = doc.find("credHelpers"); it != doc.end() && it->is_object()) {
    std::string h = string_field(*it, key.c_str());
    if (!h.empty()) return h;
  }
  return string_field(doc, "credsStore");
}

// oras-go's DetectDefaultNativeStore on Linux: "pass" when the pass program exists, else
// "secretservice"; only if docker-credential-<that> is installed.
std::string detected_helper(const nlohmann::json& doc) {
  if (doc.contains("auths") || doc.contains("credsStore") || doc.contains("credHelpers")) return {};
  std::string suffix = on_path("pass") ? "pass" : "secretservice";
  return on_path("docker-credential-" + suffix) ? suffix : std::string();
}

Credential get_from(const std::filesystem::path& file, const std::string& host, bool detect) {
  nlohmann::json doc = load_config(file);
  std::string key = credential_key(host);
  std::string helper = helper_for(doc, key);
  if (helper.empty() && detect) helper = detected_helper(doc);
  if (!helper.empty()) return helper_get(helper, key);
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) return {};
  if (auto it = auths->find(key); it != auths->end()) return from_auth_entry(*it, file);
  for (const auto& [k, v] : auths->items())
    if (credential_key_matches(k, host)) return from_auth_entry(v, file);
  return {};
}

}  // namespace

CredentialStore::CredentialStore(std::filesystem::path helm_config,
                                 std::filesystem::path docker_config)
    : helm_config_(std::move(helm_config)), docker_config_(std::move(docker_config)) {}

CredentialStore CredentialStore::from_environment(const std::string& registry_config_flag) {
  std::filesystem::path helm = !registry_config_flag.empty()
                                   ? std::filesystem::path(registry_config_flag)
                                   : helmpath::registry_config();
  std::filesystem::path docker = env_path("DOCKER_CONFIG");
  if (docker.empty()) {
    std::filesystem::path home = env_path("HOME");
    docker = home.empty() ? std::filesystem::path() : home / ".docker";
  }
  return CredentialStore(helm, docker.empty() ? docker : docker / "config.json");
}

Credential CredentialStore::get(std::string_view host) const {
  Credential c = get_from(helm_config_, std::string(host), true);
  if (!c.empty() || docker_config_.empty()) return c;
  return get_from(docker_config_, std::string(host), false);
}

void CredentialStore::store(std::string_view host, const Credential& credential) {
  if (credential.username.find(':') != std::string::npos)
    throw Error(ErrorCode::kInvalidArgument, "username contains colon");
  nlohmann::json doc = load_config(helm_config_);
  std::string key = credential_key(host);
  std::string helper = helper_for(doc, key);
  bool detected = false;
  if (helper.empty()) {
    helper = detected_helper(doc);
    detected = !helper.empty();
  }
  if (!helper.empty()) {
    helper_store(helper, key, credential);
    if (detected) {
      doc["credsStore"] = helper;
      save_config(helm_config_, doc);
    }
    return;
  }
  nlohmann::json entry = nlohmann::json::object();
  // docker/cli's configfile (Helm 3): no "auth" for an identity-token-only login.
  if (!credential.username.empty() || !credential.password.empty())
    entry["auth"] = base64_encode(credential.username + ":" + credential.password);
  if (!credential.refresh_token.empty()) entry["identitytoken"] = credential.refresh_token;
  if (!credential.access_token.empty()) entry["registrytoken"] = credential.access_token;
  if (!doc.contains("auths") || !doc["auths"].is_object()) doc["auths"] = nlohmann::json::object();
  doc["auths"][key] = entry;
  save_config(helm_config_, doc);
}

void CredentialStore::erase(std::string_view host) {
  nlohmann::json doc = load_config(helm_config_);
  std::string key = credential_key(host);
  std::string helper = helper_for(doc, key);
  if (helper.empty()) helper = detected_helper(doc);
  if (!helper.empty()) {
    helper_erase(helper, key);
    return;
  }
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) return;
  std::vector<std::string> doomed;
  for (const auto& [k, v] : auths->items())
    if (k == key || credential_key_matches(k, std::string(host))) doomed.push_back(k);
  if (doomed.empty()) return;
  for (const std::string& k : doomed) auths->erase(k);
  save_config(helm_config_, doc);
}

}  // namespace ch::client
