// OpenPGP clear signatures through GPGME, in a private temporary GnuPG home: a keyring file
// (a legacy pubring.gpg/secring.gpg packet stream, an armored export or a GnuPG keybox) is
// brought into a fresh home made for this object and deleted with it (its gpg-agent
// stopped), so the user's own GnuPG state is never read or changed. GPGME is initialised on
// first use only: commands that neither sign nor verify never load it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::helm {

struct PgpVerified {
  std::string plaintext;          // the signed text, as gpg returns it
  std::string fingerprint;        // the signer's primary key, upper-case hex
  std::vector<std::string> uids;  // the signer's user ids ("Name (Comment) <email>")
};

class PgpKeyring {
 public:
  // Creates the private home and brings in the keys of `keyring_file`. Throws
  // Error(kNotFound, "open <file>: no such file or directory") for a missing file and
  // Error(kInvalidArgument) for a file holding no OpenPGP keys.
  explicit PgpKeyring(const std::filesystem::path& keyring_file);
  ~PgpKeyring();
  PgpKeyring(const PgpKeyring&) = delete;
  PgpKeyring& operator=(const PgpKeyring&) = delete;

  // Chooses the signing key as Helm does (helm::choose_signing_key over every key's user
  // ids) and checks that its secret part is in the keyring. Throws Error(kInvalidArgument)
  // with Helm's messages: "private key not found", "provided key is not a private key. Try
  // providing a keyring with secret keys".
  void select_signer(std::string_view name);

  // Clear-signs `text` (Hash: SHA512) with the selected key. A passphrase-protected key
  // is unlocked with `passphrase` (loopback pinentry); none given or a wrong one is an
  // Error(kUnauthorized) that says so.
  std::string clear_sign(std::string_view text, const std::optional<std::string>& passphrase);

  // Verifies a clear-signed message against the keyring's keys. Throws
  // Error(kUnauthorized) with Helm's words: "signature block not found", "openpgp: signature
  // made by unknown entity", "openpgp: invalid signature: ...", and for expired and revoked
  // keys.
  PgpVerified verify_clear(std::string_view message);

  struct Impl;  // the GPGME context and the home (defined in openpgp.cpp)

 private:
  Impl* impl_;
};

}  // namespace ch::helm
