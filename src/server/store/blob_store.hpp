// Content-addressed blob storage behind an interface (docs/architecture.md, "The storage seam"):
// blobs are files shared by all repositories; uploads stream into a session file while being hashed
// in the same pass, then are fsynced and renamed into place, so a reader never sees a partial blob
// and a crash leaves at most an orphan upload.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/digest.hpp"

namespace ch::server::store {

// An open blob: a file descriptor positioned at 0 (for sendfile) and the blob's size.
class BlobFile {
 public:
  BlobFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~BlobFile();
  BlobFile(BlobFile&& o) noexcept : fd_(o.fd_), size_(o.size_) { o.fd_ = -1; }
  BlobFile& operator=(BlobFile&&) = delete;
  BlobFile(const BlobFile&) = delete;
  int fd() const { return fd_; }
  std::uint64_t size() const { return size_; }

 private:
  int fd_;
  std::uint64_t size_;
};

// An upload session's data. Appends are hashed as they are written; nothing re-reads the
// data to verify it. Not thread-safe: the caller serialises requests of one session.
class Upload {
 public:
  virtual ~Upload() = default;
  virtual std::uint64_t size() const = 0;  // bytes received so far
  virtual void append(std::string_view data) = 0;
  // The same for a piece the upload may keep: a large one is hashed on a helper thread
  // while the caller goes on (reading the next piece); size() counts it at once. Returns a
  // buffer the upload no longer needs (an earlier piece, or `data`), to be reused.
  virtual std::string append_owned(std::string data) {
    append(data);
    return data;
  }
  // Verifies the digest of everything appended (computed with expected's algorithm; the
  // session was started with it), fsyncs and atomically moves the data to its content
  // address. Throws Error(kDigestMismatch) on a mismatch, after discarding the data (the
  // caller answers DIGEST_INVALID). When the blob already exists the data is dropped and
  // the existing blob's mtime is refreshed (so garbage collection gives it a new grace).
  // append() and commit() after commit/cancel/mismatch throw kInvalidArgument.
  virtual void commit(const Digest& expected) = 0;
  // Releases what the session holds open between requests (its file descriptor), so idle
  // sessions cost no descriptors; the next append or commit takes them again.
  virtual void suspend() {}
  // Removes the session's data; harmless after commit (the blob stays) or a second time.
  // Destroying an Upload that was neither committed nor cancelled also removes its data.
  virtual void cancel() = 0;
};

struct StoredBlob {
  Digest digest;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;  // Unix seconds the blob was committed
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual std::optional<std::uint64_t> size_of(const Digest& d) = 0;
  // The blob as a local file (sent with sendfile), or nullopt when it is missing or the
  // backend keeps no local files (local_files() == false: use read_range).
  virtual std::optional<BlobFile> open(const Digest& d) = 0;
  // Whether open() gives files. An object-store backend answers false; its blobs are read
  // in bounded pieces with read_range, or fetched by clients from redirect_url.
  virtual bool local_files() const { return true; }
  // Bytes [offset, offset + length) of the blob (length: a bounded piece), or nullopt when the
  // blob is missing. The default reads what open() gives.
  virtual std::optional<std::string> read_range(const Digest& d, std::uint64_t offset,
                                                std::uint64_t length);
  // Streams bytes [offset, offset + length) of the blob to `sink` as they arrive (from an
  // object store: one GET, however long), or returns false when the blob is missing. `sink`
  // may throw to stop the transfer; the exception is not propagated (the caller knows why it
  // stopped), and read_stream then returns true. The default reads 8 MiB pieces with
  // read_range.
  virtual bool read_stream(const Digest& d, std::uint64_t offset, std::uint64_t length,
                           const std::function<void(std::string_view)>& sink);
  // A URL a client may GET the blob from directly for a while (a presigned object-store
  // URL), or "" when the backend does not redirect.
  virtual std::string redirect_url(const Digest& d) {
    (void)d;
    return {};
  }
  // A small blob's bytes (a config, a signature payload), or nullopt when it is missing or
  // larger than `max_bytes`. The default reads what open() gives; an object-store backend
  // GETs it.
  virtual std::optional<std::string> read(const Digest& d, std::uint64_t max_bytes);
  // Starts a new upload session `id` (a fresh random uuid chosen by the caller) hashing
  // with `algorithm`.
  // `repository` is recorded with a shared session (see resume_upload).
  virtual std::unique_ptr<Upload> start_upload(const std::string& id, DigestAlgorithm algorithm,
                                               const std::string& repository = {}) = 0;
  // Whether upload sessions live in the shared store, so that any node serving the same
  // store can continue a session another node started (scale-out). Then every request of a
  // session resumes it from the store and suspend() writes its state back.
  virtual bool shared_sessions() const { return false; }
  // The shared session `id` as its last suspend() left it, with the repository and algorithm
  // it was started with; nullptr when there is no such session (or sessions are not shared).
  virtual std::unique_ptr<Upload> resume_upload(const std::string& id, std::string* repository,
                                                DigestAlgorithm* algorithm) {
    (void)id;
    (void)repository;
    (void)algorithm;
    return nullptr;
  }
  // Stores small content in one call (hashing, fsync, rename); returns its digest.
  virtual Digest put(std::string_view data,
                     DigestAlgorithm algorithm = DigestAlgorithm::kSha256) = 0;
  virtual bool remove(const Digest& d) = 0;
  // For garbage collection: removes the blob unless it was committed again after `mtime`
  // (the StoredBlob::mtime that for_each reported), so an upload of the same content that
  // races with the collector keeps its blob. Returns whether it was removed. The default
  // ignores `mtime`; FsBlobStore implements the check.
  virtual bool remove_if_unchanged(const Digest& d, std::int64_t mtime) {
    (void)mtime;
    return remove(d);
  }
  // Every committed blob, for garbage collection.
  virtual void for_each(const std::function<void(const StoredBlob&)>& fn) = 0;
  // Removes upload files not touched for longer than `age` (crash leftovers, abandoned
  // sessions); returns how many were removed.
  virtual std::size_t remove_stale_uploads(std::chrono::seconds age) = 0;
};

// Blobs under <root>/blobs/<alg>/<2 hex>/<hex>, uploads under <root>/uploads/<id>.
std::unique_ptr<BlobStore> open_fs_blob_store(const std::filesystem::path& root);

}  // namespace ch::server::store
