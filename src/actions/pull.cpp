#include "actions/pull.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/file.hpp"
#include "base/json_limits.hpp"
#include "client/chart_resolver.hpp"
#include "helm/loader.hpp"
#include "helm/provenance.hpp"

namespace ch::actions {

namespace {

std::string last_element(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

// Helm's chartutil.Expand: the archive's files under <dir>/<Chart.yaml name>/, files 0644,
// directories 0755. Written into a temporary directory first and renamed into place, so a
// failure leaves nothing behind.
std::filesystem::path expand_chart(const std::filesystem::path& archive,
                                   const std::filesystem::path& dir) {
  std::string gz = fs::read_file(archive, helm::kMaxArchiveSize + 1);
  std::vector<helm::File> files = helm::read_archive_files(gz);
  helm::Chart chart = helm::load_files(files);  // validates, and names the directory
  std::filesystem::path target = dir / chart.metadata.name;
  if (std::filesystem::exists(target))
    throw Error(ErrorCode::kAlreadyExists, "failed to untar: a file or directory with the name " +
                                               target.string() + " already exists");
  fs::TempDir temp(dir, ".untar-");
  std::filesystem::path root = temp.path() / "chart";
  std::filesystem::create_directories(root);
  std::filesystem::permissions(root, std::filesystem::perms(0755));
  for (const helm::File& f : files) {
    std::filesystem::path p = root / f.name;
    for (auto parent = p.parent_path(); parent != root && !std::filesystem::exists(parent);
         parent = parent.parent_path()) {
      std::filesystem::create_directories(parent);
      std::filesystem::permissions(parent, std::filesystem::perms(0755));
    }
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(f.data.data(), static_cast<std::streamsize>(f.data.size()));
    if (!out) throw Error(ErrorCode::kIo, "cannot write " + p.string());
    std::filesystem::permissions(p, std::filesystem::perms(0644));
  }
  std::filesystem::rename(root, target);
  return target;
}

PullResult pull_chart(const PullOptions& options) {
  std::vector<cosign::PublicKey> signature_keys;
  if (!options.signature_keys.empty()) signature_keys = load_public_keys(options.signature_keys);
  client::RegistryClient client(options.client);
  client::ResolvedChart resolved =
      client::resolve_chart(client, options.url, options.version, options.devel);
  client::FetchOptions fetch_options;
  fetch_options.root = resolved.manifest ? &*resolved.manifest : nullptr;
  fetch_options.want_prov = options.prov || options.verify;
  fetch_options.progress = options.progress;
  client::FetchedChart fetched = client::fetch_chart(client, resolved.ref, fetch_options);

  PullResult result;
  result.skipped_tags = resolved.warnings;
  result.printed_ref = fetched.printed_ref;
  result.digest = fetched.manifest_digest;
  result.warnings = fetched.warnings;

  // Helm 4 names a pull by digest (with or without a tag or --version) name@sha256-<hex>.tgz.
  // (Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict on chained
  // std::string operator+.)
  std::string basename = last_element(resolved.ref.repository);
  if (!resolved.ref.digest.empty()) {
    std::string digest = resolved.ref.digest;
    digest[digest.find(':')] = '-';
    basename.append("@").append(digest);
  } else {
    basename.append("-").append(resolved.version);
  }
  basename += ".tgz";
  if (!signature_keys.empty())
    result.signature = verify_signature(client, resolved.ref.registry, resolved.ref.repository,
                                        fetched.manifest_digest, signature_keys);
  if (options.verify) {
    // Helm's words for a chart without a provenance layer.
    if (!fetched.prov)
      throw Error(ErrorCode::kNotFound,
                  "failed to fetch provenance \"oci://" + fetched.printed_ref + ".prov\"");
    // The .prov names the archive `helm package` wrote: <name>-<version>.tgz, which is the
    // file name too unless the pull was by digest.
    std::string signed_name = basename;
    if (!resolved.ref.digest.empty()) {
      std::string version;
      try {
        nlohmann::json config = parse_untrusted_json(fetched.config);
        if (config.is_object() && config.contains("version") && config["version"].is_string())
          version = config["version"].get<std::string>();
      } catch (const Error&) {
      }
      signed_name = last_element(resolved.ref.repository) + "-" + version + ".tgz";
    }
    std::string prov = fs::read_file(*fetched.prov, helm::kMaxProvenanceSize);
    result.verification = verify_provenance(fetched.chart, prov, signed_name, options.keyring);
  }
  if (!options.untar) {
    result.saved = options.destination / basename;
    fs::copy_file_atomic(fetched.chart, result.saved);
    if (fetched.prov) fs::copy_file_atomic(*fetched.prov, result.saved.string() + ".prov");
    return result;
  }
  // --untar: Helm refuses when <destination>/<untardir>/<last element of the ref as typed>
  // exists.
  std::filesystem::path dir =
      options.untar_dir.is_absolute() ? options.untar_dir : options.destination / options.untar_dir;
  std::string typed = options.url;
  if (auto at = typed.rfind('@'); at != std::string::npos) typed.resize(at);
  std::filesystem::path check = dir / last_element(typed);
  if (std::filesystem::exists(check))
    throw Error(ErrorCode::kAlreadyExists, "failed to untar: a file or directory with the name " +
                                               check.string() + " already exists");
  std::filesystem::create_directories(dir);
  result.saved = expand_chart(fetched.chart, dir);
  if (fetched.prov) fs::copy_file_atomic(*fetched.prov, dir / (basename + ".prov"));
  return result;
}

PullOutcome pull(const PullOptions& options) {
  PullOutcome outcome;
  if (options.url.rfind("oci://", 0) == 0) {
    outcome.oci = pull_chart(options);
    return outcome;
  }
  if (!options.signature_keys.empty())
    throw Error(ErrorCode::kInvalidArgument,
                "cosign signatures live in OCI registries: --verify-signature needs an oci:// "
                "chart (classic repositories have --verify with .prov files)");
  ClassicPullOptions c;
  c.chart = options.url;
  c.repo_url = options.repo_url;
  c.version = options.version;
  c.devel = options.devel;
  c.username = options.client.username;
  c.password = options.client.password;
  c.pass_credentials = options.pass_credentials;
  c.destination = options.destination;
  c.untar = options.untar;
  c.untar_dir = options.untar_dir;
  c.prov = options.prov;
  c.verify = options.verify;
  c.keyring = options.keyring;
  outcome.classic = pull_classic(RepoPaths::from_environment(), c);
  return outcome;
}

}  // namespace ch::actions
