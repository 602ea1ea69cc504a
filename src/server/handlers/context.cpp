#include "server/handlers/context.hpp"

#include <cstdlib>

#include "base/error.hpp"
#include "base/percent.hpp"
#include "oci/reference.hpp"

namespace ch::server::handlers {

std::shared_ptr<UploadSession> UploadSessions::create(const std::string& id,
                                                      std::shared_ptr<UploadSession> s) {
  std::lock_guard lock(mu_);
  std::size_t& mine = per_client_[s->client];
  if (sessions_.size() >= kMax || mine >= kMaxPerClient) {
    if (mine == 0) per_client_.erase(s->client);
    throw ApiError(OciError::kTooManyRequests,
                   "too many open upload sessions; finish or cancel some first");
  }
  ++mine;
  s->touched = std::chrono::steady_clock::now();
  sessions_[id] = s;
  return s;
}

std::shared_ptr<UploadSession> UploadSessions::find(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void UploadSessions::forget(const UploadSession& s) {
  auto it = per_client_.find(s.client);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

void UploadSessions::erase(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  forget(*it->second);
  sessions_.erase(it);
}

std::string client_of(const http::Request& req) {
  const std::string& r = req.remote;
  if (!r.empty() && r[0] == '[') return r.substr(0, r.find(']') + 1);
  return r.substr(0, r.rfind(':'));
}

std::size_t UploadSessions::expire(std::chrono::seconds age) {
  std::vector<std::shared_ptr<UploadSession>> dropped;
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      std::unique_lock slock(it->second->mu, std::try_to_lock);
      if (slock.owns_lock() && !it->second->busy && now - it->second->touched > age) {
        dropped.push_back(it->second);
        forget(*it->second);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : dropped) {
    std::lock_guard slock(s->mu);
    if (s->upload) s->upload->cancel();
  }
  return dropped.size();
}

bool looks_like_digest(const std::string& ref) {
  return ref.find(':') != std::string::npos;
}

Digest parse_digest(const std::string& text) {
  try {
    return Digest::parse(text);
  } catch (const Error& e) {
    throw ApiError(OciError::kDigestInvalid, e.what());
  }
}

void require_scopes(const Context& ctx, const http::Request& req,
                    const std::vector<auth::Scope>& scopes, const nlohmann::json& detail) {
  auto d = ctx.auth.authorize(req.header("Authorization"), scopes, req.header("Host"), req.tls);
  if (d.allowed) return;
  http::Headers h;
  if (!d.www_authenticate.empty()) h.emplace("WWW-Authenticate", d.www_authenticate);
  throw ApiError(d.status == 403 ? OciError::kDenied : OciError::kUnauthorized, d.message, detail,
                 std::move(h));
}

void require(const Context& ctx, const http::Request& req, const std::string& name,
             std::vector<std::string> actions) {
  auth::Scope scope{"repository", name, std::move(actions)};
  require_scopes(ctx, req, {scope},
                 nlohmann::json::array(
                     {{{"Type", "repository"}, {"Name", name}, {"Action", scope.actions.back()}}}));
}

long parse_page_size(const http::Request& req) {
  std::string n = req.param("n");
  if (n.empty()) return -1;
  char* end = nullptr;
  long v = std::strtol(n.c_str(), &end, 10);
  if (end == n.c_str() || *end != '\0' || v < 0 || v > 100000)
    throw ApiError(OciError::kUnsupported, "invalid page size n=" + n);
  return v;
}

std::string next_link(const std::string& path, long n, const std::string& last) {
  return "<" + path + "?n=" + std::to_string(n) + "&last=" + percent_encode(last, "/") +
         ">; rel=\"next\"";
}

void check_name(const std::string& name) {
  if (!oci::valid_repository(name))  // also bounds the length: no name over 255 is valid
    throw ApiError(OciError::kNameInvalid, "invalid repository name");
}

}  // namespace ch::server::handlers
