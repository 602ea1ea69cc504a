// Tests of server/errors.cpp: OCI error responses ({"errors":[{code,message,detail}]}) and
// the one table binding each OciError to its code and status.
#include "server/errors.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace ch {
namespace {

using nlohmann::json;
using server::OciError;

TEST(ServerErrors, OneErrorBodyAsTheDistributionSpecWritesIt) {
  server::http::Response r = server::error_response(OciError::kManifestUnknown, "manifest unknown",
                                                    json{{"tag", "1.0.0"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers.find("content-type")->second, "application/json");
  EXPECT_EQ(r.body, R"({"errors":[{"code":"MANIFEST_UNKNOWN","detail":{"tag":"1.0.0"},)"
                    R"("message":"manifest unknown"}]})");
  // No detail: no "detail" key at all (a null detail is left out, not written as null).
  EXPECT_EQ(server::error_response(OciError::kUnauthorized, "authentication required").body,
            R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
  // An empty object or array is a detail.
  EXPECT_EQ(server::error_response(OciError::kUnsupported, "m", json::array()).body,
            R"({"errors":[{"code":"UNSUPPORTED","detail":[],"message":"m"}]})");
  // Messages are JSON-escaped.
  EXPECT_EQ(json::parse(server::error_response(OciError::kUnsupported, "a \"quoted\"\n\\")
                            .body)["errors"][0]["message"],
            "a \"quoted\"\n\\");
}

TEST(ServerErrors, SeveralErrorsOfOneKindInOneBody) {
  server::http::Response r = server::error_response(
      OciError::kManifestBlobUnknown, "unknown", std::vector<std::string>{"sha256:a", "sha256:b"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      json::parse(r.body),
      json::parse(R"({"errors":[)"
                  R"({"code":"MANIFEST_BLOB_UNKNOWN","message":"unknown","detail":"sha256:a"},)"
                  R"({"code":"MANIFEST_BLOB_UNKNOWN","message":"unknown","detail":"sha256:b"}]})"));
  EXPECT_EQ(
      server::error_response(OciError::kManifestBlobUnknown, "x", std::vector<std::string>{}).body,
      R"({"errors":[]})");
}

TEST(ServerErrors, EachErrorIsBoundToItsCodeAndStatusOnce) {
  struct Want {
    OciError e;
    const char* code;
    int status;
  };
  // Every enumerator, in order: a table out of order or a missing row fails here.
  const Want want[] = {
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
  };
  for (const auto& w : want) {
    EXPECT_EQ(server::code_of(w.e), w.code) << static_cast<int>(w.e);
    EXPECT_EQ(server::status_of(w.e), w.status) << static_cast<int>(w.e);
  }
  EXPECT_EQ(server::oci_error_of(ErrorCode::kTooLarge), OciError::kTooLarge);
  EXPECT_EQ(server::oci_error_of(ErrorCode::kInvalidArgument), OciError::kUnsupported);
  EXPECT_EQ(server::oci_error_of(ErrorCode::kDigestMismatch), OciError::kDigestInvalid);
  EXPECT_EQ(server::oci_error_of(ErrorCode::kNotFound), OciError::kBlobUnknown);
  EXPECT_EQ(server::oci_error_of(ErrorCode::kIo), OciError::kInternal);
  EXPECT_EQ(server::oci_error_of(ErrorCode::kUnavailable), OciError::kUnavailable);
}

TEST(ServerErrors, ApiErrorCarriesWhatTheRouterAnswers) {
  server::http::Headers headers;
  headers.emplace("WWW-Authenticate", "Basic realm=\"charthouse\"");
  server::ApiError e(OciError::kUnauthorized, "authentication required", json{{"a", 1}}, headers);
  EXPECT_EQ(e.status(), 401);
  EXPECT_EQ(e.code(), "UNAUTHORIZED");
  EXPECT_STREQ(e.what(), "authentication required");
  EXPECT_EQ(e.detail(), json({{"a", 1}}));
  EXPECT_EQ(e.headers().find("www-authenticate")->second, "Basic realm=\"charthouse\"");
  server::ApiError plain(OciError::kNameUnknown, "repository name not known to registry");
  EXPECT_TRUE(plain.detail().is_null());
  EXPECT_TRUE(plain.headers().empty());
}

}  // namespace
}  // namespace ch
