// Tests of server/gc/collector.cpp: garbage collection over a blob store and its metadata.
#include "server/gc/collector.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "server/store/layout.hpp"
#include "server/store/sqlite_metadata_store.hpp"
#include "testing.hpp"

namespace ch::server::gc {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void set_mtime(const stdfs::path& p, std::int64_t t) {
  struct timespec times[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0) << p;
}

// An image manifest of `repo` referencing `layers` (already linked there), with real bytes.
store::Manifest manifest(const std::string& repo, const std::vector<std::string>& layers) {
  store::Manifest m;
  m.repository = repo;
  m.media_type = "application/vnd.oci.image.manifest.v1+json";
  nlohmann::ordered_json j = {{"schemaVersion", 2}, {"mediaType", m.media_type}};
  for (const std::string& content : layers) {
    store::Descriptor d{"application/octet-stream",
                        digest_of(content).str(),
                        static_cast<std::int64_t>(content.size()),
                        "",
                        {}};
    j["layers"].push_back({{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}});
    m.blobs.push_back(d);
  }
  m.bytes = j.dump();
  m.digest = digest_of(m.bytes);
  return m;
}

// A store written two hours ago ("fresh" just now), collected with a one-hour grace period:
// "kept" is a tagged manifest's layer, "gone" an untagged manifest's, "orphan" is linked but
// referenced by no manifest, "never-linked" was never linked anywhere.
class Collector : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteMetadataOptions o;
    o.clock = [c = clock_] { return c->load(); };
    meta_ = store::open_sqlite_metadata_store(dir_.path(), o);
    *clock_ = unix_now() - 2 * 3600;
    for (const char* content : {"kept", "orphan", "gone", "never-linked", "fresh"})
      blobs_->put(content);
    for (const char* content : {"kept", "orphan", "gone"})
      meta_->link_blob("team/app", digest_of(content), std::string(content).size());
    ASSERT_TRUE(meta_->put_manifest(manifest("team/app", {"kept"}), {"1.0.0"}).missing.empty());
    untagged_ = manifest("team/app", {"gone"});
    ASSERT_TRUE(meta_->put_manifest(untagged_, {}).missing.empty());
    for (const char* content : {"kept", "orphan", "gone", "never-linked"})
      set_mtime(file_of(content), unix_now() - 2 * 3600);
    *clock_ = unix_now();
    // An upload left behind two days ago, and one in progress.
    testing::write(store::upload_path(dir_.path(), std::string(32, 'a')), "partial");
    set_mtime(store::upload_path(dir_.path(), std::string(32, 'a')), unix_now() - 48 * 3600);
    current_ = blobs_->start_upload(std::string(32, 'b'), DigestAlgorithm::kSha256);
    current_->append("in progress");
  }

  stdfs::path file_of(const std::string& content) const {
    return store::blob_path(dir_.path(), digest_of(content));
  }
  bool has_file(const std::string& content) const { return stdfs::exists(file_of(content)); }

  fs::TempDir dir_;
  std::shared_ptr<std::atomic<std::int64_t>> clock_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
  std::unique_ptr<store::BlobStore> blobs_ = store::open_fs_blob_store(dir_.path());
  std::unique_ptr<store::MetadataStore> meta_;
  std::unique_ptr<store::Upload> current_;
  store::Manifest untagged_;
  std::shared_mutex lock_;
};

TEST_F(Collector, DryRunCountsWhatWouldGoAndChangesNothing) {
  Report r = collect(*blobs_, *meta_, lock_, 1h, true);
  EXPECT_EQ(r.manifests_deleted, 1u);   // the untagged manifest
  EXPECT_EQ(r.blob_links_removed, 2u);  // "orphan" and "gone" in team/app
  // Blobs whose every link would go count as deleted, with the never-linked one; "fresh" is
  // younger than the grace period. (A real run deletes "orphan" and "gone" only a grace
  // period after it unlinks them: see the next test.)
  EXPECT_EQ(r.blobs_deleted, 3u);
  EXPECT_EQ(r.bytes_freed, 6u + 4u + 12u);
  EXPECT_EQ(r.stale_uploads_removed, 0u);  // a dry run leaves uploads alone
  for (const char* content : {"kept", "orphan", "gone", "never-linked", "fresh"})
    EXPECT_TRUE(has_file(content)) << content;
  EXPECT_TRUE(meta_->get_manifest("team/app", untagged_.digest).has_value());
  EXPECT_TRUE(meta_->blob_in_repo("team/app", digest_of("orphan")).has_value());
  EXPECT_TRUE(stdfs::exists(store::upload_path(dir_.path(), std::string(32, 'a'))));
  // Nothing changed: the same answer again.
  Report again = collect(*blobs_, *meta_, lock_, 1h, true);
  EXPECT_EQ(again.manifests_deleted, 1u);
  EXPECT_EQ(again.blobs_deleted, 3u);
}

TEST_F(Collector, RunDeletesUnreachableContentAndUnlinkedFilesAGracePeriodLater) {
  Report r = collect(*blobs_, *meta_, lock_, 1h, false);
  EXPECT_EQ(r.manifests_deleted, 1u);
  EXPECT_EQ(r.blob_links_removed, 2u);
  EXPECT_EQ(r.blobs_deleted, 1u);  // "never-linked"; the two just unlinked wait
  EXPECT_EQ(r.bytes_freed, 12u);
  EXPECT_EQ(r.stale_uploads_removed, 1u);
  EXPECT_FALSE(has_file("never-linked"));
  for (const char* content : {"kept", "orphan", "gone", "fresh"})
    EXPECT_TRUE(has_file(content)) << content;
  EXPECT_FALSE(meta_->get_manifest("team/app", untagged_.digest).has_value());
  EXPECT_FALSE(meta_->blob_in_repo("team/app", digest_of("orphan")).has_value());
  EXPECT_EQ(meta_->resolve_tag("team/app", "1.0.0"), manifest("team/app", {"kept"}).digest);
  EXPECT_FALSE(stdfs::exists(store::upload_path(dir_.path(), std::string(32, 'a'))));
  EXPECT_TRUE(stdfs::exists(store::upload_path(dir_.path(), std::string(32, 'b'))));

  // Two hours later the unlinked files go (and "fresh", never linked, is old enough too).
  *clock_ += 2 * 3600;
  Report later = collect(*blobs_, *meta_, lock_, 1h, false);
  EXPECT_EQ(later.manifests_deleted, 0u);
  EXPECT_EQ(later.blob_links_removed, 0u);
  EXPECT_EQ(later.blobs_deleted, 3u);
  EXPECT_EQ(later.bytes_freed, 6u + 4u + 5u);
  EXPECT_TRUE(has_file("kept"));
  for (const char* content : {"orphan", "gone", "fresh"})
    EXPECT_FALSE(has_file(content)) << content;
  EXPECT_EQ(collect(*blobs_, *meta_, lock_, 1h, false).blobs_deleted, 0u);
}

TEST_F(Collector, LongGracePeriodKeepsEverythingButStaleUploads) {
  Report r = collect(*blobs_, *meta_, lock_, 24h, false);
  EXPECT_EQ(r.manifests_deleted, 0u);
  EXPECT_EQ(r.blob_links_removed, 0u);
  EXPECT_EQ(r.blobs_deleted, 0u);
  for (const char* content : {"kept", "orphan", "gone", "never-linked", "fresh"})
    EXPECT_TRUE(has_file(content)) << content;
  EXPECT_EQ(r.stale_uploads_removed, 1u);  // uploads go after 24 hours whatever the grace
}

}  // namespace
}  // namespace ch::server::gc
