#include "server/errors.hpp"

#include <array>

namespace ch::server {

namespace {

struct Binding {
  OciError error;
  std::string_view code;
  int status;
};

// The one place a code meets its status.
constexpr std::array<Binding, 21> kBindings = {{
    {OciError::kBlobUnknown, "BLOB_UNKNOWN", 404},
    {OciError::kRangeNotSatisfiable, "BLOB_UNKNOWN", 416},
    {OciError::kUploadOutOfOrder, "BLOB_UPLOAD_INVALID", 416},
    {OciError::kUploadBusy, "BLOB_UPLOAD_INVALID", 409},
    {OciError::kUploadUnknown, "BLOB_UPLOAD_UNKNOWN", 404},
    {OciError::kDigestInvalid, "DIGEST_INVALID", 400},
    {OciError::kManifestBlobUnknown, "MANIFEST_BLOB_UNKNOWN", 400},
    {OciError::kManifestInvalid, "MANIFEST_INVALID", 400},
    {OciError::kManifestUnknown, "MANIFEST_UNKNOWN", 404},
    {OciError::kNameInvalid, "NAME_INVALID", 400},
    {OciError::kNameUnknown, "NAME_UNKNOWN", 404},
    {OciError::kSizeInvalid, "SIZE_INVALID", 400},
    {OciError::kTooLarge, "SIZE_INVALID", 413},
    {OciError::kUnauthorized, "UNAUTHORIZED", 401},
    {OciError::kDenied, "DENIED", 403},
    {OciError::kUnsupported, "UNSUPPORTED", 400},
    {OciError::kMethodNotAllowed, "UNSUPPORTED", 405},
    {OciError::kNotEnabled, "UNSUPPORTED", 404},
    {OciError::kTooManyRequests, "TOOMANYREQUESTS", 429},
    {OciError::kUnavailable, "UNAVAILABLE", 503},
    {OciError::kInternal, "UNKNOWN", 500},
}};

const Binding& binding(OciError e) {
  const auto& b = kBindings[static_cast<std::size_t>(e)];
  return b.error == e ? b : kBindings.back();  // the table is in enum order (unit-tested)
}

http::Response json_errors(int status, const nlohmann::json& errors) {
  http::Response r;
  r.status = status;
  r.headers.emplace("Content-Type", "application/json");
  r.body = nlohmann::json{{"errors", errors}}.dump();
  return r;
}

}  // namespace

std::string_view code_of(OciError e) {
  return binding(e).code;
}

int status_of(OciError e) {
  return binding(e).status;
}

OciError oci_error_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTooLarge:
      return OciError::kTooLarge;
    case ErrorCode::kInvalidArgument:
      return OciError::kUnsupported;
    case ErrorCode::kDigestMismatch:
      return OciError::kDigestInvalid;
    case ErrorCode::kNotFound:
      return OciError::kBlobUnknown;
    case ErrorCode::kUnavailable:
      return OciError::kUnavailable;
    default:
      return OciError::kInternal;
  }
}

http::Response error_response(OciError error, const std::string& message,
                              const nlohmann::json& detail) {
  nlohmann::json e = {{"code", code_of(error)}, {"message", message}};
  if (!detail.is_null()) e["detail"] = detail;
  return json_errors(status_of(error), nlohmann::json::array({e}));
}

http::Response error_response(OciError error, const std::string& message,
                              const std::vector<std::string>& details) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& d : details)
    errors.push_back({{"code", code_of(error)}, {"message", message}, {"detail", d}});
  return json_errors(status_of(error), errors);
}

}  // namespace ch::server
