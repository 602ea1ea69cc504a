// `charthouse package`: a chart directory to <dest>/<name>-<version>.tgz, as `helm package`.
#pragma once

#include <cstdint>
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
  // --sign: also write <archive>.prov, clear-signed by the key named `key` (Helm's choice:
  // a user id equal to it, else the one containing it) from the keyring file `keyring`
  // (secret keys: a secring.gpg or `gpg --export-secret-keys` output), unlocked with
  // `passphrase` when the key is protected.
  bool sign = false;
  std::string key;
  std::filesystem::path keyring;
  std::optional<std::string> passphrase;
};

struct PackageResult {
  std::filesystem::path archive;     // absolute path of the written .tgz
  std::filesystem::path provenance;  // its .prov with --sign, else empty
};

// Throws ch::Error; on error no file is written (with --sign: neither the archive nor the
// .prov, the key is chosen before packaging and both are staged next to the destination).
PackageResult package_chart(const PackageOptions& options);

}  // namespace ch::actions
