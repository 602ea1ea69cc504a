// `charthouse pull oci://…`: resolve a version (spec helm-oci.md §2.4), fetch the chart
// through the content cache, and write <dest>/<name>-<version>.tgz (name@sha256-<hex>.tgz for
// a reference with a digest, as Helm 4 names it) and .prov atomically, or expand it with
// --untar, as `helm pull` does (§4.2).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "actions/repo.hpp"
#include "actions/signature.hpp"
#include "actions/verify.hpp"
#include "client/registry_client.hpp"

namespace ch::actions {

struct PullOptions {
  std::string url;  // oci://host/repo[:tag][@digest]; else REPO/CHART or CHART with repo_url
  std::string version;
  bool devel = false;
  bool prov = false;
  // --verify: the provenance layer is required and checked against `keyring` before
  // anything is written to the destination (the .prov is then written too).
  bool verify = false;
  std::filesystem::path keyring;
  // --verify-signature: a cosign signature or Sigstore bundle of the pulled manifest must
  // verify with one of these public keys (actions/signature.hpp) before anything is written.
  std::vector<std::filesystem::path> signature_keys;
  bool untar = false;
  std::filesystem::path untar_dir = ".";
  std::filesystem::path destination = ".";
  client::ClientOptions client;
  client::ProgressFn progress;
  // Classic repositories only (pull()).
  std::string repo_url;  // --repo
  bool pass_credentials = false;
};

struct PullResult {
  std::vector<std::string> skipped_tags;  // "Warning: skipping tag …" (before "Pulled:")
  std::string printed_ref;                // "Pulled:"
  std::string digest;                     // "Digest:"
  std::vector<std::string> warnings;
  std::filesystem::path saved;               // the .tgz written, or the directory expanded into
  std::optional<Verification> verification;  // with --verify
  std::optional<SignatureCheck> signature;   // with signature_keys
};

// An oci:// chart.
PullResult pull_chart(const PullOptions& options);

// `charthouse pull CHART`: an oci:// reference goes to pull_chart, anything else to a classic
// repository (pull_classic, with Helm's repository files from the environment); exactly one
// of the results is set. Throws Error(kInvalidArgument) for signature keys with a classic
// chart (cosign signatures live in OCI registries).
struct PullOutcome {
  std::optional<PullResult> oci;
  std::optional<ClassicPullResult> classic;
};
PullOutcome pull(const PullOptions& options);

// Helm's chartutil.Expand: the archive's files under <dir>/<chart name>/ (files 0644,
// directories 0755), through a temporary directory so a failure leaves nothing behind.
// Throws Error(kAlreadyExists) when that directory exists.
std::filesystem::path expand_chart(const std::filesystem::path& archive,
                                   const std::filesystem::path& dir);

}  // namespace ch::actions
