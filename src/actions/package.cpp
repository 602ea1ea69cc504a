#include "actions/package.hpp"

#include <ctime>

#include "chart/archive.hpp"
#include "chart/loader.hpp"
#include "core/error.hpp"
#include "core/semver.hpp"

namespace ch::actions {

namespace stdfs = std::filesystem;

namespace {

// Helm's CheckDependencies: every declared dependency name must be a loaded subchart.
void check_dependencies(const chart::Chart& c) {
  std::string missing;
  for (const auto& dep : c.metadata.dependencies) {
    bool found = false;
    for (const auto& sub : c.subcharts) found = found || sub.name() == dep.name;
    if (!found) missing += (missing.empty() ? "" : ", ") + dep.name;
  }
  if (!missing.empty())
    throw Error(ErrorCode::kInvalidChart,
                "found in Chart.yaml, but missing in charts/ directory: " + missing);
}

}  // namespace

PackageResult package_chart(const PackageOptions& options) {
  std::error_code ec;
  if (!stdfs::exists(options.chart_dir, ec))
    throw Error(ErrorCode::kNotFound,
                "stat " + options.chart_dir.string() + ": no such file or directory");
  if (!stdfs::is_directory(options.chart_dir, ec))
    throw Error(
        ErrorCode::kInvalidArgument,
        options.chart_dir.string() + " is not a chart directory (package takes a directory)");
  chart::Chart c = chart::load_dir(options.chart_dir);
  if (!options.version.empty()) c.metadata.version = options.version;
  semver::Version::parse(c.metadata.version);
  if (!options.app_version.empty()) c.metadata.app_version = options.app_version;
  check_dependencies(c);
  try {
    c.metadata.validate();
  } catch (const Error& e) {
    throw Error(e.code(), std::string("chart validation: ") + e.what());
  }

  chart::ArchiveOptions ao;
  ao.source_date_epoch = options.source_date_epoch;
  ao.now = static_cast<std::int64_t>(std::time(nullptr));
  stdfs::path dest = stdfs::absolute(options.destination);
  PackageResult r;
  r.archive = chart::save_archive(c, dest, ao).lexically_normal();
  return r;
}

}  // namespace ch::actions
