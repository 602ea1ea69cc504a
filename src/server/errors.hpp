// OCI error responses: the spec's JSON body {"errors":[{"code","message","detail"}]}. Every
// failure the server answers is one OciError; the table in errors.cpp binds each to its code
// and HTTP status once, so handlers never write a status/code pair by hand.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "server/http/server.hpp"

namespace ch::server {

enum class OciError {
  kBlobUnknown,          // BLOB_UNKNOWN 404
  kRangeNotSatisfiable,  // BLOB_UNKNOWN 416: a Range outside the blob
  kUploadOutOfOrder,     // BLOB_UPLOAD_INVALID 416: a chunk not at the session's offset
  kUploadBusy,           // BLOB_UPLOAD_INVALID 409: another request is writing the session
  kUploadUnknown,        // BLOB_UPLOAD_UNKNOWN 404
  kDigestInvalid,        // DIGEST_INVALID 400
  kManifestBlobUnknown,  // MANIFEST_BLOB_UNKNOWN 400
  kManifestInvalid,      // MANIFEST_INVALID 400
  kManifestUnknown,      // MANIFEST_UNKNOWN 404
  kNameInvalid,          // NAME_INVALID 400
  kNameUnknown,          // NAME_UNKNOWN 404 (also: no such route)
  kSizeInvalid,          // SIZE_INVALID 400
  kTooLarge,             // SIZE_INVALID 413: over a size limit of this server
  kUnauthorized,         // UNAUTHORIZED 401
  kDenied,               // DENIED 403
  kUnsupported,          // UNSUPPORTED 400
  kMethodNotAllowed,     // UNSUPPORTED 405
  kNotEnabled,           // UNSUPPORTED 404: a feature this server runs without (/token)
  kTooManyRequests,      // TOOMANYREQUESTS 429
  kUnavailable,          // UNAVAILABLE 503: a store is unreachable; retry later
  kInternal,             // UNKNOWN 500
};

std::string_view code_of(OciError e);
int status_of(OciError e);
// The answer to a ch::Error a handler let escape (kTooLarge -> kTooLarge, kInvalidArgument
// -> kUnsupported, kDigestMismatch -> kDigestInvalid, kNotFound -> kBlobUnknown, else
// kUnavailable -> kUnavailable, else kInternal).
OciError oci_error_of(ErrorCode code);

// Thrown by handlers; the router turns it into the error response.
class ApiError : public std::runtime_error {
 public:
  ApiError(OciError error, std::string message, nlohmann::json detail = nullptr,
           http::Headers headers = {})
      : std::runtime_error(std::move(message)),
        error_(error),
        detail_(std::move(detail)),
        headers_(std::move(headers)) {}
  OciError error() const { return error_; }
  int status() const { return status_of(error_); }
  std::string_view code() const { return code_of(error_); }
  const nlohmann::json& detail() const { return detail_; }
  const http::Headers& headers() const { return headers_; }

 private:
  OciError error_;
  nlohmann::json detail_;
  http::Headers headers_;
};

// Builds the JSON error response (Content-Type application/json).
http::Response error_response(OciError error, const std::string& message,
                              const nlohmann::json& detail = nullptr);
// Several errors of one kind in one body (e.g. one MANIFEST_BLOB_UNKNOWN per missing blob),
// each {"message", "detail"}.
http::Response error_response(OciError error, const std::string& message,
                              const std::vector<std::string>& details);

}  // namespace ch::server
