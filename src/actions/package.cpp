#include "actions/package.hpp"

#include <ctime>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/semver.hpp"
#include "helm/archive.hpp"
#include "helm/loader.hpp"
#include "helm/openpgp.hpp"
#include "helm/provenance.hpp"

namespace ch::actions {

namespace stdfs = std::filesystem;

namespace {

// Helm's CheckDependencies: every declared dependency name must be a loaded subchart.
void check_dependencies(const helm::Chart& c) {
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

// Writes the archive and its .prov into a staging directory inside `dest`, and moves both
// into place only once the signature is made: a failure (a wrong passphrase) leaves nothing.
void sign_and_save(const helm::Chart& c, const stdfs::path& dest, const helm::ArchiveOptions& ao,
                   helm::PgpKeyring& ring, const std::optional<std::string>& passphrase,
                   PackageResult& r) {
  std::error_code ec;
  stdfs::create_directories(dest, ec);
  fs::TempDir staging(dest, ".package-");
  stdfs::path staged = helm::save_archive(c, staging.path(), ao);
  // Helm signs the metadata of the chart loaded back from the archive it wrote, marshalled
  // by sigs.k8s.io/yaml.
  helm::Chart packaged = helm::load_archive_file(staged);
  std::string body = helm::provenance_message(
      packaged.metadata.to_yaml(), staged.filename().string(), digest_of_file(staged).hex);
  std::string prov = ring.clear_sign(body, passphrase);
  stdfs::path staged_prov = staged.string() + ".prov";
  fs::write_file_atomic(staged_prov, prov, 0644);
  r.archive = (dest / staged.filename()).lexically_normal();
  r.provenance = r.archive.string() + ".prov";
  stdfs::rename(staged, r.archive);
  stdfs::rename(staged_prov, r.provenance);
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
  helm::Chart c = helm::load_dir(options.chart_dir);
  if (!options.version.empty()) c.metadata.version = options.version;
  semver::Version::parse(c.metadata.version);
  if (!options.app_version.empty()) c.metadata.app_version = options.app_version;
  check_dependencies(c);
  try {
    c.metadata.validate();
  } catch (const Error& e) {
    throw Error(e.code(), std::string("chart validation: ") + e.what());
  }

  // Helm's package --sign: the key is found before anything is written.
  std::optional<helm::PgpKeyring> ring;
  if (options.sign) {
    if (options.key.empty())
      throw Error(ErrorCode::kInvalidArgument, "--key is required for signing a package");
    if (options.keyring.empty())
      throw Error(ErrorCode::kInvalidArgument, "--keyring is required for signing a package");
    ring.emplace(options.keyring);
    ring->select_signer(options.key);
  }

  helm::ArchiveOptions ao;
  ao.source_date_epoch = options.source_date_epoch;
  ao.now = static_cast<std::int64_t>(std::time(nullptr));
  stdfs::path dest = stdfs::absolute(options.destination);
  PackageResult r;
  if (!ring) {
    r.archive = helm::save_archive(c, dest, ao).lexically_normal();
    return r;
  }
  sign_and_save(c, dest, ao, *ring, options.passphrase, r);
  return r;
}

}  // namespace ch::actions
