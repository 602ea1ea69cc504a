// Tar archives written byte by byte for tests that need what no archiver writes (hostile
// names, sizes and types): one ustar header block, and data padded to whole blocks.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>

namespace ch::testing {

// One ustar header block for `name` (cut at 100 bytes), `size` and entry `type` ('0' file,
// '5' directory, '2' symlink, ...), mode 0644, mtime 1700000000, with its checksum.
inline std::string tar_header(const std::string& name, std::size_t size, char type = '0') {
  std::string h(512, '\0');
  h.replace(0, std::min<std::size_t>(name.size(), 100), name.substr(0, 100));
  auto octal = [&](std::size_t off, std::size_t len, unsigned long long v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1), v);
    h.replace(off, len - 1, buf);
  };
  octal(100, 8, 0644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 1700000000);
  h.replace(148, 8, "        ");
  h[156] = type;
  h.replace(257, 6, std::string("ustar\0", 6));
  h.replace(263, 2, "00");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  char chk[8];
  std::snprintf(chk, sizeof chk, "%06o", sum);
  h.replace(148, 7, std::string(chk, 6) + '\0');
  return h;
}

// `data` followed by zeros up to the next 512-byte block.
inline std::string tar_padded(const std::string& data) {
  return data + std::string((512 - data.size() % 512) % 512, '\0');
}

}  // namespace ch::testing
