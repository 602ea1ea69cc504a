#include "actions/verify.hpp"

#include <cctype>
#include <cstdlib>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/openpgp.hpp"
#include "helm/provenance.hpp"

namespace ch::actions {

namespace stdfs = std::filesystem;

stdfs::path default_keyring() {
  if (const char* g = std::getenv("GNUPGHOME"); g != nullptr) return stdfs::path(g) / "pubring.gpg";
  const char* h = std::getenv("HOME");
  return stdfs::path(h != nullptr && *h != '\0' ? h : "/") / ".gnupg" / "pubring.gpg";
}

Verification verify_provenance(const stdfs::path& archive, std::string_view prov,
                               const std::string& file_name, const stdfs::path& keyring) {
  std::optional<helm::PgpKeyring> ring;
  try {
    ring.emplace(keyring);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("failed to load keyring: ") + e.what());
  }
  helm::PgpVerified signed_text = ring->verify_clear(prov);
  Verification v;
  v.signed_by = signed_text.uids;
  v.fingerprint = signed_text.fingerprint;
  // The sums are read from the text as Helm reads it (Go's clearsign.Decode), which must be
  // the text gpg verified: nothing outside the signature is ever trusted.
  std::optional<std::string> text = helm::clear_signed_text(prov);
  if (!text || helm::canonical_lines(*text) != helm::canonical_lines(signed_text.plaintext))
    throw Error(ErrorCode::kUnauthorized,
                "openpgp: invalid signature: the signed text is not the provenance file's text");
  v.file_hash = helm::check_provenance_sum(*text, file_name, digest_of_file(archive).hex);
  v.file_name = file_name;
  return v;
}

Verification verify_chart(const stdfs::path& archive, const stdfs::path& keyring) {
  std::error_code ec;
  auto status = stdfs::status(archive, ec);
  if (ec || !stdfs::exists(status))
    throw Error(ErrorCode::kNotFound, "stat " + archive.string() + ": no such file or directory");
  if (stdfs::is_directory(status))
    throw Error(ErrorCode::kInvalidArgument, "unpacked charts cannot be verified");
  std::string ext = archive.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".tgz") throw Error(ErrorCode::kInvalidArgument, "chart must be a tgz file");
  stdfs::path prov_path = archive.string() + ".prov";
  if (!stdfs::exists(prov_path, ec))
    throw Error(ErrorCode::kNotFound, "could not load provenance file " + prov_path.string() +
                                          ": stat " + prov_path.string() +
                                          ": no such file or directory");
  std::string prov = fs::read_file(prov_path, helm::kMaxProvenanceSize);
  return verify_provenance(archive, prov, archive.filename().string(), keyring);
}

std::string verification_lines(const Verification& v) {
  std::string out;
  for (const std::string& uid : v.signed_by) out += "Signed by: " + uid + "\n";
  out += "Using Key With Fingerprint: " + v.fingerprint + "\n";
  out += "Chart Hash Verified: " + v.file_hash + "\n";
  return out;
}

}  // namespace ch::actions
