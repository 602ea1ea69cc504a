#include "server/gc/collector.hpp"

#include <ctime>
#include <map>
#include <mutex>
#include <vector>

#include "base/error.hpp"

namespace ch::server::gc {

Report collect(store::BlobStore& blobs, store::MetadataStore& meta, std::shared_mutex& commit_lock,
               std::chrono::seconds grace, bool dry_run) {
  Report report;
  store::GcReport g = meta.collect(grace, dry_run);
  report.manifests_deleted = g.manifests_deleted.size();
  report.blob_links_removed = g.blobs_unlinked.size();

  // A dry run removed no links, so a blob counts as garbage there when every link it has
  // is one the collection would remove (and its file is older than the grace period).
  std::map<std::string, std::size_t> would_unlink;
  for (const auto& d : g.blobs_unlinked) would_unlink[d.str()]++;
  const std::int64_t cutoff = static_cast<std::int64_t>(std::time(nullptr)) - grace.count();

  std::vector<store::StoredBlob> all;
  blobs.for_each([&](const store::StoredBlob& b) { all.push_back(b); });
  for (const auto& b : all) {
    std::unique_lock lock(commit_lock);
    // Other nodes' commits too (scale-out stores): none between the check and the delete.
    std::unique_ptr<store::MetadataStore::CommitHold> cluster;
    if (!dry_run) {
      try {
        cluster = meta.exclude_commits(std::chrono::seconds(5));
      } catch (const Error& e) {
        if (e.code() != ErrorCode::kUnavailable) throw;
        continue;  // commits keep coming elsewhere: this blob waits for the next run
      }
    }
    bool garbage = meta.blob_is_garbage(b.digest, b.mtime, grace);
    if (dry_run && !garbage) {
      auto it = would_unlink.find(b.digest.str());
      garbage = it != would_unlink.end() && it->second == meta.repositories_linking(b.digest) &&
                b.mtime <= cutoff;
    }
    if (!garbage) continue;
    if (dry_run || blobs.remove_if_unchanged(b.digest, b.mtime)) {
      report.blobs_deleted++;
      report.bytes_freed += b.size;
    }
  }
  if (!dry_run) report.stale_uploads_removed = blobs.remove_stale_uploads(std::chrono::hours(24));
  return report;
}

}  // namespace ch::server::gc
