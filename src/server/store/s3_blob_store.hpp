// BlobStore on S3-compatible object storage (scale-out: every node serves the same bucket).
//
// Layout under the bucket's prefix, content-addressed as on disk:
//   blobs/<alg>/<2 hex>/<hex>      a verified blob, written once
//   uploads/<id>/state             a session's state (JSON): repository, algorithm, size, the
//                                  hash's intermediate state, the multipart upload and its parts
//   uploads/<id>/tail              bytes received but not yet in a part (< one part)
//   uploads/<id>/data              the multipart upload's object until it is verified
//
// Uploads stream: bytes are hashed as they arrive and go out in parts of kPartSize through
// an S3 multipart upload, so at most one part per session is held in memory. A session is
// resumable on any node: every request resumes it from uploads/<id>/state and suspend()
// writes the state back, hash state included, so a POST on one node, PATCHes on two others
// and the closing PUT on a fourth give the same blob. Commit checks the digest before
// anything is written at the blob's address: a small blob is PUT there directly, a large one
// is completed at uploads/<id>/data and copied (server-side) into place.
//
// Clients of one session must not send two requests at once (the registry API serialises a
// session); two nodes writing one session concurrently could lose a chunk, never corrupt a
// blob (the digest check at commit refuses the result).
#pragma once

#include <chrono>
#include <memory>

#include "server/store/blob_store.hpp"
#include "server/store/s3_client.hpp"

namespace ch::server::store {

struct S3BlobStoreOptions {
  S3Config s3;
  // GET answers 307 to a presigned URL valid this long (0: stream through the node).
  std::chrono::seconds redirect_expiry{0};
  std::size_t part_size = 8 << 20;  // multipart part size (S3's minimum is 5 MiB)
};

// Checks the bucket (Error with a clear message on wrong credentials or a missing bucket).
std::unique_ptr<BlobStore> open_s3_blob_store(S3BlobStoreOptions options);

}  // namespace ch::server::store
