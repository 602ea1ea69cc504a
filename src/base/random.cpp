#include "base/random.hpp"

#include <openssl/rand.h>

#include <random>

#include "base/error.hpp"

namespace ch {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void random_bytes(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1)
    throw Error(ErrorCode::kInternal, "no randomness available (RAND_bytes failed)");
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  random_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes);
  std::string out;
  out.reserve(2 * bytes);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string random_uuid() {
  unsigned char b[16];
  random_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 15];
  }
  return s;
}

std::string temp_suffix(std::size_t chars) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string s(chars, '0');
  for (auto& c : s) c = kHex[rng() % 16];
  return s;
}

}  // namespace ch
