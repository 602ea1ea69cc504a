#include "registry/gc/collector.hpp"

#include <mutex>
#include <vector>

namespace ch::registry::gc {

Report collect(store::BlobStore& blobs, store::MetadataStore& meta, std::shared_mutex& commit_lock,
               std::chrono::seconds grace, bool dry_run) {
  Report report;
  store::GcReport g = meta.collect(grace, dry_run);
  report.manifests_deleted = g.manifests_deleted.size();
  report.blob_links_removed = g.blobs_unlinked.size();

  std::vector<store::StoredBlob> all;
  blobs.for_each([&](const store::StoredBlob& b) { all.push_back(b); });
  for (const auto& b : all) {
    std::unique_lock lock(commit_lock);
    if (!meta.blob_is_garbage(b.digest, b.mtime, grace)) continue;
    if (dry_run || blobs.remove_if_unchanged(b.digest, b.mtime)) {
      report.blobs_deleted++;
      report.bytes_freed += b.size;
    }
  }
  if (!dry_run) report.stale_uploads_removed = blobs.remove_stale_uploads(std::chrono::hours(24));
  return report;
}

}  // namespace ch::registry::gc
