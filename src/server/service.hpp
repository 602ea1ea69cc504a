// `charthouse serve` assembled: the stores under --root, the authenticator, the OCI API,
// the HTTP server, the background garbage collector and upload expiry, and the process
// lock that keeps a second server or an offline `charthouse gc` off the same root.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/auth/auth.hpp"
#include "server/gc/collector.hpp"
#include "server/router.hpp"
#include "server/store/s3_blob_store.hpp"

namespace ch::server {

struct ServiceOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 5000;
  std::string root = "./charthouse-data";
  unsigned threads = 0;
  std::string tls_cert_file, tls_key_file;
  auth::Config auth;
  ApiOptions api;
  std::chrono::seconds gc_interval{3600};  // 0 disables the background collector
  std::chrono::seconds gc_grace{3600};
  std::chrono::seconds upload_expiry{24 * 3600};
  bool access_log = true;
  // Scale-out: blobs on S3-compatible storage instead of <root>/blobs, metadata on PostgreSQL
  // (a libpq URI) instead of <root>/metadata.db. The root then keeps only this node's lock,
  // admin token and address.
  std::optional<store::S3BlobStoreOptions> s3;
  std::string metadata_url;
};

// flock(2) on <root>/.lock: one server (or offline gc, or migrate) per root. Throws
// Error(kAlreadyExists) when another process holds it.
class RootLock {
 public:
  explicit RootLock(const std::filesystem::path& root);
  ~RootLock();
  RootLock(const RootLock&) = delete;
  RootLock& operator=(const RootLock&) = delete;

 private:
  int fd_ = -1;
};

class Service {
 public:
  // Opens the root (creating it), takes its lock; throws ch::Error with a clear message if
  // another process holds it.
  explicit Service(ServiceOptions options);
  ~Service();
  void start();
  std::uint16_t port() const;
  // Finishes in-flight requests and stops the collector.
  void stop();
  // Reloads the htpasswd and access files (SIGHUP). Throws ch::Error naming the file and
  // the problem, and keeps the rules in force then.
  void reload_auth();
  // Runs one collection now (also what the background task does).
  gc::Report collect(bool dry_run);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `charthouse gc`: collects the root directly when no server uses it (with `grace`), or,
// when a `charthouse serve` holds the root, asks that server to collect now (with its own
// --gc-grace) over loopback, authenticated by the admin token it keeps in the root.
gc::Report collect_root(const std::string& root, std::chrono::seconds grace, bool dry_run);

}  // namespace ch::server
