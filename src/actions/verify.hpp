// `charthouse verify CHART.tgz` (Helm's `helm verify`) and the provenance checks of
// `package --sign` and `pull --verify`: a chart archive checked against its .prov with the
// keys of a keyring file, in a private GnuPG home (chart/openpgp.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::actions {

struct Verification {
  std::vector<std::string> signed_by;  // the signer's user ids ("Signed by:")
  std::string fingerprint;             // its primary key, upper-case hex
  std::string file_hash;               // "sha256:<hex>" of the archive
  std::string file_name;               // the archive's base name, as the .prov names it
};

// Helm's default keyring: $GNUPGHOME/pubring.gpg, else ~/.gnupg/pubring.gpg.
std::filesystem::path default_keyring();

// `helm verify`: <archive>.prov next to the archive. Throws Error with Helm's messages:
// "stat X: no such file or directory", "unpacked charts cannot be verified", "chart must be
// a tgz file", "could not load provenance file X.prov: ...", "failed to load keyring: ...",
// and those of verify_provenance.
Verification verify_chart(const std::filesystem::path& archive,
                          const std::filesystem::path& keyring);

// The check itself: `prov` must be clear-signed by a key of `keyring`, and its files: entry
// for `file_name` must be the sha256 of the archive file. Nothing is written anywhere but
// the private GnuPG home.
Verification verify_provenance(const std::filesystem::path& archive, std::string_view prov,
                               const std::string& file_name, const std::filesystem::path& keyring);

// The lines `helm verify` (and `helm pull --verify`) print on success.
std::string verification_lines(const Verification& v);

}  // namespace ch::actions
