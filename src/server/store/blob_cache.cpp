#include "server/store/blob_cache.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"

namespace ch::server::store {

namespace stdfs = std::filesystem;

BlobCache::~BlobCache() {
  {
    std::lock_guard lock(jobs_mu_);
    stop_ = true;
  }
  jobs_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void BlobCache::fill_later(const Digest& d, std::uint64_t size, Reader read) {
  if (size > max_bytes_ / 4) return;
  const std::string key = d.str();
  {
    std::lock_guard lock(mu_);
    if (entries_.count(key)) return;
  }
  {
    std::lock_guard lock(jobs_mu_);
    if (stop_ || queued_.count(key) || jobs_.size() >= kMaxQueued) return;
    queued_.insert(key);
    jobs_.push_back(Job{d, size, std::move(read)});
    if (!worker_.joinable()) worker_ = std::thread([this] { work(); });
  }
  jobs_cv_.notify_all();
}

void BlobCache::drain() {
  std::unique_lock lock(jobs_mu_);
  jobs_cv_.wait(lock, [&] { return jobs_.empty() && !busy_; });
}

void BlobCache::work() {
  // The lowest CPU priority: copies only use what the node's requests leave.
  sched_param none{};
  ::sched_setscheduler(0, SCHED_IDLE, &none);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(jobs_mu_);
      jobs_cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
    }
    struct Stopped {};
    try {
      if (auto fill = begin_fill(job.digest, job.size)) {
        const bool found = job.read([&](std::string_view piece) {
          if (stop_) throw Stopped{};  // the node stops: abandon the copy
          fill->append(piece);
        });
        if (found && !stop_) fill->finish();
      }
    } catch (...) {
      // The store failed or the node stops: no copy this time.
    }
    {
      std::lock_guard lock(jobs_mu_);
      queued_.erase(job.digest.str());
      busy_ = false;
    }
    jobs_cv_.notify_all();
  }
}

BlobCache::BlobCache(stdfs::path dir, std::uint64_t max_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes) {
  std::error_code ec;
  stdfs::remove_all(dir_, ec);
  if (ec)
    throw Error(ErrorCode::kIo, "blob cache: cannot empty " + dir_.string() + ": " + ec.message());
  stdfs::create_directories(dir_ / "tmp", ec);
  if (ec)
    throw Error(ErrorCode::kIo, "blob cache: cannot create " + dir_.string() + ": " + ec.message());
  stdfs::permissions(dir_, stdfs::perms::owner_all, ec);
}

stdfs::path BlobCache::path_of(const std::string& key) const {
  std::string name = key;
  name[name.find(':')] = '-';
  return dir_ / name;
}

std::optional<BlobFile> BlobCache::open(const Digest& d, std::uint64_t size) {
  const std::string key = d.str();
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.size != size) {
      ++stats_.misses;
      return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    ++stats_.hits;
  }
  // Opened outside the lock; an eviction between the two is a miss (the file is gone).
  int fd = ::open(path_of(key).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) != size) {
    ::close(fd);
    return std::nullopt;
  }
  return BlobFile(fd, size);
}

std::unique_ptr<BlobCache::Fill> BlobCache::begin_fill(const Digest& d, std::uint64_t size) {
  if (size > max_bytes_ / 4) return nullptr;
  const std::string key = d.str();
  stdfs::path tmp;
  {
    std::lock_guard lock(mu_);
    if (entries_.count(key) || filling_.count(key) || filling_.size() >= kMaxFills) return nullptr;
    filling_.insert(key);
    tmp = dir_ / "tmp" / std::to_string(++next_tmp_);
  }
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    end_fill(key);
    return nullptr;
  }
  return std::unique_ptr<Fill>(new Fill(*this, d, size, fd, std::move(tmp)));
}

void BlobCache::end_fill(const std::string& key) {
  std::lock_guard lock(mu_);
  filling_.erase(key);
}

void BlobCache::publish(Fill& f) {
  const std::string key = f.digest_.str();
  std::error_code ec;
  stdfs::rename(f.tmp_, path_of(key), ec);
  std::lock_guard lock(mu_);
  filling_.erase(key);
  if (ec) return;
  lru_.push_front(key);
  entries_[key] = Entry{f.size_, lru_.begin()};
  stats_.bytes += f.size_;
  ++stats_.files;
  ++stats_.fills;
  evict_locked();
}

void BlobCache::evict_locked() {
  while (stats_.bytes > max_bytes_ && !lru_.empty()) {
    const std::string key = lru_.back();
    lru_.pop_back();
    auto it = entries_.find(key);
    stats_.bytes -= it->second.size;
    --stats_.files;
    ++stats_.evictions;
    entries_.erase(it);
    // A download sending the file keeps its descriptor; the data goes when it closes.
    ::unlink(path_of(key).c_str());
  }
}

BlobCache::Stats BlobCache::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

BlobCache::Fill::Fill(BlobCache& cache, const Digest& d, std::uint64_t size, int fd,
                      stdfs::path tmp)
    : cache_(cache), digest_(d), size_(size), fd_(fd), tmp_(std::move(tmp)), hasher_(d.algorithm) {}

BlobCache::Fill::~Fill() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_) {
    ::unlink(tmp_.c_str());
    cache_.end_fill(digest_.str());
  }
}

void BlobCache::Fill::append(std::string_view data) {
  if (failed_ || done_) return;
  if (written_ + data.size() > size_) {
    failed_ = true;
    return;
  }
  hasher_.update(data);
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    written_ += static_cast<std::uint64_t>(n);
  }
}

bool BlobCache::Fill::finish() {
  if (done_) return false;
  bool ok = !failed_ && written_ == size_ && hasher_.finish() == digest_;
  ::close(fd_);
  fd_ = -1;
  if (!ok) {
    {
      std::lock_guard lock(cache_.mu_);
      ++cache_.stats_.rejected;
    }
    return false;  // the destructor removes the file and ends the fill
  }
  done_ = true;
  cache_.publish(*this);
  return true;
}

}  // namespace ch::server::store
