// MetadataStore on PostgreSQL (15 and later), for several `charthouse serve` nodes sharing
// one database: every answer comes from the database, so a write acknowledged by any node
// is visible to the next request on every node. libpq is loaded on first use (libpq.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/store/metadata_store.hpp"

namespace ch::server::store {

struct PgMetadataOptions {
  // Unix seconds used for created/linked/updated times and garbage-collection ages. Empty:
  // the system clock. Tests replace it to age entries without sleeping.
  std::function<std::int64_t()> clock;
  std::size_t connections = 8;       // the pool's maximum; callers beyond it wait
  std::size_t cache_entries = 4096;  // parsed manifests kept in memory (LRU); 0: none
};

// Connects (libpq URI or key=value conninfo), creates the schema when missing and returns
// the store. Throws Error(kIo) when libpq is missing, the database is unreachable (the
// message never shows the conninfo's password), or its schema is newer than this build.
std::unique_ptr<MetadataStore> open_pg_metadata_store(const std::string& conninfo,
                                                      PgMetadataOptions options);

// Schema version stored in the database's schema_version table.
inline constexpr int kPgMetadataSchemaVersion = 1;

// How many parsed manifests `store` (opened by open_pg_metadata_store) holds in its cache
// right now; for tests of the memory bound. 0 for any other store.
std::size_t pg_metadata_cached_manifests(const MetadataStore& store);

// `conninfo` with its password (URI user info, `password=` parameter) replaced by "***":
// what error messages may show.
std::string redact_conninfo(const std::string& conninfo);

}  // namespace ch::server::store
