#include "server/service.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/rand.h>

#include <optional>

#include "base/error.hpp"
#include "base/file.hpp"
#include "base/random.hpp"
#include "base/time.hpp"
#include "server/http/server.hpp"
#include "server/metrics.hpp"
#include "server/store/blob_store.hpp"
#include "server/store/metadata_store.hpp"
#include "server/store/pg_metadata_store.hpp"

namespace ch::server {

RootLock::RootLock(const std::filesystem::path& root) {
  std::filesystem::create_directories(root);
  auto path = root / ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw_errno("open " + path.string());
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw Error(ErrorCode::kAlreadyExists,
                "the registry root " + root.string() + " is in use by another charthouse process");
  }
}

RootLock::~RootLock() {
  if (fd_ >= 0) ::close(fd_);
}

nlohmann::ordered_json report_json(const gc::Report& r);

namespace {

std::unique_ptr<store::MetadataStore> open_metadata(const ServiceOptions& o) {
  if (!o.metadata_url.empty()) return store::open_pg_metadata_store(o.metadata_url, {});
  return store::open_sqlite_metadata_store(o.root);
}

}  // namespace

struct Service::Impl {
  ServiceOptions options;
  RootLock lock;
  std::unique_ptr<store::BlobStore> blobs;
  std::unique_ptr<store::MetadataStore> meta;
  auth::Authenticator auth;
  Metrics metrics;
  std::shared_mutex commit_lock;
  Router router;
  std::unique_ptr<http::Server> server;
  std::thread janitor;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool started = false;

  explicit Impl(ServiceOptions o)
      : options(std::move(o)),
        lock(options.root),
        blobs(options.s3 ? store::open_s3_blob_store(*options.s3)
                         : store::open_fs_blob_store(options.root)),
        meta(open_metadata(options)),
        auth(options.auth),
        router(with_admin(options.api), *blobs, *meta, auth, metrics, commit_lock) {}

  // The admin endpoint runs collections for `charthouse gc`; its token lives in the root.
  ApiOptions with_admin(ApiOptions api) {
    std::string token = random_hex(32);
    fs::write_file_atomic(std::filesystem::path(options.root) / "admin.token", token + "\n", 0600);
    api.admin_token = token;
    api.admin_gc = [this](bool dry_run) { return report_json(collect(dry_run)); };
    if (api.ui) {
      if (api.ui_key_file.empty())
        api.ui_key_file = (std::filesystem::path(options.root) / "ui-session.key").string();
      std::error_code ec;
      if (!std::filesystem::exists(api.ui_key_file, ec))
        fs::write_file_atomic(api.ui_key_file, random_hex(32) + "\n", 0600);
      std::string key = fs::read_file(api.ui_key_file, 4096);
      key = key.substr(0, key.find_first_of("\r\n"));
      if (key.size() < 32)
        throw Error(ErrorCode::kInvalidArgument,
                    "--ui-session-key: " + api.ui_key_file + " holds fewer than 32 characters");
      api.ui_key = key;
    }
    return api;
  }

  gc::Report collect(bool dry_run) {
    auto r = gc::collect(*blobs, *meta, commit_lock, options.gc_grace, dry_run);
    if (!dry_run) metrics.gc_run(r.manifests_deleted, r.blobs_deleted, r.bytes_freed);
    return r;
  }

  void janitor_loop() {
    auto next_gc = std::chrono::steady_clock::now() + options.gc_interval;
    std::unique_lock lk(mu);
    while (!stopping) {
      auto tick = std::chrono::seconds(30);
      if (options.gc_interval.count() > 0 && options.gc_interval < tick) tick = options.gc_interval;
      cv.wait_for(lk, tick);
      if (stopping) break;
      lk.unlock();
      try {
        router.expire_uploads(options.upload_expiry);
        if (options.gc_interval.count() > 0 && std::chrono::steady_clock::now() >= next_gc) {
          auto r = collect(false);
          std::cerr << fmt::format(
              "gc: deleted {} manifests, {} blob links, {} blobs ({} bytes freed), {} stale "
              "uploads\n",
              r.manifests_deleted, r.blob_links_removed, r.blobs_deleted, r.bytes_freed,
              r.stale_uploads_removed);
          next_gc = std::chrono::steady_clock::now() + options.gc_interval;
        }
      } catch (const std::exception& e) {
        std::cerr << "janitor: " << e.what() << "\n";
      }
      lk.lock();
    }
  }
};

Service::Service(ServiceOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  http::ServerOptions so;
  so.address = impl_->options.address;
  so.port = impl_->options.port;
  so.threads = impl_->options.threads;
  so.tls_cert_file = impl_->options.tls_cert_file;
  so.tls_key_file = impl_->options.tls_key_file;
  Impl* impl = impl_.get();
  so.on_complete = [impl](const http::Request& req, int status, std::uint64_t in, std::uint64_t out,
                          double seconds) {
    impl->metrics.observe_request(route_of(req.method, req.path), req.method, status, in, out,
                                  seconds);
    if (impl->options.access_log)
      std::cerr << fmt::format("{} - - [{}] \"{} {} HTTP/1.1\" {} {} {:.6f}\n", req.remote,
                               clf_utc(std::time(nullptr)), req.method.substr(0, 16),
                               req.target.substr(0, 2048), status, out, seconds);
  };
  impl_->server = std::make_unique<http::Server>(
      so, [impl](http::Exchange& ex) { return impl->router.handle(ex); });
}

Service::~Service() {
  stop();
}

void Service::start() {
  // Every connection, blob being sent and upload being written is a descriptor: take the
  // whole hard limit (the soft default of 1024 is reached by a thousand idle clients).
  if (struct rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);
  }
  impl_->server->start();
  impl_->started = true;
  // Where `charthouse gc` finds this server.
  std::string host = impl_->options.address;
  if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string scheme = impl_->options.tls_cert_file.empty() ? "http" : "https";
  fs::write_file_atomic(std::filesystem::path(impl_->options.root) / "serve.addr",
                        scheme + "://" + host + ":" + std::to_string(port()) + "\n", 0600);
  impl_->janitor = std::thread([this] { impl_->janitor_loop(); });
}

std::uint16_t Service::port() const {
  return impl_->server->port();
}

void Service::stop() {
  {
    std::lock_guard lk(impl_->mu);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->janitor.joinable()) impl_->janitor.join();
  if (!impl_->started) return;
  impl_->server->stop();
  impl_->server->wait();
}

void Service::reload_auth() {
  impl_->auth.reload();
}

gc::Report Service::collect(bool dry_run) {
  return impl_->collect(dry_run);
}

nlohmann::ordered_json report_json(const gc::Report& r) {
  return {{"manifests_deleted", r.manifests_deleted},
          {"blob_links_removed", r.blob_links_removed},
          {"blobs_deleted", r.blobs_deleted},
          {"bytes_freed", r.bytes_freed},
          {"stale_uploads_removed", r.stale_uploads_removed}};
}

namespace {

size_t on_curl_body(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

gc::Report collect_via_server(const std::filesystem::path& root, bool dry_run) {
  std::string url = fs::read_file(root / "serve.addr", 4096);
  std::string token = fs::read_file(root / "admin.token", 4096);
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
  url += "/_charthouse/gc";
  if (dry_run) url += "?dry_run=1";
  CURL* c = curl_easy_init();
  if (c == nullptr) throw Error(ErrorCode::kInternal, "curl_easy_init failed");
  std::string body;
  std::string header = "X-Charthouse-Admin: " + token;
  curl_slist* headers = curl_slist_append(nullptr, header.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_curl_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  // The server is on this machine and proves nothing by its certificate here; the admin
  // token (readable only by the root's owner) is what authenticates.
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK)
    throw Error(ErrorCode::kIo, "cannot reach the charthouse server using " + root.string() +
                                    " at " + url + ": " + curl_easy_strerror(rc));
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (status != 200 || j.is_discarded() || !j.is_object())
    throw Error(ErrorCode::kIo, "the charthouse server refused the collection (HTTP " +
                                    std::to_string(status) + "): " + body);
  gc::Report r;
  r.manifests_deleted = j.value("manifests_deleted", 0u);
  r.blob_links_removed = j.value("blob_links_removed", 0u);
  r.blobs_deleted = j.value("blobs_deleted", 0u);
  r.bytes_freed = j.value("bytes_freed", std::uint64_t{0});
  r.stale_uploads_removed = j.value("stale_uploads_removed", 0u);
  return r;
}

}  // namespace

gc::Report collect_root(const std::string& root, std::chrono::seconds grace, bool dry_run) {
  if (!std::filesystem::exists(std::filesystem::path(root) / "metadata.db"))
    throw Error(ErrorCode::kNotFound, "no registry store at " + root);
  std::optional<RootLock> lock;
  try {
    lock.emplace(root);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kAlreadyExists) throw;
    return collect_via_server(root, dry_run);
  }
  auto blobs = store::open_fs_blob_store(root);
  auto meta = store::open_sqlite_metadata_store(root);
  std::shared_mutex commit_lock;
  return gc::collect(*blobs, *meta, commit_lock, grace, dry_run);
}

}  // namespace ch::server
