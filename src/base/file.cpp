#include "base/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/error.hpp"
#include "base/random.hpp"

namespace ch::fs {

std::string read_file(const stdfs::path& path, std::uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw_errno("stat " + path.string());
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw Error(ErrorCode::kTooLarge, "file " + path.string() + " is larger than " +
                                          std::to_string(max_bytes) + " bytes");
  }
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (true) {
    if (done == data.size()) data.resize(data.size() + 4096);  // file grew while reading
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw_errno("read " + path.string());
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
    if (done > max_bytes) {
      ::close(fd);
      throw Error(ErrorCode::kTooLarge, "file " + path.string() + " is larger than " +
                                            std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  data.resize(done);
  return data;
}

AtomicFile::AtomicFile(stdfs::path destination, unsigned mode)
    : destination_(std::move(destination)) {
  auto dir = destination_.parent_path();
  if (dir.empty()) dir = ".";
  temp_ = dir / ("." + destination_.filename().string() + ".tmp-" + temp_suffix(12));
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd_ < 0) throw_errno("create " + temp_.string());
  ::fchmod(fd_, mode);  // not subject to the umask, like Helm's explicit modes
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write " + temp_.string());
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) throw_errno("fsync " + temp_.string());
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw_errno("close " + temp_.string());
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), destination_.c_str()) != 0)
    throw_errno("rename " + temp_.string() + " to " + destination_.string());
  committed_ = true;
}

void write_file_atomic(const stdfs::path& path, std::string_view data, unsigned mode) {
  AtomicFile f(path, mode);
  f.write(data);
  f.commit();
}

void copy_file_atomic(const stdfs::path& from, const stdfs::path& to, unsigned mode) {
  int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::kIo, "cannot read " + from.string());
  try {
    AtomicFile out(to, mode);
    std::string buffer(1 << 20, '\0');
    while (true) {
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(ErrorCode::kIo, "cannot read " + from.string());
      if (n == 0) break;
      out.write(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
    out.commit();
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

TempDir::TempDir(const stdfs::path& parent, std::string_view prefix) {
  stdfs::path base = parent.empty() ? stdfs::temp_directory_path() : parent;
  std::string templ = (base / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) throw_errno("mkdtemp " + templ);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  stdfs::remove_all(path_, ec);
}

}  // namespace ch::fs
