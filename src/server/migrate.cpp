#include "server/migrate.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/error.hpp"
#include "base/random.hpp"
#include "server/store/blob_store.hpp"
#include "server/store/metadata_store.hpp"
#include "server/store/pg_metadata_store.hpp"
#include "server/store/s3_blob_store.hpp"

namespace ch::server {

namespace {

constexpr std::size_t kPiece = 8 << 20;

// Streams one blob from the source file into the target, verified by its digest.
void copy_blob(store::BlobStore& from, store::BlobStore& to, const store::StoredBlob& b) {
  auto file = from.open(b.digest);
  if (!file) throw Error(ErrorCode::kNotFound, "blob " + b.digest.str() + " vanished");
  auto up = to.start_upload(random_uuid(), b.digest.algorithm, "");
  std::string buf;
  std::uint64_t offset = 0;
  while (offset < file->size()) {
    buf.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, file->size() - offset)));
    ssize_t n = ::pread(file->fd(), buf.data(), buf.size(), static_cast<off_t>(offset));
    if (n <= 0) throw_errno("read blob " + b.digest.str());
    buf.resize(static_cast<std::size_t>(n));
    up->append(buf);
    offset += static_cast<std::uint64_t>(n);
  }
  up->commit(b.digest);  // throws kDigestMismatch when the file is not what its name says
}

}  // namespace

MigrateReport migrate_root(const std::string& root, const ServiceOptions& target, std::ostream& log,
                           unsigned parallel) {
  if (!target.s3 || target.metadata_url.empty())
    throw Error(
        ErrorCode::kInvalidArgument,
        "migrate needs both target stores: --storage s3://BUCKET and --metadata postgres://");
  if (!std::filesystem::exists(std::filesystem::path(root) / "metadata.db"))
    throw Error(ErrorCode::kNotFound, "no registry store at " + root);
  RootLock lock(root);  // no server may change the root meanwhile
  auto src_blobs = store::open_fs_blob_store(root);
  auto src_meta = store::open_sqlite_metadata_store(root);
  auto dst_blobs = store::open_s3_blob_store(*target.s3);
  auto dst_meta = store::open_pg_metadata_store(target.metadata_url, {});
  MigrateReport report;
  std::mutex mu;  // report and log

  // 1. Blobs, a few at a time.
  std::vector<store::StoredBlob> blobs;
  src_blobs->for_each([&](const store::StoredBlob& b) { blobs.push_back(b); });
  std::set<std::string> copied;  // digests now in the target
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next++) < blobs.size();) {
      const auto& b = blobs[i];
      try {
        bool present = dst_blobs->size_of(b.digest) == b.size;
        if (!present) copy_blob(*src_blobs, *dst_blobs, b);
        std::lock_guard l(mu);
        copied.insert(b.digest.str());
        if (present) {
          ++report.blobs_present;
        } else {
          ++report.blobs_copied;
          report.bytes_copied += b.size;
        }
      } catch (const std::exception& e) {
        std::lock_guard l(mu);
        ++report.failures;
        log << "migrate: blob " << b.digest.str() << " not copied: " << e.what() << "\n";
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, parallel); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  log << "migrate: blobs: " << report.blobs_copied << " copied (" << report.bytes_copied
      << " bytes), " << report.blobs_present << " already there\n";

  // 2. Metadata, repository by repository: links, then manifests in reference order.
  src_meta->export_repositories([&](const store::RepositoryContents& c) {
    ++report.repositories;
    for (const auto& [digest, size] : c.blobs) {
      if (!copied.count(digest.str())) continue;  // reported above (or a dangling link)
      dst_meta->link_blob(c.name, digest, size);
      ++report.links;
    }
    std::vector<std::pair<std::shared_ptr<const store::Manifest>, std::vector<std::string>>>
        pending = c.manifests;
    // An index needs its children first: put what can go, again, until nothing moves.
    while (!pending.empty()) {
      std::vector<std::pair<std::shared_ptr<const store::Manifest>, std::vector<std::string>>>
          later;
      for (auto& entry : pending) {
        auto result = dst_meta->put_manifest(*entry.first, entry.second);
        if (!result.missing.empty()) {
          later.push_back(std::move(entry));
          continue;
        }
        ++report.manifests;
        report.tags += entry.second.size();
      }
      if (later.size() == pending.size()) {
        for (const auto& entry : later) {
          ++report.failures;
          log << "migrate: manifest " << c.name << "@" << entry.first->digest.str()
              << " not migrated: it references content missing from the source\n";
        }
        break;
      }
      pending = std::move(later);
    }
  });
  log << "migrate: metadata: " << report.repositories << " repositories, " << report.manifests
      << " manifests, " << report.tags << " tags, " << report.links << " blob links\n";
  return report;
}

}  // namespace ch::server
