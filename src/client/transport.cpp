#include "client/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>

#include "base/error.hpp"

namespace ch::client {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// libcurl's process-wide state, made by the first Transport (commands that never reach the
// network never pay for it), with the hashed CA directory libcurl was built with.
struct GlobalInit {
  std::string default_ca_file, default_ca_path;
  GlobalInit() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    if (info != nullptr && info->cainfo != nullptr) default_ca_file = info->cainfo;
    if (info != nullptr && info->capath != nullptr) default_ca_path = info->capath;
  }
};

const GlobalInit& ensure_global_init() {
  static GlobalInit init;
  return init;
}

bool set(const char* s) {
  return s != nullptr && *s != '\0';
}

// State of one transfer, reachable from libcurl's callbacks.
struct Transfer {
  CURL* handle = nullptr;
  const Request* request = nullptr;
  Response* response = nullptr;
  std::FILE* file = nullptr;
  std::uint64_t body_offset = 0;  // next byte of request->body to send
  std::exception_ptr failure;     // thrown by a sink, rethrown after curl returns
  bool too_large = false;
  std::uint64_t header_bytes = 0;  // all response header lines of the transfer (every hop)
  bool headers_too_large = false;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  t->header_bytes += line.size();
  if (t->header_bytes > kMaxResponseHeaderBytes) {
    t->headers_too_large = true;
    return 0;  // aborts the transfer
  }
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (redirect, 100 Continue): keep the last
    return line.size();
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos)
    t->response->headers.emplace_back(lower(trim(line.substr(0, colon))),
                                      std::string(trim(line.substr(colon + 1))));
  return line.size();
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * count);
  long status = 0;
  curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &status);
  try {
    if (t->request->sink && status >= 200 && status < 300) {
      t->request->sink(chunk);
    } else {
      if (t->response->body.size() + chunk.size() > t->request->max_body) {
        t->too_large = true;
        return 0;
      }
      t->response->body.append(chunk);
    }
  } catch (...) {
    t->failure = std::current_exception();
    return 0;
  }
  return chunk.size();
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t want = size * count;
  if (t->file != nullptr) {
    size_t got = std::fread(buffer, 1, want, t->file);
    if (got == 0 && std::ferror(t->file)) return CURL_READFUNC_ABORT;
    return got;
  }
  const std::string& body = t->request->body;
  size_t n = std::min<std::uint64_t>(want, body.size() - t->body_offset);
  std::copy_n(body.data() + t->body_offset, n, buffer);
  t->body_offset += n;
  return n;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  if (t->file != nullptr)
    return std::fseek(t->file, static_cast<long>(offset), SEEK_SET) == 0 ? CURL_SEEKFUNC_OK
                                                                         : CURL_SEEKFUNC_FAIL;
  if (static_cast<std::uint64_t>(offset) > t->request->body.size()) return CURL_SEEKFUNC_FAIL;
  t->body_offset = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  if (ultotal > 0 && ulnow < ultotal)
    t->request->progress(static_cast<std::uint64_t>(ulnow), static_cast<std::uint64_t>(ultotal));
  else if (dlnow > 0)
    t->request->progress(static_cast<std::uint64_t>(dlnow), static_cast<std::uint64_t>(dltotal));
  return 0;
}

}  // namespace

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

std::vector<std::string> Response::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (k == name) out.push_back(v);
  return out;
}

// Whether the ':'-separated list `dirs` names `dir`.
bool lists(std::string_view dirs, std::string_view dir) {
  while (true) {
    auto colon = dirs.find(':');
    if (dirs.substr(0, colon) == dir) return true;
    if (colon == std::string_view::npos) return false;
    dirs.remove_prefix(colon + 1);
  }
}

TrustAnchors trust_anchors(const TlsOptions& tls, const char* env_cert_file,
                           const char* env_cert_dir, const char* default_ca_file,
                           const char* default_ca_path) {
  TrustAnchors t;
  if (tls.insecure_skip_verify) return t;  // nothing to verify against: load nothing
  if (!tls.ca_file.empty()) {
    t.ca_file = tls.ca_file;
    return t;
  }
  if (!set(env_cert_file) && !set(env_cert_dir)) {
    if (set(default_ca_path))
      t.ca_path = default_ca_path;
    else
      t.curl_default = true;
    return t;
  }
  // Go's crypto/x509 on Linux: $SSL_CERT_FILE replaces the bundle, $SSL_CERT_DIR the
  // directories, and the pool is the union of both.
  if (set(env_cert_file)) t.ca_file = env_cert_file;
  if (set(env_cert_dir))
    t.ca_path = env_cert_dir;
  else if (set(default_ca_path))
    t.ca_path = default_ca_path;
  std::error_code ec;
  if (!t.ca_file.empty() && set(default_ca_file) && set(default_ca_path) &&
      lists(t.ca_path, default_ca_path) &&
      std::filesystem::equivalent(t.ca_file, default_ca_file, ec))
    t.ca_file.clear();  // the system bundle: its certificates are in the hashed directory
  return t;
}

struct Transport::Impl {
  TlsOptions tls;
  TrustAnchors trust;
  std::string user_agent;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  std::mutex pool_mutex;
  std::vector<CURL*> pool;  // idle easy handles

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->locks[data].unlock();
  }

  CURL* take() {
    {
      std::lock_guard lock(pool_mutex);
      if (!pool.empty()) {
        CURL* h = pool.back();
        pool.pop_back();
        curl_easy_reset(h);
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (h == nullptr) throw Error(ErrorCode::kInternal, "curl_easy_init failed");
    return h;
  }
  void give_back(CURL* h) {
    std::lock_guard lock(pool_mutex);
    pool.push_back(h);
  }
};

Transport::Transport(TlsOptions tls, std::string user_agent) : impl_(std::make_unique<Impl>()) {
  const GlobalInit& global = ensure_global_init();
  impl_->trust = trust_anchors(tls, std::getenv("SSL_CERT_FILE"), std::getenv("SSL_CERT_DIR"),
                               global.default_ca_file.c_str(), global.default_ca_path.c_str());
  impl_->tls = std::move(tls);
  impl_->user_agent = std::move(user_agent);
  impl_->share = curl_share_init();
  curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::lock);
  curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
  curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
}

Transport::~Transport() {
  for (CURL* h : impl_->pool) curl_easy_cleanup(h);
  curl_share_cleanup(impl_->share);
}

Response Transport::send(const Request& request) {
  Response response;
  Transfer t;
  t.request = &request;
  t.response = &response;
  CURL* h = impl_->take();
  t.handle = h;
  struct Guard {
    Impl* impl;
    CURL* h;
    Transfer* t;
    curl_slist* headers = nullptr;
    ~Guard() {
      if (t->file != nullptr) std::fclose(t->file);
      curl_slist_free_all(headers);
      impl->give_back(h);
    }
  } guard{impl_.get(), h, &t};

  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_SHARE, impl_->share);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_USERAGENT, impl_->user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a transfer stalled for a minute fails
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  if (request.follow_redirects) {
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    // libcurl never sends a custom Authorization header to a host, port or scheme other
    // than the one it was set for (CURLOPT_UNRESTRICTED_AUTH stays off).
  }
  const TlsOptions& tls = impl_->tls;
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  // Trust anchors are named here and read by OpenSSL only during a handshake (CURLOPT_CAINFO
  // would otherwise default to the whole system bundle, parsed before the ClientHello).
  const TrustAnchors& trust = impl_->trust;
  if (!trust.curl_default) {
    curl_easy_setopt(h, CURLOPT_CAINFO, trust.ca_file.empty() ? nullptr : trust.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_CAPATH, trust.ca_path.empty() ? nullptr : trust.ca_path.c_str());
  }
  if (!tls.cert_file.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, tls.key_file.c_str());

  for (const auto& [name, value] : request.headers)
    guard.headers = curl_slist_append(guard.headers, (name + ": " + value).c_str());

  std::uint64_t body_size = request.body.size();
  if (!request.body_file.empty()) {
    t.file = std::fopen(request.body_file.c_str(), "rb");
    if (t.file == nullptr) throw_errno("cannot open " + request.body_file.string());
    std::error_code ec;
    body_size = std::filesystem::file_size(request.body_file, ec);
    if (ec) throw Error(ErrorCode::kIo, "cannot read " + request.body_file.string());
  }
  bool has_body = !request.body_file.empty() || !request.body.empty();
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || (request.method == "PATCH" && has_body)) {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
    if (request.method == "PATCH") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH");
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.method == "PUT" || request.method == "POST" || request.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &t);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, &on_seek);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &t);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, guard.headers);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  if (request.progress) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  }

  CURLcode rc = curl_easy_perform(h);
  if (t.failure) std::rethrow_exception(t.failure);
  if (t.headers_too_large)
    throw Error(ErrorCode::kTooLarge, request.method + " \"" + request.url +
                                          "\": response headers larger than " +
                                          std::to_string(kMaxResponseHeaderBytes) + " bytes");
  if (t.too_large)
    throw Error(ErrorCode::kTooLarge, request.method + " \"" + request.url +
                                          "\": response body larger than " +
                                          std::to_string(request.max_body) + " bytes");
  if (rc != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    throw Error(ErrorCode::kNetwork, request.method + " \"" + request.url + "\": " + detail);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  char* final_url = nullptr;
  curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &final_url);
  if (final_url != nullptr) response.final_url = final_url;
  return response;
}

bool Transport::is_plain_http_answer(const std::string& error_message) {
  // OpenSSL's words when the first bytes back are "HTTP/1.x ..." instead of a TLS record.
  return error_message.find("wrong version number") != std::string::npos ||
         error_message.find("packet length too long") != std::string::npos ||
         error_message.find("http request") != std::string::npos;
}

bool is_loopback_host(std::string_view host) {
  std::string_view name = host;
  if (name.starts_with("[")) {
    name = name.substr(1, name.find(']') - 1);
  } else if (auto colon = name.rfind(':');
             colon != std::string_view::npos && name.find(':') == colon) {
    name = name.substr(0, colon);
  }
  return name == "localhost" || name == "::1" || name.starts_with("127.");
}

}  // namespace ch::client
