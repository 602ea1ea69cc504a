// Tests of base/pgzip.cpp: parallel gzip, byte-identical whatever the threads.
#include "base/pgzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

namespace ch {
namespace {

std::string gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out;
  char buf[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int r = Z_OK;
  while (r == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    r = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  EXPECT_EQ(r, Z_STREAM_END) << "gzip stream did not end cleanly";
  EXPECT_EQ(z.avail_in, 0u) << "bytes after the gzip member";
  inflateEnd(&z);
  return out;
}

std::string gz_compress(const std::string& data, unsigned threads, size_t piece = 7777) {
  std::string out;
  GzipHeader h;
  h.extra = std::string("xx\x02\0ab", 6);
  h.comment = "Helm";
  ParallelGzip gz([&](std::string_view d) { out.append(d); }, h, threads);
  for (size_t i = 0; i < data.size(); i += piece) gz.write(std::string_view(data).substr(i, piece));
  gz.finish();
  return out;
}

std::string sample(size_t n) {
  std::mt19937 rng(42);
  std::string s;
  s.reserve(n);
  const char* words[] = {"apiVersion: v2\n", "name: chart\n", "  replicas: 3\n", "image: nginx\n"};
  while (s.size() < n) {
    if (rng() % 3 == 0) {
      s.push_back(static_cast<char>(rng()));
    } else {
      s += words[rng() % 4];
    }
  }
  s.resize(n);
  return s;
}

TEST(ParallelGzip, RoundTripsAtBlockBoundaries) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{32 * 1024}, size_t{1 << 20}, (size_t{1} << 20) + 1,
                   size_t{3 * (1 << 20) + 12345}}) {
    SCOPED_TRACE(n);
    std::string data = sample(n);
    std::string gz = gz_compress(data, 3);
    ASSERT_GE(gz.size(), 18u);
    EXPECT_EQ(gz.substr(0, 4), std::string("\x1f\x8b\x08\x14", 4));
    EXPECT_EQ(gunzip(gz), data);
  }
}

TEST(ParallelGzip, SameBytesWhateverTheThreadCountOrWriteSizes) {
  std::string data = sample(5 * (1 << 20) + 99);
  std::string one = gz_compress(data, 1, 4096);
  EXPECT_EQ(gz_compress(data, 4, 1 << 20), one);
  EXPECT_EQ(gz_compress(data, 2, 333333), one);
}

TEST(ParallelGzip, CompressesAsWellAsSingleStreamGzip) {
  std::string data = sample(4 * (1 << 20));
  std::string ours = gz_compress(data, 2);
  uLongf bound = compressBound(static_cast<uLong>(data.size()));
  std::string plain(bound, '\0');
  compress2(reinterpret_cast<Bytef*>(plain.data()), &bound,
            reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()), 6);
  // Priming each block with the previous 32 KiB keeps the ratio within 1% of one stream.
  EXPECT_LT(static_cast<double>(ours.size()), static_cast<double>(bound) * 1.01);
}

TEST(ParallelGzip, SinkFailurePropagates) {
  int calls = 0;
  ParallelGzip gz(
      [&](std::string_view) {
        if (++calls > 1) throw std::runtime_error("disk full");  // the header goes through
      },
      GzipHeader{}, 2);
  EXPECT_THROW(
      {
        gz.write(sample(3 << 20));
        gz.finish();
      },
      std::runtime_error);
}

}  // namespace
}  // namespace ch
