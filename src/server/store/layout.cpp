#include "server/store/layout.hpp"

#include "base/error.hpp"

namespace ch::server::store {

std::filesystem::path blob_path(const std::filesystem::path& root, const Digest& digest) {
  return root / "blobs" / std::string(algorithm_name(digest.algorithm)) / digest.hex.substr(0, 2) /
         digest.hex;
}

std::filesystem::path upload_path(const std::filesystem::path& root, std::string_view uuid) {
  if (uuid.empty() || uuid.size() > 36)
    throw Error(ErrorCode::kInvalidArgument, "invalid upload id \"" + std::string(uuid) + "\"");
  for (char c : uuid) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
    if (!ok)
      throw Error(ErrorCode::kInvalidArgument, "invalid upload id \"" + std::string(uuid) + "\"");
  }
  return root / "uploads" / std::string(uuid);
}

}  // namespace ch::server::store
