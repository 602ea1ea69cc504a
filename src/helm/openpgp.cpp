#include "helm/openpgp.hpp"

#include <fcntl.h>
#include <gpgme.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "base/error.hpp"
#include "base/file.hpp"
#include "helm/provenance.hpp"

extern char** environ;

namespace ch::helm {

namespace stdfs = std::filesystem;

namespace {

// Largest keyring file read (GnuPG's own keyrings of thousands of keys stay far below).
constexpr std::uint64_t kMaxKeyringSize = 64 * 1024 * 1024;

void init_gpgme() {
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    if (gpgme_check_version(nullptr) == nullptr) {
      failure = "GPGME could not be initialised";
      return;
    }
    if (gpgme_err_code(gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP)) != GPG_ERR_NO_ERROR)
      failure = "GnuPG (gpg) is not installed or too old for GPGME";
  });
  if (!failure.empty()) throw Error(ErrorCode::kInternal, failure);
}

std::string gpg_message(gpgme_error_t err) {
  char buf[256];
  gpgme_strerror_r(err, buf, sizeof buf);
  return buf;
}

void check(gpgme_error_t err, const std::string& what) {
  if (gpgme_err_code(err) != GPG_ERR_NO_ERROR)
    throw Error(ErrorCode::kInternal, what + ": " + gpg_message(err));
}

struct DataDeleter {
  void operator()(gpgme_data_t d) const { gpgme_data_release(d); }
};
using Data = std::unique_ptr<gpgme_data, DataDeleter>;

struct KeyDeleter {
  void operator()(gpgme_key_t k) const { gpgme_key_unref(k); }
};
using Key = std::unique_ptr<_gpgme_key, KeyDeleter>;

Data data_from(std::string_view bytes) {
  gpgme_data_t d = nullptr;
  check(gpgme_data_new_from_mem(&d, bytes.data(), bytes.size(), 0), "gpgme_data_new_from_mem");
  return Data(d);
}

Data empty_data() {
  gpgme_data_t d = nullptr;
  check(gpgme_data_new(&d), "gpgme_data_new");
  return Data(d);
}

// The bytes written into `d` (which is released).
std::string take(Data d) {
  size_t size = 0;
  char* mem = gpgme_data_release_and_get_mem(d.release(), &size);
  std::string out(mem == nullptr ? "" : std::string(mem, size));
  gpgme_free(mem);
  return out;
}

// Runs `gpgconf --homedir <home> --kill gpg-agent` (output discarded) and waits for it.
void kill_agent(const std::string& home) {
  const char* gpgconf = gpgme_get_dirinfo("gpgconf-name");
  if (gpgconf == nullptr) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string a0 = gpgconf, a1 = "--homedir", a2 = home, a3 = "--kill", a4 = "gpg-agent";
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, gpgconf, &actions, nullptr, argv, environ) == 0) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  posix_spawn_file_actions_destroy(&actions);
}

gpgme_error_t passphrase_cb(void* hook, const char*, const char*, int prev_was_bad, int fd);

}  // namespace

struct PgpKeyring::Impl {
  std::string home;
  gpgme_ctx_t ctx = nullptr;
  bool agent_used = false;
  Key signer;
  std::string signer_name;
  std::optional<std::string> passphrase;
  bool passphrase_asked = false;
  bool passphrase_rejected = false;

  ~Impl() {
    if (ctx != nullptr) gpgme_release(ctx);
    signer.reset();
    if (home.empty()) return;
    if (agent_used) kill_agent(home);
    // The agent may still be removing its sockets while it exits; remove_all stops at an
    // entry that vanished under it, so it is tried again.
    for (int attempt = 0; attempt < 50; ++attempt) {
      std::error_code ec;
      stdfs::remove_all(home, ec);
      if (!stdfs::exists(home, ec)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
};

namespace {

gpgme_error_t passphrase_cb(void* hook, const char*, const char*, int prev_was_bad, int fd) {
  auto* impl = static_cast<PgpKeyring::Impl*>(hook);
  impl->passphrase_asked = true;
  if (prev_was_bad) impl->passphrase_rejected = true;
  if (!impl->passphrase || prev_was_bad) return gpgme_error(GPG_ERR_CANCELED);
  std::string line = *impl->passphrase + "\n";
  if (gpgme_io_writen(fd, line.data(), line.size()) != 0) return gpgme_error(GPG_ERR_CANCELED);
  return 0;
}

}  // namespace

PgpKeyring::PgpKeyring(const stdfs::path& keyring_file) : impl_(new Impl) {
  std::unique_ptr<Impl> guard(impl_);
  std::error_code ec;
  if (!stdfs::exists(keyring_file, ec))
    throw Error(ErrorCode::kNotFound,
                "open " + keyring_file.string() + ": no such file or directory");
  std::string keys = fs::read_file(keyring_file, kMaxKeyringSize);
  init_gpgme();

  // The private home: 0700, under $TMPDIR (short paths: gpg-agent's socket lives there when
  // /run/user/<uid> does not exist).
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/ch-gpg-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) throw_errno("mkdtemp " + templ);
  impl_->home = templ;
  const stdfs::path home = impl_->home;
  fs::write_file_atomic(home / "gpg.conf",
                        "digest-algo SHA512\npersonal-digest-preferences SHA512\n"
                        "no-auto-key-retrieve\nno-auto-key-locate\n",
                        0600);
  fs::write_file_atomic(home / "gpg-agent.conf", "allow-loopback-pinentry\n", 0600);

  check(gpgme_new(&impl_->ctx), "gpgme_new");
  gpgme_ctx_t ctx = impl_->ctx;
  check(gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP), "gpgme_set_protocol");
  check(gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, nullptr, impl_->home.c_str()),
        "gpgme_ctx_set_engine_info");
  gpgme_set_armor(ctx, 1);
  gpgme_set_textmode(ctx, 1);
  gpgme_set_offline(ctx, 1);
  check(gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK), "gpgme_set_pinentry_mode");
  gpgme_set_passphrase_cb(ctx, passphrase_cb, impl_);

  if (is_keybox(keys)) {
    // A keybox is GnuPG's own store: gpg reads it in place as the home's public keyring.
    fs::write_file_atomic(home / "pubring.kbx", keys, 0600);
  } else {
    Data in = data_from(keys);
    gpgme_error_t err = gpgme_op_import(ctx, in.get());
    gpgme_import_result_t r = gpgme_op_import_result(ctx);
    if (r != nullptr && r->secret_read > 0) impl_->agent_used = true;  // gpg-agent holds them
    if (gpgme_err_code(err) != GPG_ERR_NO_ERROR || r == nullptr || r->considered == 0 ||
        (r->imported == 0 && r->unchanged == 0 && r->secret_imported == 0 &&
         r->secret_unchanged == 0))
      throw Error(ErrorCode::kInvalidArgument,
                  "openpgp: invalid data: " + keyring_file.string() +
                      " holds no OpenPGP keys (a keyring file, an armored export or a keybox)");
  }
  guard.release();
}

PgpKeyring::~PgpKeyring() {
  delete impl_;
}

void PgpKeyring::select_signer(std::string_view name) {
  gpgme_ctx_t ctx = impl_->ctx;
  std::vector<KeyIdentities> ids;
  std::vector<Key> keys;
  check(gpgme_op_keylist_start(ctx, nullptr, 0), "gpgme_op_keylist_start");
  for (;;) {
    gpgme_key_t k = nullptr;
    if (gpgme_op_keylist_next(ctx, &k) != 0) break;
    Key key(k);
    KeyIdentities id;
    id.fingerprint = k->fpr != nullptr ? k->fpr : "";
    for (gpgme_user_id_t u = k->uids; u != nullptr; u = u->next)
      if (u->uid != nullptr) id.uids.emplace_back(u->uid);
    ids.push_back(std::move(id));
    keys.push_back(std::move(key));
  }
  gpgme_op_keylist_end(ctx);
  int chosen = choose_signing_key(ids, name);
  if (chosen < 0) throw Error(ErrorCode::kInvalidArgument, "private key not found");
  gpgme_key_t secret = nullptr;
  gpgme_error_t err = gpgme_get_key(ctx, ids[chosen].fingerprint.c_str(), &secret, 1);
  if (gpgme_err_code(err) != GPG_ERR_NO_ERROR || secret == nullptr)
    throw Error(ErrorCode::kInvalidArgument,
                "provided key is not a private key. Try providing a keyring with secret keys");
  impl_->signer.reset(secret);
  impl_->signer_name = ids[chosen].uids.empty() ? ids[chosen].fingerprint : ids[chosen].uids[0];
}

std::string PgpKeyring::clear_sign(std::string_view text,
                                   const std::optional<std::string>& passphrase) {
  if (!impl_->signer) throw Error(ErrorCode::kInvalidArgument, "private key not found");
  gpgme_ctx_t ctx = impl_->ctx;
  impl_->passphrase = passphrase;
  impl_->passphrase_asked = impl_->passphrase_rejected = false;
  impl_->agent_used = true;
  gpgme_signers_clear(ctx);
  check(gpgme_signers_add(ctx, impl_->signer.get()), "gpgme_signers_add");
  Data in = data_from(text);
  Data out = empty_data();
  gpgme_error_t err = gpgme_op_sign(ctx, in.get(), out.get(), GPGME_SIG_MODE_CLEAR);
  if (gpgme_err_code(err) != GPG_ERR_NO_ERROR) {
    const std::string key = "the key \"" + impl_->signer_name + "\"";
    if (impl_->passphrase_rejected || gpgme_err_code(err) == GPG_ERR_BAD_PASSPHRASE)
      throw Error(ErrorCode::kUnauthorized,
                  "wrong passphrase: " + key + " could not be unlocked with it");
    if (impl_->passphrase_asked && !impl_->passphrase)
      throw Error(ErrorCode::kUnauthorized,
                  key + " is protected by a passphrase: give it with --passphrase-file");
    throw Error(ErrorCode::kInvalidArgument,
                "failed to sign with " + key + ": " + gpg_message(err));
  }
  gpgme_sign_result_t r = gpgme_op_sign_result(ctx);
  if (r == nullptr || r->signatures == nullptr || r->invalid_signers != nullptr)
    throw Error(ErrorCode::kInvalidArgument,
                "failed to sign with the key \"" + impl_->signer_name + "\"");
  return take(std::move(out));
}

PgpVerified PgpKeyring::verify_clear(std::string_view message) {
  if (!has_signed_message(message))
    throw Error(ErrorCode::kUnauthorized, "signature block not found");
  gpgme_ctx_t ctx = impl_->ctx;
  Data sig = data_from(message);
  Data plain = empty_data();
  gpgme_error_t err = gpgme_op_verify(ctx, sig.get(), nullptr, plain.get());
  if (gpgme_err_code(err) == GPG_ERR_NO_DATA)
    throw Error(ErrorCode::kUnauthorized, "signature block not found");
  if (gpgme_err_code(err) != GPG_ERR_NO_ERROR)
    throw Error(ErrorCode::kUnauthorized, "openpgp: invalid signature: " + gpg_message(err));
  gpgme_verify_result_t r = gpgme_op_verify_result(ctx);
  if (r == nullptr || r->signatures == nullptr)
    throw Error(ErrorCode::kUnauthorized, "signature block not found");
  if (r->signatures->next != nullptr)
    throw Error(ErrorCode::kUnauthorized,
                "openpgp: more than one signature: a provenance file holds exactly one");
  gpgme_signature_t s = r->signatures;
  switch (gpgme_err_code(s->status)) {
    case GPG_ERR_NO_ERROR:
      break;
    case GPG_ERR_NO_PUBKEY:
      throw Error(ErrorCode::kUnauthorized, "openpgp: signature made by unknown entity");
    case GPG_ERR_BAD_SIGNATURE:
      throw Error(ErrorCode::kUnauthorized,
                  "openpgp: invalid signature: the signature does not match the signed text");
    case GPG_ERR_KEY_EXPIRED:
      throw Error(ErrorCode::kUnauthorized, "openpgp: key expired");
    case GPG_ERR_SIG_EXPIRED:
      throw Error(ErrorCode::kUnauthorized, "openpgp: signature expired");
    case GPG_ERR_CERT_REVOKED:
      throw Error(ErrorCode::kUnauthorized, "openpgp: signature made by revoked key");
    default:
      throw Error(ErrorCode::kUnauthorized,
                  "openpgp: invalid signature: " + gpg_message(s->status));
  }
  if ((s->summary & GPGME_SIGSUM_KEY_REVOKED) != 0)
    throw Error(ErrorCode::kUnauthorized, "openpgp: signature made by revoked key");
  if ((s->summary & GPGME_SIGSUM_KEY_EXPIRED) != 0)
    throw Error(ErrorCode::kUnauthorized, "openpgp: key expired");
  if ((s->summary & GPGME_SIGSUM_SIG_EXPIRED) != 0)
    throw Error(ErrorCode::kUnauthorized, "openpgp: signature expired");
  if (s->fpr == nullptr)
    throw Error(ErrorCode::kUnauthorized, "openpgp: signature made by unknown entity");

  PgpVerified out;
  out.plaintext = take(std::move(plain));
  gpgme_key_t k = nullptr;
  err = gpgme_get_key(ctx, s->fpr, &k, 0);
  if (gpgme_err_code(err) != GPG_ERR_NO_ERROR || k == nullptr)
    throw Error(ErrorCode::kUnauthorized, "openpgp: signature made by unknown entity");
  Key key(k);
  out.fingerprint = k->fpr != nullptr ? k->fpr : s->fpr;
  for (gpgme_user_id_t u = k->uids; u != nullptr; u = u->next)
    if (u->uid != nullptr && !u->revoked && !u->invalid) out.uids.emplace_back(u->uid);
  return out;
}

}  // namespace ch::helm
