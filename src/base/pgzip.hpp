// A gzip writer that compresses independent 1 MiB blocks on several threads (pigz's
// scheme: each block primed with the previous 32 KiB as dictionary, ended with a sync
// flush), so compressing large archives scales with cores. The output is one standard
// gzip member and depends only on the input, never on thread timing.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ch {

struct GzipHeader {
  std::string extra;    // FEXTRA bytes (empty: none)
  std::string comment;  // FCOMMENT text without the NUL (empty: none)
  unsigned char os = 255;
};

class ParallelGzip {
 public:
  using Sink = std::function<void(std::string_view)>;
  // threads = 0: one per core. level as zlib's (6 is gzip's default).
  ParallelGzip(Sink sink, GzipHeader header, unsigned threads = 0, int level = 6);
  ~ParallelGzip();
  ParallelGzip(const ParallelGzip&) = delete;
  ParallelGzip& operator=(const ParallelGzip&) = delete;

  void write(std::string_view data);
  // Compresses what is left and writes the trailer. Rethrows a sink or zlib failure.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ch
