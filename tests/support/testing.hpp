// Helpers shared by the unit and integration tests: scratch directories, chart trees
// written from literal files, and running a program with its output captured.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ch::testing {

namespace stdfs = std::filesystem;

// Writes `content` to path, creating parent directories.
void write(const stdfs::path& path, const std::string& content);
std::string read(const stdfs::path& path);

// Writes each {relative path, content} under dir.
void write_tree(const stdfs::path& dir, const std::map<std::string, std::string>& files);

// A minimal valid v2 chart: Chart.yaml (name, version) plus any extra files.
void write_chart(const stdfs::path& dir, const std::string& name, const std::string& version,
                 const std::map<std::string, std::string>& extra = {});

// Sets every file's and directory's mtime under dir (and dir itself) to `t`.
void set_mtimes(const stdfs::path& dir, long t);

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with args (no shell), in `cwd` when given, with extra environment
// variables set (an empty value unsets the variable). Waits and captures both streams.
RunResult run(const std::vector<std::string>& argv, const stdfs::path& cwd = {},
              const std::map<std::string, std::string>& env = {});

// Lists regular files under dir (relative, sorted).
std::vector<std::string> list_files(const stdfs::path& dir);

}  // namespace ch::testing
