// Chart archives (.tgz) from anywhere -- a registry layer, a repository, charts/ of another
// chart: ch::helm::load_archive (libarchive gzip + tar, Helm's path and size rules,
// Chart.yaml, Chart.lock, values, subcharts).
//
// Random bytes rarely survive gzip's CRC and tar's header checksums, so a custom mutator works
// on the tar inside: it gunzips the input, lets libFuzzer mutate the tar, fixes every tar
// header checksum it can find and gzips the result again. One mutation in four is left on the
// compressed bytes so the gzip layer is fuzzed too (CH_FUZZ_TAR_ONLY=1 turns that off).
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>

#include "fuzz.hpp"
#include "helm/loader.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

constexpr std::size_t kMaxTar = 1 << 20;  // mutate tars up to 1 MiB uncompressed

bool gunzip(const std::uint8_t* data, std::size_t size, std::string* out) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return false;
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  out->clear();
  char buf[16384];
  int r;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    r = inflate(&z, Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END) break;
    out->append(buf, sizeof buf - z.avail_out);
  } while (r != Z_STREAM_END && out->size() <= kMaxTar);
  inflateEnd(&z);
  return r == Z_STREAM_END && out->size() <= kMaxTar;
}

bool gzip(const std::string& in, std::uint8_t* out, std::size_t max, std::size_t* size) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out;
  z.avail_out = static_cast<uInt>(max);
  int r = deflate(&z, Z_FINISH);
  *size = max - z.avail_out;
  deflateEnd(&z);
  return r == Z_STREAM_END;
}

// Octal number of a tar header field (NUL/space terminated); -1 when not a number.
long long octal(const char* p, std::size_t n) {
  long long v = 0;
  std::size_t i = 0;
  while (i < n && p[i] == ' ') ++i;
  if (i == n || p[i] < '0' || p[i] > '7') return -1;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) v = v * 8 + (p[i] - '0');
  return v;
}

// Walks the headers of a ustar/GNU tar and rewrites each checksum (bytes 148..155).
void fix_checksums(std::string& tar) {
  std::size_t off = 0;
  while (off + 512 <= tar.size()) {
    char* h = tar.data() + off;
    if (std::all_of(h, h + 512, [](char c) { return c == 0; })) break;
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += static_cast<unsigned char>(h[i]);
    std::snprintf(h + 148, 8, "%06o", sum & 0777777);
    h[155] = ' ';
    long long size = octal(h + 124, 12);
    if (size < 0 || size > static_cast<long long>(tar.size())) break;
    off += 512 + ((static_cast<std::size_t>(size) + 511) / 512) * 512;
  }
}

// Whether a '/'-separated path has a ".." component.
bool has_dotdot(std::string_view path) {
  while (true) {
    std::string_view head, rest;
    std::tie(head, rest) = ch::fuzz::split_once(path, '/');
    if (head == "..") return true;
    if (rest.empty() && path.find('/') == std::string_view::npos) return false;
    path = rest;
  }
}

// CH_FUZZ_TAR_ONLY=1: every mutation goes through the tar (the gzip stays valid).
bool tar_only() {
  static const bool only = [] {
    const char* v = std::getenv("CH_FUZZ_TAR_ONLY");
    return v != nullptr && v[0] == '1';
  }();
  return only;
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  std::string tar;
  if ((tar_only() || rng() % 4 != 0) && gunzip(data, size, &tar)) {
    std::size_t plain = tar.size();
    tar.resize(std::min(kMaxTar, plain + plain / 4 + 1024));
    plain = LLVMFuzzerMutate(reinterpret_cast<std::uint8_t*>(tar.data()), plain, tar.size());
    tar.resize(plain);
    if (rng() % 8 != 0) fix_checksums(tar);
    std::size_t out = 0;
    if (gzip(tar, data, max_size, &out)) return out;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);

  ch::helm::Chart chart;
  if (ch::fuzz::refuses([&] { chart = ch::helm::load_archive(in); })) return 0;

  // A loaded chart has validated metadata; walk subcharts iteratively.
  std::vector<const ch::helm::Chart*> todo{&chart};
  while (!todo.empty()) {
    const ch::helm::Chart* c = todo.back();
    todo.pop_back();
    CH_FUZZ_CHECK(!c->metadata.name.empty());
    ch::fuzz::refuses([&] { c->metadata.to_json(); });
    if (c->lock) ch::fuzz::refuses([&] { c->lock->to_yaml(); });
    for (const auto& f : c->raw) {
      CH_FUZZ_CHECK(!f.name.empty() && f.name.front() != '/');
      CH_FUZZ_CHECK(!has_dotdot(f.name));
      CH_FUZZ_CHECK(f.data.size() <= static_cast<std::size_t>(ch::helm::kMaxFileSize));
    }
    for (const auto& sub : c->subcharts) todo.push_back(&sub);
  }
  return 0;
}
