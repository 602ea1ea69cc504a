// A node's local copies of blobs it serves from an object store (scale-out, docs/scale-out.md):
// content-addressed files in a directory of the node's own, bounded in bytes, the least
// recently used evicted first. A whole-blob GET that misses streams from the object store as
// before, and queues a copy that a background thread of the lowest CPU priority makes with a
// GET of its own (hashed; published under its digest only when digest and size match), so a
// download never waits for the copy. Later GETs of the blob are sent from the local file with
// sendfile.
//
// The caller checks that the blob is still there (its link in the metadata, which garbage
// collection removes before the object) before using a copy. Blobs are immutable by address,
// so a copy can never be stale, only unneeded. The directory is emptied when the cache opens:
// copies are written without fsync, and a crash could leave a published file whose data never
// reached the disk.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "base/digest.hpp"
#include "server/store/blob_store.hpp"

namespace ch::server::store {

class BlobCache {
 public:
  struct Stats {
    std::uint64_t bytes = 0, files = 0, hits = 0, misses = 0, fills = 0, evictions = 0,
                  rejected = 0;  // fills whose bytes did not match the digest or size
  };

  // `dir` is created (0700) and emptied; `max_bytes` bounds the published copies. A blob
  // larger than a quarter of it is not cached (one large blob must not flush the rest).
  BlobCache(std::filesystem::path dir, std::uint64_t max_bytes);
  ~BlobCache();  // stops the background copy (an unfinished one leaves nothing)
  BlobCache(const BlobCache&) = delete;
  BlobCache& operator=(const BlobCache&) = delete;

  // The copy of `d`, opened for sendfile, when there is one of `size` bytes; counts as a use
  // (hit), else as a miss.
  std::optional<BlobFile> open(const Digest& d, std::uint64_t size);

  // Writes a copy while a download streams. Bytes are appended in order; finish() checks that
  // exactly `size` bytes with digest `d` arrived, then publishes. A Fill destroyed unfinished
  // (the client left, the store failed) removes its partial file.
  class Fill {
   public:
    ~Fill();
    Fill(const Fill&) = delete;
    Fill& operator=(const Fill&) = delete;
    // Write errors (a full disk) end the fill quietly: the download goes on without a copy.
    void append(std::string_view data);
    bool finish();

   private:
    friend class BlobCache;
    Fill(BlobCache& cache, const Digest& d, std::uint64_t size, int fd, std::filesystem::path tmp);
    BlobCache& cache_;
    Digest digest_;
    std::uint64_t size_, written_ = 0;
    int fd_;
    std::filesystem::path tmp_;
    Hasher hasher_;
    bool failed_ = false, done_ = false;
  };

  // A fill for a download of all of `d` (`size` bytes), or nullptr when the blob is too large,
  // already cached, being filled by another download, or kMaxFills fills are running.
  std::unique_ptr<Fill> begin_fill(const Digest& d, std::uint64_t size);

  // Streams the blob's bytes, in order, into the sink; false when the blob is missing.
  using Reader = std::function<bool(const std::function<void(std::string_view)>& sink)>;
  // Queues a copy of `d` (`size` bytes) read with `read` on the background thread (one blob
  // at a time, SCHED_IDLE: it only takes CPU nothing else wants). Ignored when the blob is
  // too large, already cached or queued, or kMaxQueued copies wait.
  void fill_later(const Digest& d, std::uint64_t size, Reader read);
  // Waits until no copy is queued or running (tests).
  void drain();

  Stats stats() const;
  std::uint64_t max_bytes() const { return max_bytes_; }

  static constexpr std::size_t kMaxFills = 4;
  static constexpr std::size_t kMaxQueued = 64;

 private:
  struct Entry {
    std::uint64_t size;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
  };
  std::filesystem::path path_of(const std::string& key) const;
  void publish(Fill& f);  // after a verified fill
  void end_fill(const std::string& key);
  void evict_locked();  // with mu_ held: down to max_bytes_

  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // by digest string
  std::list<std::string> lru_;
  std::set<std::string> filling_;
  std::uint64_t next_tmp_ = 0;
  Stats stats_;

  // The background copies.
  struct Job {
    Digest digest;
    std::uint64_t size;
    Reader read;
  };
  void work();
  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::deque<Job> jobs_;
  std::set<std::string> queued_;  // digests queued or being copied
  bool busy_ = false;
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

}  // namespace ch::server::store
