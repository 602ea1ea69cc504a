// Loads a chart from a directory or a .tgz with Helm's rules and limits: .helmignore,
// 5 MiB per file, 100 MiB per archive, BOM stripping, no absolute paths, no "..", no
// irregular files, gzip required, subcharts under charts/ (archives and directories).
// Beyond Helm, limits that bound what a hostile archive costs: entries per archive,
// decompressed bytes (tar headers and nested subchart archives included), entry name length,
// subchart nesting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "helm/chart.hpp"

namespace ch::helm {

inline constexpr std::int64_t kMaxFileSize = 5 * 1024 * 1024;
inline constexpr std::int64_t kMaxArchiveSize = 100 * 1024 * 1024;
// Entries (files, directories, anything the tar stream holds) in one archive. The largest
// chart in tests/fixtures has 248 files.
inline constexpr std::int64_t kMaxArchiveEntries = 20000;
// Decompressed tar stream of an archive and of the subchart archives inside it, together:
// the gzip ratio of a chart is bounded by this.
inline constexpr std::int64_t kMaxDecompressedSize = 256 * 1024 * 1024;
// Length of an entry name in an archive (Linux's PATH_MAX).
inline constexpr std::size_t kMaxPathLength = 4096;
// Subcharts inside subcharts (archives or directories under charts/).
inline constexpr int kMaxSubchartDepth = 32;

// A directory or an archive file, as `helm show` / `helm install` accept them.
Chart load(const std::filesystem::path& path);
Chart load_dir(const std::filesystem::path& dir);
Chart load_archive_file(const std::filesystem::path& file);
// A gzipped tar in memory (subcharts, downloaded layers).
Chart load_archive(std::string_view gz);
// The files of an archive, first path component dropped, checked and size-limited.
std::vector<File> read_archive_files(std::string_view gz);
// Builds a chart from chart-relative files (Helm's LoadFiles).
Chart load_files(std::vector<File> files);

}  // namespace ch::helm
