#include "server/store/s3_client.hpp"

#include <curl/curl.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include "base/error.hpp"
#include "base/percent.hpp"

namespace ch::server::store {

namespace {

constexpr std::size_t kMaxXmlBody = 4 << 20;  // listings of 1000 keys are ~300 KB

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return hex(md, sizeof md);
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string scope_of(const S3Config& c, const std::string& amz_date) {
  return amz_date.substr(0, 8) + "/" + c.region + "/s3/aws4_request";
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> q) {
  for (auto& [k, v] : q) {
    k = sigv4::uri_encode(k, false);
    v = sigv4::uri_encode(v, false);
  }
  std::sort(q.begin(), q.end());
  std::string out;
  for (const auto& [k, v] : q) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// The signature of a canonical request; *signed_headers gets the "a;b;c" list.
std::string signature(const sigv4::Request& r, const std::string& query, const S3Config& c,
                      const std::string& amz_date, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [k, v] : r.headers) headers.emplace_back(k, trim(v));
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers;
  signed_headers->clear();
  for (const auto& [k, v] : headers) {
    canonical_headers += k + ":" + v + "\n";
    if (!signed_headers->empty()) *signed_headers += ';';
    *signed_headers += k;
  }
  std::string canonical = r.method + "\n" + r.path + "\n" + query + "\n" + canonical_headers +
                          "\n" + *signed_headers + "\n" + r.payload_hash;
  std::string to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope_of(c, amz_date) + "\n" + sha256_hex(canonical);
  std::string key = hmac("AWS4" + c.secret_key, amz_date.substr(0, 8));
  key = hmac(key, c.region);
  key = hmac(key, "s3");
  key = hmac(key, "aws4_request");
  std::string sig = hmac(key, to_sign);
  return hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

// The text of every <tag>...</tag> in `xml`, entity-decoded (S3's answers are flat enough
// for this: no CDATA, no attributes on the elements read here).
std::vector<std::string> xml_all(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  std::size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    std::size_t start = pos + open.size();
    std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) break;
    std::string_view raw = xml.substr(start, end - start);
    std::string text;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        text += raw[i];
        continue;
      }
      static const std::pair<std::string_view, char> entities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool matched = false;
      for (const auto& [name, c] : entities)
        if (raw.substr(i, name.size()) == name) {
          text += c;
          i += name.size() - 1;
          matched = true;
          break;
        }
      if (!matched) text += '&';
    }
    out.push_back(std::move(text));
    pos = end + close.size();
  }
  return out;
}

std::string xml_first(std::string_view xml, std::string_view tag) {
  auto all = xml_all(xml, tag);
  return all.empty() ? std::string() : all.front();
}

// "2026-12-07T19:50:00.000Z" -> Unix seconds (0 when malformed).
std::int64_t parse_iso8601(const std::string& s) {
  std::tm tm{};
  if (sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
             &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace

void parse_s3_url(const std::string& url, S3Config* config) {
  const std::string scheme = "s3://";
  if (url.rfind(scheme, 0) != 0)
    throw Error(ErrorCode::kInvalidArgument,
                "--storage: expected s3://BUCKET[/PREFIX], got " + url);
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  bool bucket_ok = bucket.size() >= 3 && bucket.size() <= 63;
  for (char c : bucket)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
      bucket_ok = false;
  if (!bucket_ok)
    throw Error(ErrorCode::kInvalidArgument,
                "--storage: \"" + bucket +
                    "\" is not an S3 bucket name (3-63 characters of a-z, 0-9, '-', '.')");
  for (char c : prefix)
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\')
      throw Error(ErrorCode::kInvalidArgument, "--storage: invalid character in the key prefix");
  if (prefix.find("//") != std::string::npos || (!prefix.empty() && prefix.front() == '/'))
    throw Error(ErrorCode::kInvalidArgument, "--storage: empty path segment in the key prefix");
  config->bucket = bucket;
  config->prefix = prefix;
}

namespace sigv4 {

std::string uri_encode(std::string_view s, bool keep_slash) {
  return percent_encode(s, keep_slash ? "/" : "");
}

std::string authorization(const Request& r, const S3Config& c, const std::string& amz_date) {
  std::string signed_headers;
  std::string sig = signature(r, canonical_query(r.query), c, amz_date, &signed_headers);
  return "AWS4-HMAC-SHA256 Credential=" + c.access_key + "/" + scope_of(c, amz_date) +
         ", SignedHeaders=" + signed_headers + ", Signature=" + sig;
}

std::string presign(const Request& r, const S3Config& c, const std::string& amz_date,
                    std::chrono::seconds expires) {
  Request q = r;
  q.query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
  q.query.emplace_back("X-Amz-Credential", c.access_key + "/" + scope_of(c, amz_date));
  q.query.emplace_back("X-Amz-Date", amz_date);
  q.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  if (!c.session_token.empty()) q.query.emplace_back("X-Amz-Security-Token", c.session_token);
  std::string signed_headers;
  for (const auto& [k, v] : q.headers) {
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += k;
  }
  q.query.emplace_back("X-Amz-SignedHeaders", signed_headers);
  std::string query = canonical_query(q.query);
  std::string ignored;
  std::string sig = signature(q, query, c, amz_date, &ignored);
  return query + "&X-Amz-Signature=" + sig;
}

std::string amz_date(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace sigv4

// One call: what to send, where the response body goes.
struct S3Client::Call {
  std::string method;
  std::string key;  // full key (prefix included); empty: the bucket itself
  bool bucket_level = false;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase names
  std::string_view body;
  bool has_body = false;
  std::size_t max_body = kMaxXmlBody;                           // for a buffered response body
  const std::function<void(std::string_view)>* sink = nullptr;  // streamed 2xx body
  std::string what;                                             // for messages: "GET key"
};

struct S3Client::Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  bool too_large = false;
  bool streamed = false;  // bytes went to the sink
};

struct S3Client::Pool {
  std::mutex mu;
  std::vector<CURL*> idle;
  ~Pool() {
    for (CURL* h : idle) curl_easy_cleanup(h);
  }
  CURL* take() {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        curl_easy_reset(h);
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (!h) throw Error(ErrorCode::kInternal, "curl_easy_init failed");
    return h;
  }
  void give(CURL* h) {
    std::lock_guard lock(mu);
    if (idle.size() < 64) {
      idle.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }
};

S3Client::S3Client(S3Config config) : config_(std::move(config)), pool_(std::make_unique<Pool>()) {
  auto sep = config_.endpoint.find("://");
  if (sep == std::string::npos)
    throw Error(ErrorCode::kInvalidArgument,
                "--s3-endpoint: expected http(s)://HOST[:PORT], got " + config_.endpoint);
  scheme_ = config_.endpoint.substr(0, sep);
  host_ = config_.endpoint.substr(sep + 3);
  while (!host_.empty() && host_.back() == '/') host_.pop_back();
  if ((scheme_ != "http" && scheme_ != "https") || host_.empty() ||
      host_.find('/') != std::string::npos)
    throw Error(ErrorCode::kInvalidArgument,
                "--s3-endpoint: expected http(s)://HOST[:PORT], got " + config_.endpoint);
  if (config_.access_key.empty() || config_.secret_key.empty())
    throw Error(ErrorCode::kInvalidArgument,
                "S3 credentials missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the "
                "s3-access-key-file / s3-secret-key-file settings)");
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

S3Client::~S3Client() = default;

std::string S3Client::full_key(const std::string& key) const {
  return config_.prefix.empty() ? key : config_.prefix + "/" + key;
}

namespace {

struct Transfer {
  S3Client::Response* response;
  const S3Client::Call* call;
  std::string_view upload;
  std::size_t upload_pos = 0;
};

}  // namespace

S3Client::Response S3Client::perform(const Call& call) {
  std::string host = config_.path_style ? host_ : config_.bucket + "." + host_;
  std::string path = config_.path_style ? "/" + config_.bucket : "";
  if (!call.bucket_level) path += "/" + sigv4::uri_encode(call.key, true);
  if (path.empty()) path = "/";
  std::string query = canonical_query(call.query);
  std::string url = scheme_ + "://" + host + path + (query.empty() ? "" : "?" + query);

  for (int attempt = 1;; ++attempt) {
    sigv4::Request sr;
    sr.method = call.method;
    sr.host = host;
    sr.path = path;
    sr.query = call.query;
    sr.payload_hash =
        call.has_body && !call.body.empty() ? "UNSIGNED-PAYLOAD" : sha256_hex(call.body);
    std::string date = sigv4::amz_date(static_cast<std::int64_t>(std::time(nullptr)));
    sr.headers = call.headers;
    sr.headers.emplace_back("host", host);
    sr.headers.emplace_back("x-amz-date", date);
    sr.headers.emplace_back("x-amz-content-sha256", sr.payload_hash);
    if (!config_.session_token.empty())
      sr.headers.emplace_back("x-amz-security-token", config_.session_token);
    std::string auth = sigv4::authorization(sr, config_, date);

    Response response;
    Transfer t{&response, &call, call.body};
    CURL* h = pool_->take();
    struct curl_slist* list = nullptr;
    for (const auto& [k, v] : sr.headers)
      if (k != "host") list = curl_slist_append(list, (k + ": " + v).c_str());
    list = curl_slist_append(list, ("Authorization: " + auth).c_str());
    list = curl_slist_append(list, "Expect:");
    if (!call.has_body && (call.method == "PUT" || call.method == "POST"))
      list = curl_slist_append(list, "Content-Length: 0");
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    // A store that sends nothing for `stall` is treated as down. A streamed GET (a blob
    // download, as long as the blob and the client make it) has no other limit.
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(config_.stall.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT,
                     call.sink ? 0L : static_cast<long>(config_.timeout.count()));
    if (call.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (call.method == "PUT") {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
      curl_easy_setopt(h, CURLOPT_READDATA, &t);
      curl_easy_setopt(
          h, CURLOPT_READFUNCTION, +[](char* buf, size_t size, size_t n, void* p) -> size_t {
            auto* t = static_cast<Transfer*>(p);
            std::size_t k = std::min(size * n, t->upload.size() - t->upload_pos);
            std::memcpy(buf, t->upload.data() + t->upload_pos, k);
            t->upload_pos += k;
            return k;
          });
    } else if (call.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, call.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    } else if (call.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    }
    // Streamed bodies arrive in large reads: fewer calls into the sink, fewer system calls.
    // (Handles are reused: every call sets the size.)
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, call.sink ? 512L << 10 : 64L << 10);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(
        h, CURLOPT_WRITEFUNCTION, +[](char* buf, size_t size, size_t n, void* p) -> size_t {
          auto* t = static_cast<Transfer*>(p);
          std::size_t k = size * n;
          if (t->call->sink && t->response->status / 100 == 2) {
            t->response->streamed = true;
            try {
              (*t->call->sink)(std::string_view(buf, k));
            } catch (...) {
              return 0;  // aborts the transfer
            }
            return k;
          }
          if (t->response->body.size() + k > t->call->max_body) {
            t->response->too_large = true;
            return 0;
          }
          t->response->body.append(buf, k);
          return k;
        });
    // The header callback learns the status from the status line, before any body byte:
    // only a 2xx body goes to the sink.
    CURLcode rc;
    {
      curl_easy_setopt(
          h, CURLOPT_HEADERFUNCTION, +[](char* buf, size_t size, size_t n, void* p) -> size_t {
            auto* t = static_cast<Transfer*>(p);
            std::string_view line(buf, size * n);
            if (line.rfind("HTTP/", 0) == 0) {
              t->response->headers.clear();
              auto sp = line.find(' ');
              if (sp != std::string_view::npos)
                t->response->status = std::atol(std::string(line.substr(sp + 1, 3)).c_str());
              return size * n;
            }
            auto colon = line.find(':');
            if (colon != std::string_view::npos) {
              std::string name(line.substr(0, colon));
              std::transform(name.begin(), name.end(), name.begin(),
                             [](unsigned char c) { return std::tolower(c); });
              std::string_view value = line.substr(colon + 1);
              value = value.substr(0, value.find_first_of("\r\n"));
              t->response->headers[name] = trim(value);
            }
            return size * n;
          });
      rc = curl_easy_perform(h);
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(list);
    pool_->give(h);
    response.status = status;

    if (rc == CURLE_OK && status < 500) {
      if (response.too_large) {
        throw Error(ErrorCode::kTooLarge, "object store: " + call.what + ": answer too large");
      }
      return response;
    }
    std::string why =
        rc != CURLE_OK ? curl_easy_strerror(rc)
                       : "HTTP " + std::to_string(status) + " " + xml_first(response.body, "Code");
    if (response.streamed || attempt >= config_.attempts || response.too_large)
      throw Error(ErrorCode::kUnavailable,
                  "object store " + config_.endpoint + " unavailable: " + call.what + ": " + why);
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
}

namespace {

[[noreturn]] void refused(const S3Client::Response& r, const std::string& what) {
  std::string code = xml_first(r.body, "Code");
  std::string message = xml_first(r.body, "Message");
  throw Error(ErrorCode::kIo, "object store refused " + what + ": HTTP " +
                                  std::to_string(r.status) + (code.empty() ? "" : " " + code) +
                                  (message.empty() ? "" : " (" + message + ")"));
}

}  // namespace

void S3Client::check_bucket() {
  Call c;
  c.method = "HEAD";
  c.bucket_level = true;
  c.what = "HEAD bucket " + config_.bucket;
  Response r = perform(c);
  if (r.status == 200) return;
  if (r.status == 404)
    throw Error(ErrorCode::kNotFound,
                "S3 bucket " + config_.bucket + " does not exist at " + config_.endpoint);
  if (r.status == 403 || r.status == 401)
    throw Error(ErrorCode::kUnauthorized,
                "the object store " + config_.endpoint + " refused the credentials for bucket " +
                    config_.bucket + " (HTTP " + std::to_string(r.status) + ")");
  refused(r, c.what);
}

void S3Client::create_bucket() {
  Call c;
  c.method = "PUT";
  c.bucket_level = true;
  c.what = "PUT bucket " + config_.bucket;
  Response r = perform(c);
  if (r.status == 200 ||
      (r.status == 409 && xml_first(r.body, "Code") == "BucketAlreadyOwnedByYou"))
    return;
  refused(r, c.what);
}

std::optional<std::uint64_t> S3Client::head(const std::string& key, std::int64_t* mtime) {
  Call c;
  c.method = "HEAD";
  c.key = full_key(key);
  c.what = "HEAD " + key;
  Response r = perform(c);
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) refused(r, c.what);
  auto it = r.headers.find("content-length");
  if (it == r.headers.end()) refused(r, c.what + " (no Content-Length)");
  if (mtime) {
    *mtime = 0;
    auto lm = r.headers.find("last-modified");
    std::tm tm{};
    if (lm != r.headers.end() &&
        strptime(lm->second.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr)
      *mtime = static_cast<std::int64_t>(timegm(&tm));
  }
  return std::stoull(it->second);
}

std::optional<std::string> S3Client::get(const std::string& key, std::uint64_t max_bytes) {
  Call c;
  c.method = "GET";
  c.key = full_key(key);
  c.what = "GET " + key;
  c.max_body = static_cast<std::size_t>(std::max<std::uint64_t>(max_bytes, kMaxXmlBody));
  Response r = perform(c);
  if (r.status == 404) return std::nullopt;
  if (r.status != 200) refused(r, c.what);
  if (r.body.size() > max_bytes)
    throw Error(ErrorCode::kTooLarge,
                "object " + key + " is larger than " + std::to_string(max_bytes) + " bytes");
  return std::move(r.body);
}

bool S3Client::get_range(const std::string& key, std::uint64_t offset, std::uint64_t length,
                         const std::function<void(std::string_view)>& sink) {
  if (length == 0) return head(key).has_value();
  Call c;
  c.method = "GET";
  c.key = full_key(key);
  c.what = "GET " + key;
  c.headers.emplace_back(
      "range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  c.sink = &sink;
  Response r = perform(c);
  if (r.status == 404) return false;
  if (r.status != 206 && r.status != 200) refused(r, c.what);
  return true;
}

void S3Client::put(const std::string& key, std::string_view data) {
  Call c;
  c.method = "PUT";
  c.key = full_key(key);
  c.what = "PUT " + key;
  c.body = data;
  c.has_body = true;
  Response r = perform(c);
  if (r.status != 200) refused(r, c.what);
}

bool S3Client::remove(const std::string& key) {
  bool existed = head(key).has_value();
  erase(key);
  return existed;
}

void S3Client::erase(const std::string& key) {
  Call c;
  c.method = "DELETE";
  c.key = full_key(key);
  c.what = "DELETE " + key;
  Response r = perform(c);
  if (r.status != 204 && r.status != 200 && r.status != 404) refused(r, c.what);
}

void S3Client::copy(const std::string& from, const std::string& to, std::uint64_t size) {
  const std::string source = "/" + config_.bucket + "/" + sigv4::uri_encode(full_key(from), true);
  const std::uint64_t part = std::max<std::uint64_t>(config_.max_copy_bytes, 1);
  if (size > part) {
    // Parts of `part` bytes (S3: 5 MiB to 5 GiB each, at most 10,000 parts).
    if ((size + part - 1) / part > 10000)
      throw Error(ErrorCode::kTooLarge, "COPY " + from + ": " + std::to_string(size) +
                                            " bytes need more than 10,000 parts");
    const std::string id = create_multipart(to);
    try {
      std::vector<std::string> etags;
      for (std::uint64_t at = 0; at < size; at += part) {
        const std::uint64_t last = std::min(size, at + part) - 1;
        Call c;
        c.method = "PUT";
        c.key = full_key(to);
        c.query = {{"partNumber", std::to_string(etags.size() + 1)}, {"uploadId", id}};
        c.what = "COPY part " + std::to_string(etags.size() + 1) + " of " + from + " to " + to;
        c.headers.emplace_back("x-amz-copy-source", source);
        c.headers.emplace_back("x-amz-copy-source-range",
                               "bytes=" + std::to_string(at) + "-" + std::to_string(last));
        Response r = perform(c);
        std::string etag = xml_first(r.body, "ETag");
        if (r.status != 200 || etag.empty() || r.body.find("<Error>") != std::string::npos)
          refused(r, c.what);
        etags.push_back(etag);
      }
      complete_multipart(to, id, etags);
    } catch (...) {
      try {
        abort_multipart(to, id);
      } catch (...) {
      }
      throw;
    }
    return;
  }
  Call c;
  c.method = "PUT";
  c.key = full_key(to);
  c.what = "COPY " + from + " to " + to;
  c.headers.emplace_back("x-amz-copy-source", source);
  if (from == to) c.headers.emplace_back("x-amz-metadata-directive", "REPLACE");
  Response r = perform(c);
  // S3 may answer 200 with an <Error> body to a copy that failed midway.
  if (r.status != 200 || r.body.find("<Error>") != std::string::npos) refused(r, c.what);
}

std::string S3Client::create_multipart(const std::string& key) {
  Call c;
  c.method = "POST";
  c.key = full_key(key);
  c.query = {{"uploads", ""}};
  c.what = "POST uploads " + key;
  Response r = perform(c);
  std::string id = xml_first(r.body, "UploadId");
  if (r.status != 200 || id.empty()) refused(r, c.what);
  return id;
}

std::string S3Client::upload_part(const std::string& key, const std::string& upload_id,
                                  int part_number, std::string_view data) {
  Call c;
  c.method = "PUT";
  c.key = full_key(key);
  c.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  c.what = "PUT part " + std::to_string(part_number) + " of " + key;
  c.body = data;
  c.has_body = true;
  Response r = perform(c);
  auto etag = r.headers.find("etag");
  if (r.status != 200 || etag == r.headers.end()) refused(r, c.what);
  return etag->second;
}

void S3Client::complete_multipart(const std::string& key, const std::string& upload_id,
                                  const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i)
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] +
           "</ETag></Part>";
  xml += "</CompleteMultipartUpload>";
  Call c;
  c.method = "POST";
  c.key = full_key(key);
  c.query = {{"uploadId", upload_id}};
  c.what = "complete multipart upload of " + key;
  c.body = xml;
  c.has_body = true;
  c.headers.emplace_back("content-type", "application/xml");
  Response r = perform(c);
  if (r.status != 200 || r.body.find("<Error>") != std::string::npos) refused(r, c.what);
}

void S3Client::abort_multipart(const std::string& key, const std::string& upload_id) {
  Call c;
  c.method = "DELETE";
  c.key = full_key(key);
  c.query = {{"uploadId", upload_id}};
  c.what = "abort multipart upload of " + key;
  Response r = perform(c);
  if (r.status != 204 && r.status != 200 && r.status != 404) refused(r, c.what);
}

void S3Client::list(const std::string& prefix, const std::function<void(const Object&)>& fn) {
  std::string token;
  const std::string strip = config_.prefix.empty() ? "" : config_.prefix + "/";
  do {
    Call c;
    c.method = "GET";
    c.bucket_level = true;
    c.query = {{"list-type", "2"}, {"prefix", full_key(prefix)}, {"max-keys", "1000"}};
    if (!token.empty()) c.query.emplace_back("continuation-token", token);
    c.what = "list " + prefix;
    Response r = perform(c);
    if (r.status != 200) refused(r, c.what);
    for (const std::string& item : xml_all(r.body, "Contents")) {
      Object o;
      o.key = xml_first(item, "Key");
      if (o.key.rfind(strip, 0) != 0) continue;
      o.key = o.key.substr(strip.size());
      o.size = std::stoull("0" + xml_first(item, "Size"));
      o.mtime = parse_iso8601(xml_first(item, "LastModified"));
      fn(o);
    }
    token = xml_first(r.body, "IsTruncated") == "true" ? xml_first(r.body, "NextContinuationToken")
                                                       : "";
  } while (!token.empty());
}

void S3Client::list_multipart(const std::string& prefix,
                              const std::function<void(const MultipartUpload&)>& fn) {
  std::string key_marker, id_marker;
  const std::string strip = config_.prefix.empty() ? "" : config_.prefix + "/";
  while (true) {
    Call c;
    c.method = "GET";
    c.bucket_level = true;
    c.query = {{"uploads", ""}, {"prefix", full_key(prefix)}};
    if (!key_marker.empty()) {
      c.query.emplace_back("key-marker", key_marker);
      c.query.emplace_back("upload-id-marker", id_marker);
    }
    c.what = "list multipart uploads " + prefix;
    Response r = perform(c);
    if (r.status != 200) refused(r, c.what);
    for (const std::string& item : xml_all(r.body, "Upload")) {
      MultipartUpload u;
      u.key = xml_first(item, "Key");
      if (u.key.rfind(strip, 0) != 0) continue;
      u.key = u.key.substr(strip.size());
      u.upload_id = xml_first(item, "UploadId");
      u.initiated = parse_iso8601(xml_first(item, "Initiated"));
      fn(u);
    }
    if (xml_first(r.body, "IsTruncated") != "true") break;
    key_marker = xml_first(r.body, "NextKeyMarker");
    id_marker = xml_first(r.body, "NextUploadIdMarker");
    if (key_marker.empty()) break;
  }
}

std::string S3Client::presigned_get(const std::string& key, std::chrono::seconds expires) {
  std::string host = config_.path_style ? host_ : config_.bucket + "." + host_;
  std::string path = (config_.path_style ? "/" + config_.bucket : "") + "/" +
                     sigv4::uri_encode(full_key(key), true);
  sigv4::Request r;
  r.method = "GET";
  r.host = host;
  r.path = path;
  r.headers = {{"host", host}};
  r.payload_hash = "UNSIGNED-PAYLOAD";
  std::string query = sigv4::presign(
      r, config_, sigv4::amz_date(static_cast<std::int64_t>(std::time(nullptr))), expires);
  return scheme_ + "://" + host + path + "?" + query;
}

}  // namespace ch::server::store
