// Tests of server/store/fs_blob_store.cpp: content-addressed blob files and their uploads.
// Uploads hashed in one pass, atomic commit, concurrent use.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <set>
#include <thread>

#include "base/error.hpp"
#include "base/file.hpp"
#include "server/store/blob_store.hpp"
#include "server/store/layout.hpp"
#include "testing.hpp"
#include "unit_helpers.hpp"

namespace ch::server::store {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;
using testing::code_of;

std::string read_all(int fd) {
  std::string s;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

std::int64_t mtime_of(const stdfs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return -1;
  return st.st_mtim.tv_sec;
}

void set_mtime(const stdfs::path& p, std::int64_t t) {
  struct timespec times[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0) << p;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> dir_entries(const stdfs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : stdfs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

std::string hex_id(int i) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%032x", i);
  return buf;
}

// ---------------------------------------------------------------------------------------
// FsBlobStore

class BlobStoreTest : public ::testing::Test {
 protected:
  fs::TempDir dir;
  std::unique_ptr<BlobStore> blobs = open_fs_blob_store(dir.path());
  stdfs::path uploads() const { return dir.path() / "uploads"; }
  std::vector<StoredBlob> all() {
    std::vector<StoredBlob> out;
    blobs->for_each([&](const StoredBlob& b) { out.push_back(b); });
    return out;
  }
};

TEST_F(BlobStoreTest, UploadIsHashedCommittedAndReadable) {
  std::string content = std::string(100000, 'x') + "tail";
  Digest d = digest_of(content);
  auto up = blobs->start_upload(hex_id(1), DigestAlgorithm::kSha256);
  up->append(content.substr(0, 4096));
  up->append("");
  up->append(content.substr(4096));
  EXPECT_EQ(up->size(), content.size());
  // Never a partial blob: nothing at the content address before commit.
  EXPECT_FALSE(blobs->size_of(d));
  EXPECT_FALSE(blobs->open(d));
  up->commit(d);

  EXPECT_EQ(blobs->size_of(d), content.size());
  auto f = blobs->open(d);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->size(), content.size());
  EXPECT_EQ(read_all(f->fd()), content);  // positioned at 0
  EXPECT_EQ(testing::read(blob_path(dir.path(), d)), content);
  EXPECT_TRUE(dir_entries(uploads()).empty());
  auto listed = all();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].digest, d);
  EXPECT_EQ(listed[0].size, content.size());
  EXPECT_NEAR(static_cast<double>(listed[0].mtime), static_cast<double>(unix_now()), 5);
}

// Uploads past two 16 MiB windows are written back while they stream and their early part
// is dropped from the page cache (FsUpload::write_behind), and large pieces handed over with
// append_owned are hashed on a worker thread: the content must come out intact whatever the
// piece sizes and their mix, and the first window must no longer be cached.
TEST_F(BlobStoreTest, LargeUploadWrittenBehindIsIntactAndLeavesTheCache) {
  std::string content(80u << 20, '\0');
  std::mt19937_64 rng(42);
  for (std::size_t i = 0; i + 8 <= content.size(); i += 8) {
    std::uint64_t v = rng();
    std::memcpy(content.data() + i, &v, 8);
  }
  Digest d = digest_of(content);
  auto up = blobs->start_upload(hex_id(7), DigestAlgorithm::kSha256);
  const std::size_t pieces[] = {3, (1u << 20) + 13, 7u << 20, 16u << 20, 4096, (5u << 20) - 1};
  std::size_t off = 0;
  std::string spare;
  for (int i = 0; off < content.size(); ++i) {
    std::size_t n = std::min(pieces[i % std::size(pieces)], content.size() - off);
    if (i % 3 == 2) {
      up->append(std::string_view(content).substr(off, n));
    } else {  // hashed on a worker while the loop goes on; the buffer handed back is reused
      spare.assign(content, off, n);
      spare = up->append_owned(std::move(spare));
      std::fill(spare.begin(), spare.end(), '!');  // no longer the upload's: may be scribbled on
    }
    off += n;
    ASSERT_EQ(up->size(), off);
  }
  up->commit(d);
  stdfs::path p = blob_path(dir.path(), d);
  struct statfs sfs {};
  ASSERT_EQ(::statfs(p.c_str(), &sfs), 0);
  if (sfs.f_type != 0x01021994 /* tmpfs keeps pages in memory whatever we advise */) {
    int fd = ::open(p.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    const std::size_t window = 16u << 20;
    void* map = ::mmap(nullptr, window, PROT_READ, MAP_SHARED, fd, 0);
    ASSERT_NE(map, MAP_FAILED);
    std::vector<unsigned char> resident(window / 4096);
    ASSERT_EQ(::mincore(map, window, resident.data()), 0);
    auto cached =
        std::count_if(resident.begin(), resident.end(), [](unsigned char c) { return c & 1; });
    EXPECT_LT(cached, static_cast<long>(resident.size() / 2)) << "first window still cached";
    ::munmap(map, window);
    ::close(fd);
  }
  EXPECT_EQ(blobs->size_of(d), content.size());
  EXPECT_TRUE(testing::read(p) == content);
  EXPECT_TRUE(dir_entries(uploads()).empty());
}

// A piece still being hashed when the upload is verified, cancelled or dropped: each waits.
TEST_F(BlobStoreTest, PiecesHashedOnWorkersAreWaitedFor) {
  std::string big(3u << 20, 'b');
  {
    auto up = blobs->start_upload(hex_id(8), DigestAlgorithm::kSha256);
    (void)up->append_owned(big);
    EXPECT_EQ(code_of([&] { up->commit(digest_of("something else")); }),
              ErrorCode::kDigestMismatch);
  }
  {
    auto up = blobs->start_upload(hex_id(9), DigestAlgorithm::kSha256);
    (void)up->append_owned(big);
    up->cancel();
  }
  {
    auto up = blobs->start_upload(hex_id(10), DigestAlgorithm::kSha256);
    (void)up->append_owned(big);
  }  // dropped while hashing
  auto up = blobs->start_upload(hex_id(11), DigestAlgorithm::kSha256);
  (void)up->append_owned(big);
  (void)up->append_owned(big);
  up->commit(digest_of(big + big));
  EXPECT_EQ(blobs->size_of(digest_of(big + big)), 2 * big.size());
  EXPECT_TRUE(dir_entries(uploads()).empty());
}

TEST_F(BlobStoreTest, DigestMismatchDiscardsTheData) {
  auto up = blobs->start_upload(hex_id(2), DigestAlgorithm::kSha256);
  up->append("hello");
  EXPECT_EQ(code_of([&] { up->commit(digest_of("hellO")); }), ErrorCode::kDigestMismatch);
  EXPECT_FALSE(blobs->size_of(digest_of("hello")));
  EXPECT_FALSE(blobs->size_of(digest_of("hellO")));
  EXPECT_TRUE(dir_entries(uploads()).empty());
  EXPECT_TRUE(all().empty());
  EXPECT_EQ(code_of([&] { up->append("more"); }), ErrorCode::kInvalidArgument);
  EXPECT_NO_THROW(up->cancel());
}

TEST_F(BlobStoreTest, DigestOfAnotherAlgorithmIsAMismatch) {
  auto up = blobs->start_upload(hex_id(3), DigestAlgorithm::kSha256);
  up->append("abc");
  EXPECT_EQ(code_of([&] { up->commit(digest_of("abc", DigestAlgorithm::kSha512)); }),
            ErrorCode::kDigestMismatch);
  EXPECT_TRUE(dir_entries(uploads()).empty());
}

TEST_F(BlobStoreTest, Sha512Uploads) {
  Digest d = digest_of("abc", DigestAlgorithm::kSha512);
  auto up = blobs->start_upload(hex_id(4), DigestAlgorithm::kSha512);
  up->append("abc");
  up->commit(d);
  EXPECT_EQ(blobs->size_of(d), 3u);
  EXPECT_TRUE(stdfs::exists(dir.path() / "blobs" / "sha512" / d.hex.substr(0, 2) / d.hex));
  auto listed = all();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].digest, d);
}

TEST_F(BlobStoreTest, CancelRemovesTheDataAndIsHarmlessAfterCommit) {
  auto up = blobs->start_upload(hex_id(5), DigestAlgorithm::kSha256);
  up->append("partial");
  EXPECT_EQ(dir_entries(uploads()).size(), 1u);
  up->cancel();
  up->cancel();
  EXPECT_TRUE(dir_entries(uploads()).empty());
  EXPECT_EQ(code_of([&] { up->commit(digest_of("partial")); }), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(blobs->size_of(digest_of("partial")));

  auto done = blobs->start_upload(hex_id(6), DigestAlgorithm::kSha256);
  done->append("kept");
  done->commit(digest_of("kept"));
  done->cancel();  // the API cancels when answering fails after the commit
  EXPECT_EQ(blobs->size_of(digest_of("kept")), 4u);
}

TEST_F(BlobStoreTest, AbandonedUploadObjectRemovesItsFile) {
  {
    auto up = blobs->start_upload(hex_id(7), DigestAlgorithm::kSha256);
    up->append("abandoned");
  }
  EXPECT_TRUE(dir_entries(uploads()).empty());
}

TEST_F(BlobStoreTest, RejectsBadAndDuplicateUploadIds) {
  EXPECT_EQ(code_of([&] { blobs->start_upload("../escape", DigestAlgorithm::kSha256); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { blobs->start_upload("", DigestAlgorithm::kSha256); }),
            ErrorCode::kInvalidArgument);
  auto up = blobs->start_upload(hex_id(8), DigestAlgorithm::kSha256);
  up->append("first");
  EXPECT_EQ(code_of([&] { blobs->start_upload(hex_id(8), DigestAlgorithm::kSha256); }),
            ErrorCode::kAlreadyExists);
  up->commit(digest_of("first"));  // the first session is untouched
  EXPECT_EQ(blobs->size_of(digest_of("first")), 5u);
}

TEST_F(BlobStoreTest, CommittingExistingContentDropsTheUploadAndRefreshesMtime) {
  Digest d = blobs->put("same");
  set_mtime(blob_path(dir.path(), d), 1000);
  auto up = blobs->start_upload(hex_id(9), DigestAlgorithm::kSha256);
  up->append("same");
  up->commit(d);
  EXPECT_TRUE(dir_entries(uploads()).empty());
  EXPECT_GT(mtime_of(blob_path(dir.path(), d)), 1000);
  EXPECT_EQ(all().size(), 1u);
  // put() of existing content refreshes too.
  set_mtime(blob_path(dir.path(), d), 1000);
  EXPECT_EQ(blobs->put("same"), d);
  EXPECT_GT(mtime_of(blob_path(dir.path(), d)), 1000);
}

TEST_F(BlobStoreTest, PutRemoveAndForEach) {
  Digest a = blobs->put("a"), b = blobs->put("b"), c = blobs->put("c", DigestAlgorithm::kSha512);
  EXPECT_EQ(a, digest_of("a"));
  EXPECT_EQ(c, digest_of("c", DigestAlgorithm::kSha512));
  std::set<std::string> seen;
  for (const auto& s : all()) seen.insert(s.digest.str());
  EXPECT_EQ(seen, (std::set<std::string>{a.str(), b.str(), c.str()}));
  EXPECT_TRUE(blobs->remove(b));
  EXPECT_FALSE(blobs->remove(b));
  EXPECT_FALSE(blobs->size_of(b));
  EXPECT_FALSE(blobs->open(b));
  EXPECT_EQ(all().size(), 2u);
  // for_each tolerates removal from inside the callback.
  blobs->for_each([&](const StoredBlob& s) { blobs->remove(s.digest); });
  EXPECT_TRUE(all().empty());
}

TEST_F(BlobStoreTest, ForEachIgnoresMalformedEntries) {
  Digest good = blobs->put("good");
  auto sha = dir.path() / "blobs" / "sha256";
  Digest other = digest_of("other");
  testing::write(sha / "zz" / other.hex, "x");                         // prefix not hex
  testing::write(sha / "abc" / other.hex, "x");                        // prefix too long
  testing::write(sha / other.hex.substr(0, 2) / "not-a-digest", "x");  // bad name
  testing::write(sha / other.hex.substr(0, 2) / ("." + other.hex + ".tmp"), "x");
  std::string wrong_prefix = other.hex;
  wrong_prefix[0] = wrong_prefix[0] == 'a' ? 'b' : 'a';
  testing::write(sha / other.hex.substr(0, 2) / wrong_prefix, "x");     // in the wrong dir
  stdfs::create_directories(sha / other.hex.substr(0, 2) / other.hex);  // a directory
  testing::write(dir.path() / "blobs" / "md5" / "d4" / "d41d8cd98f00b204e9800998ecf8427e", "");
  testing::write(sha / "stray-file", "x");
  auto listed = all();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].digest, good);
}

TEST_F(BlobStoreTest, RemoveStaleUploadsByMtime) {
  auto old_up = blobs->start_upload(hex_id(10), DigestAlgorithm::kSha256);
  auto fresh = blobs->start_upload(hex_id(11), DigestAlgorithm::kSha256);
  old_up->append("old");
  fresh->append("fresh");
  testing::write(uploads() / "crash-leftover", "x");
  set_mtime(uploads() / hex_id(10), unix_now() - 7200);
  set_mtime(uploads() / "crash-leftover", unix_now() - 7200);
  EXPECT_EQ(blobs->remove_stale_uploads(1h), 2u);
  EXPECT_EQ(dir_entries(uploads()), std::vector<std::string>{hex_id(11)});
  EXPECT_EQ(blobs->remove_stale_uploads(1h), 0u);
  fresh->commit(digest_of("fresh"));
  EXPECT_EQ(blobs->size_of(digest_of("fresh")), 5u);
}

TEST_F(BlobStoreTest, RemoveIfUnchangedKeepsARecommittedBlob) {
  Digest d = blobs->put("contended");
  auto p = blob_path(dir.path(), d);
  set_mtime(p, 1000);
  std::int64_t seen = all().at(0).mtime;  // what a collector saw
  EXPECT_EQ(seen, 1000);
  blobs->put("contended");  // re-uploaded after the collector looked
  EXPECT_FALSE(blobs->remove_if_unchanged(d, seen));
  EXPECT_TRUE(blobs->size_of(d));
  EXPECT_TRUE(blobs->remove_if_unchanged(d, all().at(0).mtime));
  EXPECT_FALSE(blobs->size_of(d));
  EXPECT_FALSE(blobs->remove_if_unchanged(d, unix_now()));
}

TEST_F(BlobStoreTest, ConcurrentUploadsOfTheSameContentAllSucceed) {
  std::string content;
  for (int i = 0; i < 50000; ++i) content += static_cast<char>('a' + i % 26);
  Digest d = digest_of(content);
  constexpr int kThreads = 12;
  std::atomic<int> ready{0}, ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto up = blobs->start_upload(hex_id(100 + t), DigestAlgorithm::kSha256);
        for (size_t off = 0; off < content.size(); off += 7000)
          up->append(std::string_view(content).substr(off, 7000));
        ready++;
        while (ready.load() < kThreads) std::this_thread::yield();
        up->commit(d);
        ok++;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads);
  EXPECT_EQ(testing::read(blob_path(dir.path(), d)), content);
  EXPECT_EQ(all().size(), 1u);
  EXPECT_TRUE(dir_entries(uploads()).empty());
}

TEST_F(BlobStoreTest, ConcurrentDistinctUploadsAndReads) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::atomic<bool> stop{false};
  std::atomic<int> bad_reads{0}, reads{0};
  std::vector<std::string> contents;
  for (int i = 0; i < kThreads * kPerThread; ++i)
    contents.push_back("blob-" + std::to_string(i) + std::string(static_cast<size_t>(i * 37), 'z'));
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        for (const auto& c : contents) {
          auto f = blobs->open(digest_of(c));
          if (!f) continue;
          reads++;
          if (f->size() != c.size() || read_all(f->fd()) != c) bad_reads++;
        }
      }
    });
  }
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto& c = contents[static_cast<size_t>(t * kPerThread + i)];
        auto up = blobs->start_upload(hex_id(1000 + t * kPerThread + i), DigestAlgorithm::kSha256);
        up->append(c.substr(0, c.size() / 2));
        up->append(c.substr(c.size() / 2));
        up->commit(digest_of(c));
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad_reads.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(all().size(), contents.size());
  EXPECT_TRUE(dir_entries(uploads()).empty());
}

}  // namespace
}  // namespace ch::server::store
