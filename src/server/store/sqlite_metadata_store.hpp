// MetadataStore on SQLite (WAL, synchronous=FULL) at <root>/metadata.db, with every
// committed row mirrored in memory so reads never touch the disk. One process owns a
// database at a time (an flock on <root>/metadata.lock), which keeps the mirror exact.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "server/store/metadata_store.hpp"

namespace ch::server::store {

struct SqliteMetadataOptions {
  // Unix seconds used for created/linked/updated times and garbage-collection ages. Empty:
  // the system clock. Tests replace it to age entries without sleeping.
  std::function<std::int64_t()> clock;
};

// Opens (creating when missing) the database. Throws Error(kIo) when it cannot be opened,
// is locked by another process, or has a newer schema than this build knows.
std::unique_ptr<MetadataStore> open_sqlite_metadata_store(const std::filesystem::path& root,
                                                          SqliteMetadataOptions options);

// Schema version written to PRAGMA user_version.
inline constexpr int kMetadataSchemaVersion = 2;  // 2: manifests.chart

}  // namespace ch::server::store
