// File utilities: whole-file reads with a size cap, atomic writes (temp file in the same
// directory, fsync, rename) and self-deleting temporary directories.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace ch::fs {

namespace stdfs = std::filesystem;

// Reads a whole regular file. Throws kTooLarge when it is bigger than max_bytes.
std::string read_file(const stdfs::path& path, std::uint64_t max_bytes = UINT64_MAX);

// A file being written under a temporary name next to its destination. commit() flushes,
// fsyncs and renames it into place; destruction without commit() removes it, so a failed
// write never leaves a partial file at the destination.
class AtomicFile {
 public:
  explicit AtomicFile(stdfs::path destination, unsigned mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void commit();
  int fd() const { return fd_; }
  const stdfs::path& temp_path() const { return temp_; }

 private:
  stdfs::path destination_;
  stdfs::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes data to path atomically with the given mode.
void write_file_atomic(const stdfs::path& path, std::string_view data, unsigned mode = 0644);

// Copies the file `from` to `to` atomically (through an AtomicFile), in 1 MiB pieces.
// Throws Error(kIo, "cannot read <from>") when `from` cannot be read.
void copy_file_atomic(const stdfs::path& from, const stdfs::path& to, unsigned mode = 0644);

// A fresh directory under the system temp dir (or under `parent`), removed recursively
// on destruction.
class TempDir {
 public:
  explicit TempDir(const stdfs::path& parent = {}, std::string_view prefix = "charthouse-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const stdfs::path& path() const { return path_; }

 private:
  stdfs::path path_;
};

}  // namespace ch::fs
