// BlobStore on a local filesystem (docs/architecture.md, "The storage seam"). Uploads append to
// <root>/uploads/<id> while hashing; commit fsyncs the file, renames it to
// <root>/blobs/<alg>/<2 hex>/<hex> without replacing an existing blob, and fsyncs the
// directory. A blob path therefore only ever names complete, verified content. Large uploads
// are written back while they stream and leave the page cache behind them (write_behind),
// and their large pieces are hashed on worker threads (append_owned).
//
// Thread safety: the store itself holds no mutable state except a set of striped mutexes
// that order commit-of-an-existing-blob against remove_if_unchanged (see there). Uploads of
// different sessions, reads and commits run in parallel; uploads of the same content
// commit independently (the first rename wins, the others drop their data).
// An Upload refers to its store: it must not outlive it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/error.hpp"
#include "base/random.hpp"
#include "server/store/blob_store.hpp"
#include "server/store/layout.hpp"

namespace ch::server::store {

BlobFile::~BlobFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> BlobStore::read(const Digest& d, std::uint64_t max_bytes) {
  auto file = open(d);
  if (!file || file->size() > max_bytes) return std::nullopt;
  std::string data(file->size(), '\0');
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pread(file->fd(), data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (n <= 0) return std::nullopt;
    done += static_cast<std::size_t>(n);
  }
  return data;
}

std::optional<std::string> BlobStore::read_range(const Digest& d, std::uint64_t offset,
                                                 std::uint64_t length) {
  auto file = open(d);
  if (!file || offset > file->size()) return std::nullopt;
  length = std::min(length, file->size() - offset);
  std::string data(static_cast<std::size_t>(length), '\0');
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pread(file->fd(), data.data() + done, data.size() - done,
                        static_cast<off_t>(offset + done));
    if (n <= 0) return std::nullopt;
    done += static_cast<std::size_t>(n);
  }
  return data;
}

bool BlobStore::read_stream(const Digest& d, std::uint64_t offset, std::uint64_t length,
                            const std::function<void(std::string_view)>& sink) {
  constexpr std::uint64_t kPiece = 8 << 20;
  for (std::uint64_t done = 0; done < length;) {
    auto piece = read_range(d, offset + done, std::min(kPiece, length - done));
    if (!piece) return done > 0;
    if (piece->empty()) return true;
    try {
      sink(*piece);
    } catch (...) {
      return true;
    }
    done += piece->size();
  }
  return true;
}

namespace {

namespace stdfs = std::filesystem;

constexpr DigestAlgorithm kAlgorithms[] = {DigestAlgorithm::kSha256, DigestAlgorithm::kSha512};

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// A Digest built by hand may be malformed; never turn it into a path.
bool well_formed(const Digest& d) {
  return d.hex.size() == hex_length(d.algorithm) && is_lower_hex(d.hex);
}

// fsync a directory so a rename or a new entry in it survives a power loss.
void fsync_dir(const stdfs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno("open directory " + dir.string());
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    errno = err;
    throw_errno("fsync directory " + dir.string());
  }
}

// Sets a file's mtime to now. Returns false when the file does not exist.
bool touch(const stdfs::path& p) {
  if (::utimensat(AT_FDCWD, p.c_str(), nullptr, 0) == 0) return true;
  if (errno == ENOENT) return false;
  throw_errno("touch " + p.string());
}

void unlink_quietly(const stdfs::path& p) {
  ::unlink(p.c_str());
}

// Threads that hash large upload pieces while the connection that sent them reads the next
// (FsUpload::append_owned). Started on first use, one per core; joined when the store goes.
class HashWorkers {
 public:
  HashWorkers() = default;
  HashWorkers(const HashWorkers&) = delete;
  HashWorkers& operator=(const HashWorkers&) = delete;
  ~HashWorkers() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void submit(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      if (threads_.empty()) {
        unsigned n = std::max(1u, std::thread::hardware_concurrency());
        for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
      }
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left to run
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();  // never throws (see FsUpload::append_owned)
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

class FsBlobStore;

class FsUpload final : public Upload {
 public:
  FsUpload(FsBlobStore& store, stdfs::path path, int fd, DigestAlgorithm algorithm)
      : store_(store), path_(std::move(path)), fd_(fd), hasher_(algorithm) {}
  ~FsUpload() override {
    wait_hash();
    if (state_ == State::kOpen) discard();
  }
  FsUpload(const FsUpload&) = delete;
  FsUpload& operator=(const FsUpload&) = delete;

  std::uint64_t size() const override { return written_; }
  void append(std::string_view data) override;
  std::string append_owned(std::string data) override;
  void commit(const Digest& expected) override;
  void suspend() override {
    wait_hash();
    if (state_ == State::kOpen) close_fd();
  }
  void cancel() override {
    wait_hash();
    if (state_ == State::kOpen) discard();
    state_ = State::kCancelled;
  }

 private:
  enum class State { kOpen, kCommitted, kCancelled, kFailed };

  void require_open(const char* what) const {
    if (state_ != State::kOpen)
      throw Error(ErrorCode::kInvalidArgument,
                  std::string("cannot ") + what + " upload " + path_.filename().string() +
                      ": it was already " +
                      (state_ == State::kCommitted ? "committed" : "cancelled or rejected"));
  }
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Reopens the session file after suspend().
  void reopen() {
    if (fd_ >= 0) return;
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) throw_errno("reopen upload " + path_.string());
  }
  void discard() {
    close_fd();
    unlink_quietly(path_);
  }

  void write_all(std::string_view data);
  void write_behind();
  // Waits until the piece handed to the hash workers by append_owned is hashed.
  void wait_hash() {
    std::unique_lock lock(hash_mu_);
    hash_cv_.wait(lock, [&] { return !hashing_; });
  }

  FsBlobStore& store_;
  stdfs::path path_;
  int fd_;
  Hasher hasher_;                        // behind written_ while a piece is being hashed
  std::uint64_t written_ = 0;            // bytes in the file
  std::uint64_t writeback_started_ = 0;  // bytes [0, this) handed to write_behind's writeback
  State state_ = State::kOpen;
  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  bool hashing_ = false;      // a hash worker owns hasher_ and hashed_piece_
  std::string hashed_piece_;  // the last piece of append_owned
};

class FsBlobStore final : public BlobStore {
 public:
  explicit FsBlobStore(stdfs::path root) : root_(std::move(root)) {
    std::error_code ec;
    for (auto a : kAlgorithms) {
      stdfs::create_directories(root_ / "blobs" / std::string(algorithm_name(a)), ec);
      if (ec)
        throw Error(ErrorCode::kIo,
                    "create blob directory under " + root_.string() + ": " + ec.message());
    }
    stdfs::create_directories(root_ / "uploads", ec);
    if (ec)
      throw Error(ErrorCode::kIo,
                  "create upload directory under " + root_.string() + ": " + ec.message());
  }

  std::optional<std::uint64_t> size_of(const Digest& d) override {
    if (!well_formed(d)) return std::nullopt;
    struct stat st {};
    auto p = blob_path(root_, d);
    if (::stat(p.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw_errno("stat " + p.string());
    }
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    return static_cast<std::uint64_t>(st.st_size);
  }

  std::optional<BlobFile> open(const Digest& d) override {
    if (!well_formed(d)) return std::nullopt;
    auto p = blob_path(root_, d);
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw_errno("open " + p.string());
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      errno = err;
      throw_errno("stat " + p.string());
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd);
      return std::nullopt;
    }
    return std::optional<BlobFile>(std::in_place, fd, static_cast<std::uint64_t>(st.st_size));
  }

  std::unique_ptr<Upload> start_upload(const std::string& id, DigestAlgorithm algorithm,
                                       const std::string& /*repository*/ = {}) override {
    auto p = upload_path(root_, id);  // validates the id
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST)
        throw Error(ErrorCode::kAlreadyExists, "upload " + id + " already exists");
      throw_errno("create upload " + p.string());
    }
    return std::make_unique<FsUpload>(*this, std::move(p), fd, algorithm);
  }

  Digest put(std::string_view data, DigestAlgorithm algorithm) override {
    Digest d = digest_of(data, algorithm);
    {
      std::lock_guard lock(stripe(d));
      if (touch(blob_path(root_, d))) return d;
    }
    auto up = start_upload(temp_suffix(32), algorithm);
    up->append(data);
    up->commit(d);
    return d;
  }

  bool remove(const Digest& d) override {
    std::lock_guard lock(stripe(d));
    return remove_locked(d);
  }

  bool remove_if_unchanged(const Digest& d, std::int64_t mtime) override {
    if (!well_formed(d)) return false;
    std::lock_guard lock(stripe(d));
    auto p = blob_path(root_, d);
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return false;
      throw_errno("stat " + p.string());
    }
    if (static_cast<std::int64_t>(st.st_mtim.tv_sec) > mtime) return false;
    return remove_locked(d);
  }

  void for_each(const std::function<void(const StoredBlob&)>& fn) override {
    for (auto algorithm : kAlgorithms) {
      auto alg_dir = root_ / "blobs" / std::string(algorithm_name(algorithm));
      for (const auto& prefix : list_dir(alg_dir)) {
        if (prefix.size() != 2 || !is_lower_hex(prefix)) continue;
        // List a whole prefix directory before calling back: fn may remove blobs.
        std::vector<StoredBlob> found;
        auto dir = alg_dir / prefix;
        for (const auto& name : list_dir(dir)) {
          if (name.size() != hex_length(algorithm) || !is_lower_hex(name) ||
              name.compare(0, 2, prefix) != 0)
            continue;
          struct stat st {};
          if (::lstat((dir / name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
          found.push_back(StoredBlob{Digest{algorithm, name},
                                     static_cast<std::uint64_t>(st.st_size),
                                     static_cast<std::int64_t>(st.st_mtim.tv_sec)});
        }
        for (const auto& b : found) fn(b);
      }
    }
  }

  std::size_t remove_stale_uploads(std::chrono::seconds age) override {
    auto dir = root_ / "uploads";
    const auto now = std::chrono::system_clock::now();
    const std::int64_t cutoff =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch() - age).count();
    std::size_t removed = 0;
    for (const auto& name : list_dir(dir)) {
      auto p = dir / name;
      struct stat st {};
      if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (static_cast<std::int64_t>(st.st_mtim.tv_sec) >= cutoff) continue;
      if (::unlink(p.c_str()) == 0) ++removed;
    }
    return removed;
  }

  HashWorkers& hash_workers() { return hash_workers_; }

  // Moves a complete, fsynced upload file to the blob path of `d` (see FsUpload::commit).
  void install(const stdfs::path& upload, const Digest& d) {
    auto prefix_dir = ensure_prefix_dir(d);
    auto dest = prefix_dir / d.hex;
    {
      std::lock_guard lock(stripe(d));
      while (::renameat2(AT_FDCWD, upload.c_str(), AT_FDCWD, dest.c_str(), RENAME_NOREPLACE) != 0) {
        if (errno == EEXIST) {
          // Same content committed before (or concurrently): keep that blob, drop ours, and
          // give the existing one a fresh mtime so a running collector leaves it alone.
          if (!touch(dest)) continue;  // removed behind our back: try again
          unlink_quietly(upload);
          return;
        }
        if (errno != EINVAL && errno != ENOSYS)
          throw_errno("rename " + upload.string() + " to " + dest.string());
        // A filesystem without RENAME_NOREPLACE: replacing identical content is harmless.
        if (::rename(upload.c_str(), dest.c_str()) != 0)
          throw_errno("rename " + upload.string() + " to " + dest.string());
        break;
      }
    }
    fsync_dir(prefix_dir);
  }

 private:
  bool remove_locked(const Digest& d) {
    if (!well_formed(d)) return false;
    auto p = blob_path(root_, d);
    if (::unlink(p.c_str()) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw_errno("remove " + p.string());
  }

  // Creates blobs/<alg>/<2 hex> when missing and makes its entry durable (fsync of the
  // parent), once per directory and process: a concurrent creator may not have fsynced yet.
  stdfs::path ensure_prefix_dir(const Digest& d) {
    auto alg_dir = root_ / "blobs" / std::string(algorithm_name(d.algorithm));
    auto dir = alg_dir / d.hex.substr(0, 2);
    std::size_t index = std::stoul(d.hex.substr(0, 2), nullptr, 16) +
                        (d.algorithm == DigestAlgorithm::kSha256 ? 0 : 256);
    if (durable_[index].load(std::memory_order_acquire)) return dir;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
      throw_errno("create directory " + dir.string());
    fsync_dir(alg_dir);
    durable_[index].store(true, std::memory_order_release);
    return dir;
  }

  std::mutex& stripe(const Digest& d) {
    std::size_t h = std::hash<std::string>{}(d.hex);
    return stripes_[h % stripes_.size()];
  }

  // Entry names of a directory ("." and ".." excluded); empty when it does not exist.
  static std::vector<std::string> list_dir(const stdfs::path& dir) {
    std::vector<std::string> names;
    DIR* dp = ::opendir(dir.c_str());
    if (dp == nullptr) {
      if (errno == ENOENT || errno == ENOTDIR) return names;
      throw_errno("open directory " + dir.string());
    }
    while (true) {
      errno = 0;
      dirent* e = ::readdir(dp);
      if (e == nullptr) break;
      std::string_view n = e->d_name;
      if (n == "." || n == "..") continue;
      names.emplace_back(n);
    }
    int err = errno;
    ::closedir(dp);
    if (err != 0) {
      errno = err;
      throw_errno("read directory " + dir.string());
    }
    return names;
  }

  stdfs::path root_;
  std::array<std::mutex, 64> stripes_;
  std::array<std::atomic<bool>, 512> durable_{};  // prefix dirs known to be on disk
  HashWorkers hash_workers_;                      // last: joined first
};

void FsUpload::write_all(std::string_view data) {
  reopen();
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      // Keep file and hash in step: drop the partial piece so the session stays usable.
      if (::ftruncate(fd_, static_cast<off_t>(written_)) != 0) state_ = State::kFailed;
      errno = err;
      throw_errno("write upload " + path_.string());
    }
    done += static_cast<std::size_t>(n);
  }
  written_ += data.size();
}

void FsUpload::append(std::string_view data) {
  require_open("append to");
  wait_hash();
  write_all(data);
  hasher_.update(data);
  write_behind();
}

// Hashing is the slowest step of an upload (about 1.4 GB/s for sha256 on one core, against
// several GB/s for the socket and page-cache copies), so a large piece is written here and
// hashed by a worker while the caller reads the next one from the network. One piece at a
// time per upload: the next append waits for the previous hash, which keeps the order and
// bounds the memory to two pieces per upload. The piece hashed before is handed back for
// the caller to read into, so a stream reuses two warm buffers instead of fresh memory.
std::string FsUpload::append_owned(std::string data) {
  constexpr std::size_t kAsyncHashMin = 256 * 1024;  // below: a thread hop costs more
  if (data.size() < kAsyncHashMin) {
    append(data);
    return data;
  }
  require_open("append to");
  wait_hash();
  write_all(data);
  std::string spare = std::move(hashed_piece_);
  hashed_piece_ = std::move(data);
  {
    std::lock_guard lock(hash_mu_);
    hashing_ = true;
  }
  try {
    store_.hash_workers().submit([this] {
      hasher_.update(hashed_piece_);  // OpenSSL digest update: does not fail
      std::lock_guard lock(hash_mu_);
      hashing_ = false;
      hash_cv_.notify_all();  // under the lock: the waiter may destroy *this once it returns
    });
  } catch (...) {
    std::lock_guard lock(hash_mu_);
    hashing_ = false;
    state_ = State::kFailed;  // written but never hashed: file and hash are out of step
    throw;
  }
  write_behind();
  return spare;
}

// Large uploads stream through the page cache instead of filling it: every completed
// kWriteBehindWindow bytes are handed to writeback at once, and the window before is waited
// for and dropped from the cache. So commit's fsync only has the last two windows left to
// write, the upload does not evict hot manifests and charts, and the next window reuses the
// pages just freed instead of fresh ones (on VMs whose freed memory goes back to the host,
// first-touch pages cost ~10x a copy; see docs/benchmarks.md, row 4). Uploads under one
// window (every chart) are left entirely to the kernel.
void FsUpload::write_behind() {
  constexpr std::uint64_t kWriteBehindWindow = 16 << 20;
  const std::uint64_t end = written_;
  while (end - writeback_started_ >= kWriteBehindWindow) {
    const auto start = static_cast<off64_t>(writeback_started_);
    const auto len = static_cast<off64_t>(kWriteBehindWindow);
    int rc = ::sync_file_range(fd_, start, len, SYNC_FILE_RANGE_WRITE);
    if (rc == 0 && start >= len)
      rc = ::sync_file_range(
          fd_, start - len, len,
          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    if (rc != 0) {
      // A writeback error: the data already accepted may be lost, so is the upload.
      int err = errno;
      discard();
      state_ = State::kFailed;
      errno = err;
      throw_errno("write back upload " + path_.string());
    }
    if (start >= len)  // advisory: on failure the pages merely stay cached
      (void)::posix_fadvise(fd_, start - len, len, POSIX_FADV_DONTNEED);
    writeback_started_ += kWriteBehindWindow;
  }
}

void FsUpload::commit(const Digest& expected) {
  require_open("commit");
  wait_hash();
  if (expected.algorithm != hasher_.algorithm()) {
    discard();
    state_ = State::kFailed;
    throw Error(ErrorCode::kDigestMismatch,
                "digest " + expected.str() + " uses another algorithm than the upload (" +
                    std::string(algorithm_name(hasher_.algorithm())) + ")");
  }
  Digest actual = hasher_.finish();
  if (actual != expected) {
    discard();
    state_ = State::kFailed;
    throw Error(ErrorCode::kDigestMismatch,
                "uploaded content has digest " + actual.str() + ", not " + expected.str());
  }
  try {
    reopen();
  } catch (...) {
    discard();
    state_ = State::kFailed;
    throw;
  }
  state_ = State::kFailed;  // the hasher is finished: no retry, whatever happens next
  if (::fsync(fd_) != 0) {
    int err = errno;
    discard();
    errno = err;
    throw_errno("fsync upload " + path_.string());
  }
  int rc = ::close(fd_);
  int err = errno;
  fd_ = -1;
  if (rc != 0) {
    unlink_quietly(path_);
    errno = err;
    throw_errno("close upload " + path_.string());
  }
  try {
    store_.install(path_, expected);
  } catch (...) {
    unlink_quietly(path_);
    throw;
  }
  state_ = State::kCommitted;
}

}  // namespace

std::unique_ptr<BlobStore> open_fs_blob_store(const std::filesystem::path& root) {
  return std::make_unique<FsBlobStore>(root);
}

}  // namespace ch::server::store
