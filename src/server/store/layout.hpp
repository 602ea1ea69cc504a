// Where the registry keeps things on disk (docs/architecture.md, "The storage seam"):
// content-addressed blobs shared by all repositories, and uploads streamed next to them before the
// rename.
#pragma once

#include <filesystem>
#include <string_view>

#include "base/digest.hpp"

namespace ch::server::store {

// <root>/blobs/<algorithm>/<first 2 hex>/<hex>
std::filesystem::path blob_path(const std::filesystem::path& root, const Digest& digest);

// <root>/uploads/<uuid>; the uuid must be 32 lowercase hex characters or hyphenated form.
std::filesystem::path upload_path(const std::filesystem::path& root, std::string_view uuid);

}  // namespace ch::server::store
