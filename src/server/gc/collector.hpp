// Garbage collection of a registry store: untagged, unreferenced manifests and blob links
// older than a grace period go in one metadata transaction, then blob files no repository
// links any more are deleted. Safe while the registry serves: blob deletion and upload
// commits exclude each other through the lock given.
#pragma once

#include <chrono>
#include <cstdint>
#include <shared_mutex>

#include "server/store/blob_store.hpp"
#include "server/store/metadata_store.hpp"

namespace ch::server::gc {

struct Report {
  std::size_t manifests_deleted = 0;
  std::size_t blob_links_removed = 0;
  std::size_t blobs_deleted = 0;
  std::uint64_t bytes_freed = 0;
  std::size_t stale_uploads_removed = 0;
};

// `commit_lock` is held exclusively while a blob file is checked and removed; upload
// commits hold it shared while they commit and link, so a blob is never deleted between
// its commit and its link.
Report collect(store::BlobStore& blobs, store::MetadataStore& meta, std::shared_mutex& commit_lock,
               std::chrono::seconds grace, bool dry_run);

}  // namespace ch::server::gc
