// Writes a chart as Helm's .tgz: regular-file entries under <name>/ in Helm's order,
// Chart.yaml re-serialised, values.yaml byte-exact, subcharts expanded, mode 0644, gzip
// header with Helm's extra field and "Helm" comment. Reproducible: each entry carries its
// file's mtime (or SOURCE_DATE_EPOCH), so the same tree gives the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "helm/chart.hpp"

namespace ch::helm {

struct ArchiveOptions {
  // Stamps every entry when set (SOURCE_DATE_EPOCH). Otherwise entries keep their files'
  // mtimes, and `now` is used for entries without one.
  std::optional<std::int64_t> source_date_epoch;
  std::int64_t now = 0;
};

// Reads SOURCE_DATE_EPOCH; empty/unset gives nullopt. Throws Error(kInvalidArgument,
// "invalid SOURCE_DATE_EPOCH: ...") for a value that is not a non-negative integer.
std::optional<std::int64_t> source_date_epoch_from_env();

// Streams the gzipped archive to `sink`.
void write_archive(const Chart& chart, const std::function<void(std::string_view)>& sink,
                   const ArchiveOptions& options);

// Writes <out_dir>/<name>-<version>.tgz atomically (mode 0644) and returns its path. On any
// error nothing is left at the destination.
std::filesystem::path save_archive(const Chart& chart, const std::filesystem::path& out_dir,
                                   const ArchiveOptions& options);

}  // namespace ch::helm
