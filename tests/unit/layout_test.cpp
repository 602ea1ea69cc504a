// Tests of server/store/layout.cpp: where the registry keeps blobs and uploads on disk.
#include "server/store/layout.hpp"

#include <gtest/gtest.h>

#include <string>

#include "base/error.hpp"

namespace ch {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(StoreLayout, ContentAddressedPaths) {
  auto p = server::store::blob_path("/data", Digest::parse(kDigest));
  EXPECT_EQ(p, "/data/blobs/sha256/aa/" + std::string(64, 'a'));
  EXPECT_EQ(server::store::upload_path("/data", "0123abcd-ef"), "/data/uploads/0123abcd-ef");
  EXPECT_THROW(server::store::upload_path("/data", "../x"), Error);
  EXPECT_THROW(server::store::upload_path("/data", ""), Error);
}

TEST(StoreLayout, BlobPathsNameTheAlgorithm) {
  std::string hex512 = "cf83" + std::string(124, '0');
  EXPECT_EQ(server::store::blob_path("/r", Digest::parse("sha512:" + hex512)),
            "/r/blobs/sha512/cf/" + hex512);
  std::string hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  EXPECT_EQ(server::store::blob_path("rel/dir", Digest::parse("sha256:" + hex)),
            "rel/dir/blobs/sha256/01/" + hex);
}

TEST(StoreLayout, UploadIdsAreHexAndHyphensOnly) {
  using server::store::upload_path;
  EXPECT_EQ(upload_path("/d", "0123456789abcdef0123456789abcdef"),
            "/d/uploads/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(upload_path("/d", "01234567-89ab-4def-8123-456789abcdef"),
            "/d/uploads/01234567-89ab-4def-8123-456789abcdef");
  EXPECT_EQ(upload_path("/d", std::string(36, 'f')), "/d/uploads/" + std::string(36, 'f'));
  for (const std::string& bad :
       {std::string(37, 'f'), std::string("ABCDEF"), std::string("abc/def"), std::string(".."),
        std::string("."), std::string("a.b"), std::string("a b"), std::string("g"),
        std::string("ab\0cd", 5), std::string("%2e%2e")}) {
    try {
      upload_path("/d", bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      // (what() is a C string: the id with a NUL reads as far as the NUL.)
      EXPECT_STREQ(e.what(), ("invalid upload id \"" + bad + "\"").c_str());
    }
  }
}

}  // namespace
}  // namespace ch
