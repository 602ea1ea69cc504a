// A node's local copies of blobs it serves from an object store (scale-out, docs/scale-out.md):
// content-addressed files in a directory of the node's own, bounded in bytes, the least
// recently used evicted first. A whole-blob GET that misses streams from the object store as
// before and writes a copy on the way (hashed; published under its digest only when the
// digest and size match); later GETs of the blob are sent from the local file with sendfile.
//
// The object store stays the authority: the caller asks it whether the blob exists (and its
// size) before using a copy, so a blob deleted or collected through any node is gone on
// every node. Blobs are immutable by address, so a copy can never be stale, only unneeded.
// The directory is emptied when the cache opens: copies are written without fsync, and a
// crash could leave a published file whose data never reached the disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
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

  Stats stats() const;
  std::uint64_t max_bytes() const { return max_bytes_; }

  static constexpr std::size_t kMaxFills = 4;

 private:
  struct Entry {
    std::uint64_t size;
    std::list<std::string>::iterator lru;  // position in lru_ (front: most recent)
  };
  std::filesystem::path path_of(const std::string& key) const;
  void publish(Fill& f);        // after a verified fill
  void end_fill(const std::string& key);
  void evict_locked();          // with mu_ held: down to max_bytes_

  std::filesystem::path dir_;
  std::uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // by digest string
  std::list<std::string> lru_;
  std::set<std::string> filling_;
  std::uint64_t next_tmp_ = 0;
  Stats stats_;
};

}  // namespace ch::server::store
