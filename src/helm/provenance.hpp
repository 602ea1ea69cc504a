// Helm provenance files (<chart>.tgz.prov), the parts that need no cryptography: the message
// block Helm signs (Chart.yaml metadata as Helm marshals it, "...", the archive's sha256 in a
// `files:` map), reading that block back as Helm's parseMessageBlock does, the check of the
// archive's sum, and Helm's choice of the signing key by name. The OpenPGP side is
// chart/openpgp.hpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::helm {

// Largest .prov read (Helm sets none; a Chart.yaml is at most 5 MiB).
inline constexpr std::size_t kMaxProvenanceSize = 16 * 1024 * 1024;

// Helm's messageBlock: metadata_yaml (ends with '\n'), "\n...\n", then
// "files:\n  <filename>: sha256:<archive_sha256_hex>\n" as sigs.k8s.io/yaml writes it.
std::string provenance_message(std::string_view metadata_yaml, std::string_view filename,
                               std::string_view archive_sha256_hex);

// Helm's ParseMessageBlock: the text after the first "\n...\n", parsed as YAML; returns its
// `files` map. Throws Error(kInvalidArgument) with Helm's words ("message block must have at
// least two parts") or the YAML error.
std::map<std::string, std::string> provenance_files(std::string_view plaintext);

// Helm's check of the archive against the verified message: the entry for `filename` must be
// "sha256:<hex>" of the archive. Returns "sha256:<hex>"; throws Error(kDigestMismatch) with
// Helm's messages ("provenance does not contain a SHA for a file named ...",
// "sha256 sum does not match for ...").
std::string check_provenance_sum(std::string_view plaintext, std::string_view filename,
                                 std::string_view archive_sha256_hex);

// True when the clear-signed message header is present (Helm: "signature block not found").
bool has_signed_message(std::string_view prov);

// The text of the first clear-signed message in `prov`, as Go's clearsign.Decode gives it to
// Helm: each line with its '\n', dash-escapes removed, trailing spaces and tabs dropped.
// Empty optional when there is no complete block.
std::optional<std::string> clear_signed_text(std::string_view prov);

// Text compared line by line the way a clear signature sees it: trailing spaces, tabs and
// '\r' dropped, every line ended by '\n'.
std::string canonical_lines(std::string_view text);

// A GnuPG keybox file (pubring.kbx) rather than an OpenPGP packet stream: the first blob's
// magic "KBXf" at offset 8.
bool is_keybox(std::string_view data);

// One key of a keyring, as the signer's choice sees it.
struct KeyIdentities {
  std::string fingerprint;
  std::vector<std::string> uids;  // "Name (Comment) <email>"
};

// Helm's NewFromKeyring choice of the signing key by `name`: the first key with a user id
// equal to name; otherwise the one key whose user id contains it. Returns its index, or -1
// when none matches. Throws Error(kInvalidArgument, "more than one key contain the id \"x\"")
// when several keys contain it and none is equal.
int choose_signing_key(const std::vector<KeyIdentities>& keys, std::string_view name);

}  // namespace ch::helm
