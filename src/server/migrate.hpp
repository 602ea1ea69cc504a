// `charthouse migrate`: moves an embedded registry root (blobs in files, metadata in SQLite)
// onto the scale-out stores (S3-compatible storage, PostgreSQL) so that any number of
// `charthouse serve` nodes can serve it.
//
// Every blob is streamed into the object store and verified against its digest on the way
// (a blob whose bytes do not match is reported, not copied). Then each repository's blob
// links, manifests (a manifest after those it references) and tags are written. Every step
// is idempotent, so an interrupted migration is resumed by running it again: blobs already
// in the bucket with the right size are skipped. The root is locked while it runs (stop the
// server first) and is left unchanged.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "server/service.hpp"

namespace ch::server {

struct MigrateReport {
  std::uint64_t blobs_copied = 0, blobs_present = 0, bytes_copied = 0;
  std::uint64_t repositories = 0, manifests = 0, tags = 0, links = 0;
  std::uint64_t failures = 0;  // blobs that failed verification, manifests that could not go
};

// `target` names the stores (its s3 and metadata_url must be set); progress and problems go
// to `log`. Throws Error when the root is missing or in use, or a store cannot be opened.
MigrateReport migrate_root(const std::string& root, const ServiceOptions& target, std::ostream& log,
                           unsigned parallel = 4);

}  // namespace ch::server
