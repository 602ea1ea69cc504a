// Content digests ("sha256:<64 hex>", "sha512:<128 hex>") over OpenSSL EVP: parsing and
// validation, incremental hashing, and helpers that verify content while it is read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace ch {

enum class DigestAlgorithm { kSha256, kSha512 };

std::string_view algorithm_name(DigestAlgorithm a);  // "sha256" / "sha512"
size_t hex_length(DigestAlgorithm a);                // 64 / 128

struct Digest {
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::string hex;  // lowercase, exactly hex_length(algorithm) characters

  // Parses "algorithm:hex". Throws Error(kInvalidArgument) naming what is wrong: unknown
  // algorithm, upper-case or non-hex characters, wrong length, missing colon.
  static Digest parse(std::string_view text);
  static bool is_valid(std::string_view text) noexcept;

  std::string str() const;  // "sha256:<hex>"
  bool operator==(const Digest&) const = default;
};

// Incremental hashing; finish() may be called once.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm a = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  Digest finish();
  std::uint64_t bytes() const { return bytes_; }
  DigestAlgorithm algorithm() const { return algorithm_; }

 private:
  DigestAlgorithm algorithm_;
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  std::uint64_t bytes_ = 0;
};

Digest digest_of(std::string_view data, DigestAlgorithm a = DigestAlgorithm::kSha256);
Digest digest_of_file(const std::filesystem::path& path,
                      DigestAlgorithm a = DigestAlgorithm::kSha256);
Digest digest_of_stream(std::istream& in, DigestAlgorithm a = DigestAlgorithm::kSha256);

// Hashes everything passed through it and, at finish(), checks the total size (when one
// was expected) and the digest. Use it between a source and a sink so content is verified
// in the same pass that stores it.
class VerifyingSink {
 public:
  using Sink = std::function<void(std::string_view)>;
  VerifyingSink(Digest expected, Sink sink, std::int64_t expected_size = -1);

  void write(std::string_view chunk);  // throws kTooLarge past the expected size
  void finish();                       // throws kDigestMismatch or kInvalidArgument (short content)

 private:
  Digest expected_;
  Sink sink_;
  std::int64_t expected_size_;
  Hasher hasher_;
};

// Reads a file and checks it against `expected` without holding it in memory.
void verify_file(const std::filesystem::path& path, const Digest& expected);

}  // namespace ch
