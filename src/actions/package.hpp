// `charthouse package`: a chart directory to <dest>/<name>-<version>.tgz, as `helm package`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace ch::actions {

struct PackageOptions {
  std::filesystem::path chart_dir;
  std::filesystem::path destination = ".";
  std::string version;                            // overrides Chart.yaml version when non-empty
  std::string app_version;                        // overrides Chart.yaml appVersion when non-empty
  std::optional<std::int64_t> source_date_epoch;  // stamps every entry when set
};

struct PackageResult {
  std::filesystem::path archive;  // absolute path of the written .tgz
};

// Throws ch::Error; on error no file is written.
PackageResult package_chart(const PackageOptions& options);

}  // namespace ch::actions
