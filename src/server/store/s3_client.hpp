// A small S3 client for the object-store blob backend: the dozen calls a content-addressed
// store needs (HEAD, ranged GET, PUT, DELETE, server-side copy, multipart upload, listing,
// presigned GET URLs), over libcurl, signed with AWS Signature V4 by our own signer (libcurl's
// --aws-sigv4 cannot presign, and we want UNSIGNED-PAYLOAD for streamed bodies that are
// verified by content digest anyway). Works with AWS, Ceph RGW, MinIO and other S3 APIs,
// path-style or virtual-hosted-style.
//
// Failures: an unreachable endpoint or a 5xx answer is retried (every call here is
// idempotent) and then thrown as Error(kUnavailable), which the API answers with 503; a 4xx
// answer other than the expected 404 is Error(kIo) naming the S3 error code. Credentials
// never appear in messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ch::server::store {

struct S3Config {
  std::string endpoint;  // "http(s)://host[:port]"
  std::string bucket;
  std::string prefix;  // key prefix without leading or trailing '/', may be empty
  std::string region = "us-east-1";
  bool path_style = true;  // https://endpoint/bucket/key, else https://bucket.endpoint/key
  std::string access_key, secret_key, session_token;
  std::chrono::seconds timeout{120};  // one request, connection included (not streamed GETs)
  // A call during which the store sends nothing for this long (a hung or overloaded store)
  // is abandoned, and retried when that is safe (--s3-timeout).
  std::chrono::seconds stall{30};
  int attempts = 3;  // tries of a call that failed with 5xx or no answer
  // Objects larger than this are copied in parts of this size (UploadPartCopy); S3 copies at
  // most 5 GiB in one CopyObject. Smaller in tests, to take the multipart path.
  std::uint64_t max_copy_bytes = 5ULL << 30;
};

// Parses "s3://BUCKET[/PREFIX]" into config->bucket and ->prefix. Throws
// Error(kInvalidArgument) on anything else.
void parse_s3_url(const std::string& url, S3Config* config);

namespace sigv4 {

// A request as Signature V4 sees it. `path` is already URI-encoded (every byte but
// unreserved characters and '/'); query values are raw (encoded by the signer); header names
// are lowercase.
struct Request {
  std::string method;
  std::string host;  // Host header value (with a non-default port)
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

// RFC 3986 unreserved characters stay, everything else becomes %XX (uppercase); '/' stays
// when keep_slash.
std::string uri_encode(std::string_view s, bool keep_slash);
// The Authorization header value for `r` at `amz_date` ("YYYYMMDDTHHMMSSZ"); `r.headers` must
// already hold every header to sign (host, x-amz-date, x-amz-content-sha256, ...).
std::string authorization(const Request& r, const S3Config& c, const std::string& amz_date);
// The query string (without '?') of a presigned URL for `r` valid `expires` seconds from
// `amz_date` (r.query holds the request's own parameters; the X-Amz-* ones are added).
std::string presign(const Request& r, const S3Config& c, const std::string& amz_date,
                    std::chrono::seconds expires);
// "YYYYMMDDTHHMMSSZ" for Unix time `t`.
std::string amz_date(std::int64_t t);

}  // namespace sigv4

class S3Client {
 public:
  explicit S3Client(S3Config config);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3Config& config() const { return config_; }

  // Checks that the endpoint answers, the credentials are accepted and the bucket exists
  // (HEAD bucket); throws Error with a message an operator can act on.
  void check_bucket();
  // For tests and first start: creates the bucket (PUT bucket; an existing one of ours is
  // fine).
  void create_bucket();

  // Keys below are relative to the configured prefix.
  // The object's size (and Last-Modified, Unix seconds, into *mtime), or nullopt when missing.
  std::optional<std::uint64_t> head(const std::string& key, std::int64_t* mtime = nullptr);
  // The whole object when it exists and is at most `max_bytes` long; nullopt when missing;
  // Error(kTooLarge) when larger.
  std::optional<std::string> get(const std::string& key, std::uint64_t max_bytes);
  // Streams bytes [offset, offset + length) to `sink` (called with pieces as they arrive).
  // Returns false when the object does not exist. A failure after bytes went to the sink is
  // not retried (the sink cannot take them back): it throws.
  bool get_range(const std::string& key, std::uint64_t offset, std::uint64_t length,
                 const std::function<void(std::string_view)>& sink);
  void put(const std::string& key, std::string_view data);
  // Deletes the object; true when it existed (as far as a HEAD before could tell; S3 answers
  // 204 either way).
  bool remove(const std::string& key);
  // Deletes the object if it exists (one request, no answer about existence).
  void erase(const std::string& key);
  // Server-side copy of the `size`-byte object `from`: one CopyObject, or a multipart upload
  // of UploadPartCopy parts above config().max_copy_bytes. Copying an object onto itself
  // (from == to) refreshes its Last-Modified.
  void copy(const std::string& from, const std::string& to, std::uint64_t size);

  std::string create_multipart(const std::string& key);
  // Returns the part's ETag.
  std::string upload_part(const std::string& key, const std::string& upload_id, int part_number,
                          std::string_view data);
  void complete_multipart(const std::string& key, const std::string& upload_id,
                          const std::vector<std::string>& etags);
  void abort_multipart(const std::string& key, const std::string& upload_id);

  struct Object {
    std::string key;  // relative to the prefix
    std::uint64_t size = 0;
    std::int64_t mtime = 0;  // Unix seconds (LastModified)
  };
  // Every object whose key starts with `prefix` (relative), in pages of 1000.
  void list(const std::string& prefix, const std::function<void(const Object&)>& fn);
  struct MultipartUpload {
    std::string key, upload_id;
    std::int64_t initiated = 0;
  };
  void list_multipart(const std::string& prefix,
                      const std::function<void(const MultipartUpload&)>& fn);

  // A URL anyone can GET the object with for `expires`.
  std::string presigned_get(const std::string& key, std::chrono::seconds expires);

  struct Call;      // one request (s3_client.cpp)
  struct Response;  // status, headers, body of one call

 private:
  Response perform(const Call& call);
  std::string full_key(const std::string& key) const;

  S3Config config_;
  std::string scheme_, host_;  // of the endpoint
  struct Pool;
  std::unique_ptr<Pool> pool_;  // idle libcurl handles (connections are reused)
};

}  // namespace ch::server::store
