#include "base/digest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"

namespace ch {

std::string_view algorithm_name(DigestAlgorithm a) {
  return a == DigestAlgorithm::kSha256 ? "sha256" : "sha512";
}

size_t hex_length(DigestAlgorithm a) {
  return a == DigestAlgorithm::kSha256 ? 64 : 128;
}

namespace {

std::string validate(std::string_view text, Digest* out) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return "missing ':' between algorithm and hex";
  auto algo = text.substr(0, colon);
  auto hex = text.substr(colon + 1);
  DigestAlgorithm a;
  if (algo == "sha256") {
    a = DigestAlgorithm::kSha256;
  } else if (algo == "sha512") {
    a = DigestAlgorithm::kSha512;
  } else {
    return "unsupported digest algorithm \"" + std::string(algo) + "\"";
  }
  for (char c : hex) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!ok) return "digest hex must be lowercase hexadecimal";
  }
  if (hex.size() != hex_length(a)) {
    return std::string(algo) + " digest must have " + std::to_string(hex_length(a)) +
           " hex characters, got " + std::to_string(hex.size());
  }
  if (out != nullptr) {
    out->algorithm = a;
    out->hex = std::string(hex);
  }
  return {};
}

}  // namespace

Digest Digest::parse(std::string_view text) {
  Digest d;
  auto problem = validate(text, &d);
  if (!problem.empty())
    throw Error(ErrorCode::kInvalidArgument,
                "invalid digest \"" + std::string(text) + "\": " + problem);
  return d;
}

bool Digest::is_valid(std::string_view text) noexcept {
  try {
    return validate(text, nullptr).empty();
  } catch (...) {
    return false;
  }
}

std::string Digest::str() const {
  return std::string(algorithm_name(algorithm)) + ":" + hex;
}

struct Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Hasher::Hasher(DigestAlgorithm a) : algorithm_(a), ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  const EVP_MD* md = a == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, md, nullptr) != 1)
    throw Error(ErrorCode::kInternal, "cannot initialise the digest context");
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, size_t size) {
  if (size == 0) return;
  if (EVP_DigestUpdate(ctx_->md, data, size) != 1)
    throw Error(ErrorCode::kInternal, "digest update failed");
  bytes_ += size;
}

Digest Hasher::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md, out, &len) != 1)
    throw Error(ErrorCode::kInternal, "digest finish failed");
  static const char* kHex = "0123456789abcdef";
  Digest d;
  d.algorithm = algorithm_;
  d.hex.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    d.hex.push_back(kHex[out[i] >> 4]);
    d.hex.push_back(kHex[out[i] & 15]);
  }
  return d;
}

Digest digest_of(std::string_view data, DigestAlgorithm a) {
  Hasher h(a);
  h.update(data);
  return h.finish();
}

namespace {

template <typename Fn>
void read_fd_chunks(int fd, const std::filesystem::path& path, Fn&& fn) {
  std::string buf(1 << 17, '\0');
  while (true) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read " + path.string());
    }
    if (n == 0) break;
    fn(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Digest digest_of_file(const std::filesystem::path& path, DigestAlgorithm a) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw_errno("open " + path.string());
  Hasher h(a);
  read_fd_chunks(f.fd, path, [&](std::string_view c) { h.update(c); });
  return h.finish();
}

Digest digest_of_stream(std::istream& in, DigestAlgorithm a) {
  Hasher h(a);
  std::string buf(1 << 16, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw Error(ErrorCode::kIo, "read error while hashing a stream");
  return h.finish();
}

VerifyingSink::VerifyingSink(Digest expected, Sink sink, std::int64_t expected_size)
    : expected_(std::move(expected)),
      sink_(std::move(sink)),
      expected_size_(expected_size),
      hasher_(expected_.algorithm) {}

void VerifyingSink::write(std::string_view chunk) {
  if (expected_size_ >= 0 &&
      hasher_.bytes() + chunk.size() > static_cast<std::uint64_t>(expected_size_)) {
    throw Error(ErrorCode::kTooLarge, "content of " + expected_.str() + " is larger than the " +
                                          std::to_string(expected_size_) + " bytes expected");
  }
  hasher_.update(chunk);
  if (sink_) sink_(chunk);
}

void VerifyingSink::finish() {
  if (expected_size_ >= 0 && hasher_.bytes() != static_cast<std::uint64_t>(expected_size_)) {
    throw Error(ErrorCode::kInvalidArgument, "content of " + expected_.str() + " is short: got " +
                                                 std::to_string(hasher_.bytes()) + " of " +
                                                 std::to_string(expected_size_) + " bytes");
  }
  Digest got = hasher_.finish();
  if (got != expected_)
    throw Error(ErrorCode::kDigestMismatch,
                "digest mismatch: expected " + expected_.str() + ", got " + got.str());
}

void verify_file(const std::filesystem::path& path, const Digest& expected) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw_errno("open " + path.string());
  VerifyingSink v(expected, nullptr);
  read_fd_chunks(f.fd, path, [&](std::string_view c) { v.write(c); });
  v.finish();
}

}  // namespace ch
