// OCI error responses: the spec's JSON body {"errors":[{"code","message","detail"}]} with
// one of its codes, and the status that goes with each failure.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "server/http/server.hpp"

namespace ch::server {

// Thrown by handlers; the router turns it into the error response.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, std::string message, nlohmann::json detail = nullptr,
           http::Headers headers = {})
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        detail_(std::move(detail)),
        headers_(std::move(headers)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const nlohmann::json& detail() const { return detail_; }
  const http::Headers& headers() const { return headers_; }

 private:
  int status_;
  std::string code_;
  nlohmann::json detail_;
  http::Headers headers_;
};

// Builds the JSON error response (Content-Type application/json).
http::Response error_response(int status, const std::string& code, const std::string& message,
                              const nlohmann::json& detail = nullptr);
// Several errors in one body (e.g. one MANIFEST_BLOB_UNKNOWN per missing blob).
http::Response error_response(int status, const nlohmann::json& errors);

}  // namespace ch::server
