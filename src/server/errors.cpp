#include "server/errors.hpp"

namespace ch::server {

http::Response error_response(int status, const nlohmann::json& errors) {
  http::Response r;
  r.status = status;
  r.headers.emplace("Content-Type", "application/json");
  r.body = nlohmann::json{{"errors", errors}}.dump();
  return r;
}

http::Response error_response(int status, const std::string& code, const std::string& message,
                              const nlohmann::json& detail) {
  nlohmann::json e = {{"code", code}, {"message", message}};
  if (!detail.is_null()) e["detail"] = detail;
  return error_response(status, nlohmann::json::array({e}));
}

}  // namespace ch::server
