// Tests of base/file.cpp: capped whole-file reads, atomic writes and copies, temp directories.
#include "base/file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "testing.hpp"

namespace ch {
namespace {

namespace stdfs = std::filesystem;

ErrorCode code_of_read(const stdfs::path& p, std::uint64_t max_bytes) {
  try {
    fs::read_file(p, max_bytes);
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error reading " << p;
  return ErrorCode::kInternal;
}

unsigned mode_of(const stdfs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(AtomicFile, NothingLeftWithoutCommit) {
  fs::TempDir dir;
  auto p = dir.path() / "out.txt";
  {
    fs::AtomicFile f(p);
    f.write("partial");
  }
  EXPECT_FALSE(std::filesystem::exists(p));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  fs::write_file_atomic(p, "whole");
  EXPECT_EQ(testing::read(p), "whole");
}

TEST(AtomicFile, CopiesWholeFilesOrNothing) {
  fs::TempDir dir;
  // More than one 1 MiB piece, not a multiple of it.
  std::string data;
  for (int i = 0; data.size() < 3 * 1024 * 1024 + 17; ++i) data += std::to_string(i) + ",";
  fs::write_file_atomic(dir.path() / "src", data);
  fs::copy_file_atomic(dir.path() / "src", dir.path() / "dst");
  EXPECT_EQ(testing::read(dir.path() / "dst"), data);
  fs::copy_file_atomic(dir.path() / "src", dir.path() / "dst");  // replaces
  EXPECT_EQ(testing::read(dir.path() / "dst"), data);
  // A source that cannot be read: an error naming it, and nothing written.
  try {
    fs::copy_file_atomic(dir.path() / "missing", dir.path() / "out");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_EQ(std::string(e.what()), "cannot read " + (dir.path() / "missing").string());
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
  EXPECT_THROW(fs::copy_file_atomic(dir.path(), dir.path() / "out"), Error);  // a directory
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
  EXPECT_EQ(testing::list_files(dir.path()), (std::vector<std::string>{"dst", "src"}));
}

TEST(ReadFile, WholeFileUpToTheLimit) {
  fs::TempDir dir;
  auto p = dir.path() / "f";
  std::string data(10000, 'x');
  data[0] = '\0';  // binary content is read as is
  testing::write(p, data);
  EXPECT_EQ(fs::read_file(p), data);
  EXPECT_EQ(fs::read_file(p, 10000), data);  // exactly at the limit
  try {
    fs::read_file(p, 9999);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTooLarge);
    EXPECT_EQ(std::string(e.what()), "file " + p.string() + " is larger than 9999 bytes");
  }
  testing::write(dir.path() / "empty", "");
  EXPECT_EQ(fs::read_file(dir.path() / "empty", 0), "");
}

TEST(ReadFile, MissingFilesAndDirectoriesAreIoErrors) {
  fs::TempDir dir;
  try {
    fs::read_file(dir.path() / "missing");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_EQ(std::string(e.what()),
              "open " + (dir.path() / "missing").string() + ": No such file or directory");
  }
  try {
    fs::read_file(dir.path());
    FAIL() << "a directory was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_EQ(std::string(e.what()), "read " + dir.path().string() + ": Is a directory");
  }
}

TEST(ReadFile, FilesWhoseSizeIsNotKnownUpFrontAreReadAndCapped) {
  // /proc files report size 0 and are read until EOF; the cap applies to what was read.
  std::string status = fs::read_file("/proc/self/status");
  EXPECT_NE(status.find("Name:"), std::string::npos);
  EXPECT_GT(status.size(), 100u);
  EXPECT_EQ(code_of_read("/proc/self/status", 50), ErrorCode::kTooLarge);
}

TEST(AtomicFile, TempFileSitsNextToTheDestinationUntilCommit) {
  fs::TempDir dir;
  auto p = dir.path() / "index.yaml";
  testing::write(p, "old");
  {
    fs::AtomicFile f(p, 0640);
    EXPECT_EQ(f.temp_path().parent_path(), dir.path());
    EXPECT_EQ(f.temp_path().filename().string().rfind(".index.yaml.tmp-", 0), 0u) << f.temp_path();
    EXPECT_EQ(f.temp_path().filename().string().size(),
              std::string(".index.yaml.tmp-").size() + 12);
    EXPECT_GE(f.fd(), 0);
    f.write("new ");
    f.write("");
    f.write("content");
    EXPECT_EQ(testing::read(p), "old");  // the destination is untouched until commit
    EXPECT_TRUE(stdfs::exists(f.temp_path()));
    f.commit();
    EXPECT_FALSE(stdfs::exists(f.temp_path()));
  }
  EXPECT_EQ(testing::read(p), "new content");
  EXPECT_EQ(mode_of(p), 0640u);
  EXPECT_EQ(testing::list_files(dir.path()), std::vector<std::string>{"index.yaml"});
}

TEST(AtomicFile, ModesAreExactWhateverTheUmask) {
  fs::TempDir dir;
  mode_t old = ::umask(077);
  fs::write_file_atomic(dir.path() / "a", "a", 0644);
  fs::write_file_atomic(dir.path() / "b", "b", 0755);
  fs::write_file_atomic(dir.path() / "c", "c", 0600);
  fs::copy_file_atomic(dir.path() / "a", dir.path() / "d", 0444);
  ::umask(old);
  EXPECT_EQ(mode_of(dir.path() / "a"), 0644u);
  EXPECT_EQ(mode_of(dir.path() / "b"), 0755u);
  EXPECT_EQ(mode_of(dir.path() / "c"), 0600u);
  EXPECT_EQ(mode_of(dir.path() / "d"), 0444u);
  EXPECT_EQ(testing::read(dir.path() / "d"), "a");
}

TEST(AtomicFile, FailuresLeaveNoTemporaryFiles) {
  fs::TempDir dir;
  // No such directory: the temporary file cannot be created.
  try {
    fs::write_file_atomic(dir.path() / "missing/out", "x");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_EQ(std::string(e.what()).rfind(
                  "create " + (dir.path() / "missing").string() + "/.out.tmp-", 0),
              0u)
        << e.what();
  }
  // The rename fails (a non-empty directory is in the way): the temporary file goes.
  testing::write(dir.path() / "taken/inside", "x");
  try {
    fs::write_file_atomic(dir.path() / "taken", "data");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_EQ(std::string(e.what()).rfind("rename ", 0), 0u) << e.what();
  }
  EXPECT_EQ(testing::list_files(dir.path()), std::vector<std::string>{"taken/inside"});
  EXPECT_EQ(stdfs::directory_iterator(dir.path())->path().filename(), "taken");
}

TEST(TempDir, FreshPrivateDirectoryRemovedWithItsContents) {
  stdfs::path kept;
  {
    fs::TempDir a;
    fs::TempDir b;
    EXPECT_NE(a.path(), b.path());
    EXPECT_TRUE(stdfs::is_directory(a.path()));
    EXPECT_EQ(a.path().parent_path(), stdfs::temp_directory_path());
    EXPECT_EQ(a.path().filename().string().rfind("charthouse-", 0), 0u) << a.path();
    EXPECT_EQ(mode_of(a.path()), 0700u);  // mkdtemp's mode
    testing::write(a.path() / "deep/er/file", "x");
    fs::TempDir nested(a.path(), "nested-");
    EXPECT_EQ(nested.path().parent_path(), a.path());
    EXPECT_EQ(nested.path().filename().string().rfind("nested-", 0), 0u);
    kept = a.path();
  }
  EXPECT_FALSE(stdfs::exists(kept));
}

TEST(TempDir, MissingParentIsAnIoError) {
  fs::TempDir dir;
  try {
    fs::TempDir inside(dir.path() / "missing");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_EQ(std::string(e.what()).rfind("mkdtemp " + (dir.path() / "missing").string(), 0), 0u)
        << e.what();
  }
}

}  // namespace
}  // namespace ch
