// The node-local copies of object-store blobs (server/store/blob_cache): published only when
// digest and size match, bounded in bytes with the least recently used evicted first, one
// fill per blob, nothing left behind by an unfinished fill, and a cold start.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "server/store/blob_cache.hpp"

namespace ch::server::store {
namespace {

namespace stdfs = std::filesystem;

std::string read_fd(const BlobFile& f) {
  std::string s(f.size(), '\0');
  EXPECT_EQ(::pread(f.fd(), s.data(), s.size(), 0), static_cast<ssize_t>(s.size()));
  return s;
}

std::size_t files_under(const stdfs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : stdfs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

// Fills a copy of `data` in pieces of `piece` bytes; returns finish().
bool fill(BlobCache& c, const std::string& data, std::size_t piece = 1000) {
  auto f = c.begin_fill(digest_of(data), data.size());
  if (!f) return false;
  for (std::size_t i = 0; i < data.size(); i += piece)
    f->append(std::string_view(data).substr(i, piece));
  return f->finish();
}

TEST(BlobCache, AFilledCopyIsServedAndCountsAsAHit) {
  fs::TempDir tmp;
  BlobCache c(tmp.path() / "cache", 1 << 20);
  std::string data(100000, 'x');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  Digest d = digest_of(data);
  EXPECT_FALSE(c.open(d, data.size()));  // a miss
  ASSERT_TRUE(fill(c, data));
  auto f = c.open(d, data.size());
  ASSERT_TRUE(f);
  EXPECT_EQ(read_fd(*f), data);
  EXPECT_FALSE(c.open(d, data.size() + 1)) << "a copy of another size is not this blob";
  auto s = c.stats();
  EXPECT_EQ(s.files, 1u);
  EXPECT_EQ(s.bytes, data.size());
  EXPECT_EQ(s.fills, 1u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_FALSE(c.begin_fill(d, data.size())) << "already cached";
}

TEST(BlobCache, WrongBytesShortOrLongFillsPublishNothing) {
  fs::TempDir tmp;
  BlobCache c(tmp.path() / "cache", 1 << 20);
  std::string data(5000, 'a');
  Digest d = digest_of(data);
  {
    auto f = c.begin_fill(d, data.size());
    ASSERT_TRUE(f);
    f->append(std::string(5000, 'b'));  // right size, wrong content
    EXPECT_FALSE(f->finish());
  }
  {
    auto f = c.begin_fill(d, data.size());
    ASSERT_TRUE(f);
    f->append(data.substr(0, 4999));  // short
    EXPECT_FALSE(f->finish());
  }
  {
    auto f = c.begin_fill(d, data.size());
    ASSERT_TRUE(f);
    f->append(data);
    f->append("z");  // past the size
    EXPECT_FALSE(f->finish());
  }
  EXPECT_FALSE(c.open(d, data.size()));
  EXPECT_EQ(c.stats().rejected, 3u);
  EXPECT_EQ(c.stats().files, 0u);
  EXPECT_EQ(files_under(tmp.path() / "cache"), 0u) << "rejected fills leave no file";
  EXPECT_TRUE(fill(c, data)) << "a later good fill of the same blob works";
}

TEST(BlobCache, OneFillPerBlobAndUnfinishedFillsLeaveNothing) {
  fs::TempDir tmp;
  BlobCache c(tmp.path() / "cache", 1 << 20);
  std::string data(3000, 'q');
  Digest d = digest_of(data);
  {
    auto first = c.begin_fill(d, data.size());
    ASSERT_TRUE(first);
    EXPECT_FALSE(c.begin_fill(d, data.size())) << "the blob is being filled";
    first->append(data.substr(0, 1000));
    // Destroyed unfinished: the client left.
  }
  EXPECT_EQ(files_under(tmp.path() / "cache"), 0u);
  EXPECT_FALSE(c.open(d, data.size()));
  // At most kMaxFills at once.
  std::vector<std::unique_ptr<BlobCache::Fill>> fills;
  for (std::size_t i = 0; i < BlobCache::kMaxFills; ++i) {
    fills.push_back(c.begin_fill(digest_of(std::to_string(i)), 1));
    ASSERT_TRUE(fills.back());
  }
  EXPECT_FALSE(c.begin_fill(d, data.size()));
  fills.pop_back();
  EXPECT_TRUE(c.begin_fill(d, data.size()));
}

TEST(BlobCache, StaysWithinItsSizeEvictingTheLeastRecentlyUsed) {
  fs::TempDir tmp;
  BlobCache c(tmp.path() / "cache", 40000);  // blobs up to 10000 bytes are cached
  EXPECT_FALSE(c.begin_fill(digest_of("big"), 10001)) << "a blob over a quarter is not cached";
  std::vector<std::string> blobs;
  for (char ch = 'a'; ch <= 'e'; ++ch) blobs.emplace_back(10000, ch);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(fill(c, blobs[i]));
  EXPECT_EQ(c.stats().bytes, 40000u);
  ASSERT_TRUE(c.open(digest_of(blobs[0]), 10000));  // a is now the most recent; b the least
  ASSERT_TRUE(fill(c, blobs[4]));
  auto s = c.stats();
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.bytes, 40000u);
  EXPECT_EQ(s.files, 4u);
  EXPECT_FALSE(c.open(digest_of(blobs[1]), 10000)) << "b was evicted";
  for (int i : {0, 2, 3, 4}) EXPECT_TRUE(c.open(digest_of(blobs[i]), 10000)) << i;
  EXPECT_EQ(files_under(tmp.path() / "cache"), 4u);
}

TEST(BlobCache, ACopyOpenWhileEvictedStaysReadable) {
  fs::TempDir tmp;
  BlobCache c(tmp.path() / "cache", 8000);
  std::string a(2000, 'a'), b(2000, 'b'), d(2000, 'd'), e(2000, 'e'), f(2000, 'f');
  ASSERT_TRUE(fill(c, a));
  auto open = c.open(digest_of(a), a.size());
  ASSERT_TRUE(open);
  for (const auto* s : {&b, &d, &e, &f}) ASSERT_TRUE(fill(c, *s));  // a goes
  EXPECT_FALSE(c.open(digest_of(a), a.size()));
  EXPECT_EQ(read_fd(*open), a);
}

TEST(BlobCache, StartsColdRemovingWhatAPreviousRunLeft) {
  fs::TempDir tmp;
  const auto dir = tmp.path() / "cache";
  std::string data(1000, 'c');
  {
    BlobCache c(dir, 1 << 20);
    ASSERT_TRUE(fill(c, data));
    auto unfinished = c.begin_fill(digest_of("x"), 1);
    ASSERT_TRUE(unfinished);
  }
  fs::write_file_atomic(dir / "tmp" / "stray", "left by a crash", 0600);
  BlobCache again(dir, 1 << 20);
  EXPECT_FALSE(again.open(digest_of(data), data.size()));
  EXPECT_EQ(files_under(dir), 0u);
}

// A reader that streams `data` in pieces, counting its calls.
BlobCache::Reader reader_of(std::string data, std::atomic<int>* calls, bool found = true) {
  return [data = std::move(data), calls, found](const std::function<void(std::string_view)>& sink) {
    ++*calls;
    if (!found) return false;
    for (std::size_t i = 0; i < data.size(); i += 4096)
      sink(std::string_view(data).substr(i, 4096));
    return true;
  };
}

TEST(BlobCache, BackgroundCopiesAreMadeOnceAndVerified) {
  fs::TempDir tmp;
  BlobCache c(tmp.path() / "cache", 1 << 20);
  std::string data(100000, 'b');
  Digest d = digest_of(data);
  std::atomic<int> calls{0};
  c.fill_later(d, data.size(), reader_of(data, &calls));
  c.fill_later(d, data.size(), reader_of(data, &calls));  // queued, running or done: ignored
  c.drain();
  EXPECT_EQ(calls.load(), 1);
  auto f = c.open(d, data.size());
  ASSERT_TRUE(f);
  EXPECT_EQ(read_fd(*f), data);
  c.fill_later(d, data.size(), reader_of(data, &calls));  // cached: ignored
  c.drain();
  EXPECT_EQ(calls.load(), 1);

  // Bytes that are not the blob, and a blob the store no longer has: no copy.
  std::string other(5000, 'o');
  Digest od = digest_of(other);
  c.fill_later(od, other.size(), reader_of(std::string(5000, 'x'), &calls));
  c.drain();
  EXPECT_FALSE(c.open(od, other.size()));
  EXPECT_EQ(c.stats().rejected, 1u);
  c.fill_later(od, other.size(), reader_of(other, &calls, false));
  c.drain();
  EXPECT_FALSE(c.open(od, other.size()));
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(c.stats().fills, 1u);
  EXPECT_EQ(files_under(tmp.path() / "cache"), 1u);
  // Too large for the cache: not even read.
  c.fill_later(digest_of("huge"), (1 << 20) / 4 + 1, reader_of("", &calls));
  c.drain();
  EXPECT_EQ(calls.load(), 3);
}

TEST(BlobCache, StoppingDuringABackgroundCopyLeavesNothing) {
  fs::TempDir tmp;
  const auto dir = tmp.path() / "cache";
  std::atomic<bool> streaming{false};
  {
    BlobCache c(dir, 1 << 30);
    // A store that sends slowly and never ends; the cache is destroyed in the middle.
    c.fill_later(digest_of("endless"), 100 << 20,
                 [&](const std::function<void(std::string_view)>& sink) {
                   for (;;) {
                     streaming = true;
                     sink(std::string(1000, 'e'));
                     std::this_thread::sleep_for(std::chrono::milliseconds(1));
                   }
                   return true;
                 });
    while (!streaming) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(files_under(dir), 0u);
}

}  // namespace
}  // namespace ch::server::store
