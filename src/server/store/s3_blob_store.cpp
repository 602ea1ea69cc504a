#include "server/store/s3_blob_store.hpp"

#include <openssl/sha.h>

#include <cstring>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/base64.hpp"
#include "base/error.hpp"

namespace ch::server::store {

namespace {

// A hash whose intermediate state can be written down and taken up again on another node
// (EVP contexts cannot be exported, the low-level contexts are plain structs). All nodes run
// the same build, so the struct's bytes mean the same everywhere.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
class ResumableHash {
 public:
  explicit ResumableHash(DigestAlgorithm a) : algorithm_(a) {
    if (a == DigestAlgorithm::kSha256)
      SHA256_Init(&sha256_);
    else
      SHA512_Init(&sha512_);
  }
  void update(std::string_view data) {
    if (algorithm_ == DigestAlgorithm::kSha256)
      SHA256_Update(&sha256_, data.data(), data.size());
    else
      SHA512_Update(&sha512_, data.data(), data.size());
  }
  std::string state() const {
    return algorithm_ == DigestAlgorithm::kSha256
               ? std::string(reinterpret_cast<const char*>(&sha256_), sizeof sha256_)
               : std::string(reinterpret_cast<const char*>(&sha512_), sizeof sha512_);
  }
  bool restore(std::string_view bytes) {
    if (algorithm_ == DigestAlgorithm::kSha256) {
      if (bytes.size() != sizeof sha256_) return false;
      std::memcpy(&sha256_, bytes.data(), sizeof sha256_);
    } else {
      if (bytes.size() != sizeof sha512_) return false;
      std::memcpy(&sha512_, bytes.data(), sizeof sha512_);
    }
    return true;
  }
  Digest finish() {
    unsigned char md[SHA512_DIGEST_LENGTH];
    std::size_t n = 0;
    if (algorithm_ == DigestAlgorithm::kSha256) {
      SHA256_Final(md, &sha256_);
      n = SHA256_DIGEST_LENGTH;
    } else {
      SHA512_Final(md, &sha512_);
      n = SHA512_DIGEST_LENGTH;
    }
    static const char* digits = "0123456789abcdef";
    Digest d;
    d.algorithm = algorithm_;
    for (std::size_t i = 0; i < n; ++i) {
      d.hex += digits[md[i] >> 4];
      d.hex += digits[md[i] & 15];
    }
    return d;
  }

 private:
  DigestAlgorithm algorithm_;
  SHA256_CTX sha256_{};
  SHA512_CTX sha512_{};
};
#pragma GCC diagnostic pop

std::string blob_key(const Digest& d) {
  return "blobs/" + std::string(algorithm_name(d.algorithm)) + "/" + d.hex.substr(0, 2) + "/" +
         d.hex;
}

bool valid_session_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) return false;
  return true;
}

std::string session_key(const std::string& id, const char* what) {
  return "uploads/" + id + "/" + what;
}

// What suspend() writes to uploads/<id>/state.
struct SessionState {
  std::string repository;
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::uint64_t size = 0;
  std::string hash;                // ResumableHash::state()
  std::string multipart;           // upload id of uploads/<id>/data, "" before the first part
  std::vector<std::string> parts;  // ETags, part i+1 at index i
  std::uint64_t tail = 0;          // bytes in uploads/<id>/tail

  std::string to_json() const {
    nlohmann::json j = {{"version", 1},
                        {"repository", repository},
                        {"algorithm", std::string(algorithm_name(algorithm))},
                        {"size", size},
                        {"hash", base64_encode(hash)},
                        {"multipart", multipart},
                        {"parts", parts},
                        {"tail", tail}};
    return j.dump();
  }
  static std::optional<SessionState> from_json(const std::string& text) {
    try {
      auto j = nlohmann::json::parse(text);
      if (j.at("version").get<int>() != 1) return std::nullopt;
      SessionState s;
      s.repository = j.at("repository").get<std::string>();
      std::string alg = j.at("algorithm").get<std::string>();
      if (alg == "sha256")
        s.algorithm = DigestAlgorithm::kSha256;
      else if (alg == "sha512")
        s.algorithm = DigestAlgorithm::kSha512;
      else
        return std::nullopt;
      s.size = j.at("size").get<std::uint64_t>();
      auto hash = base64_decode(j.at("hash").get<std::string>());
      if (!hash) return std::nullopt;
      s.hash = std::move(*hash);
      s.multipart = j.at("multipart").get<std::string>();
      s.parts = j.at("parts").get<std::vector<std::string>>();
      s.tail = j.at("tail").get<std::uint64_t>();
      return s;
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
  }
};

class S3Upload final : public Upload {
 public:
  // `resumed`: the session exists in the store (destroying this handle keeps it).
  S3Upload(S3Client& s3, std::size_t part_size, std::string id, SessionState state,
           std::string tail, bool resumed)
      : s3_(s3),
        part_size_(part_size),
        id_(std::move(id)),
        state_(std::move(state)),
        hash_(state_.algorithm),
        pending_(std::move(tail)),
        kept_(resumed) {
    if (!state_.hash.empty() && !hash_.restore(state_.hash))
      throw Error(ErrorCode::kIo, "upload " + id_ + ": unreadable hash state");
  }
  ~S3Upload() override {
    if (!done_ && !kept_) {
      try {
        cancel();
      } catch (...) {
      }
    }
  }

  std::uint64_t size() const override { return state_.size; }

  void append(std::string_view data) override {
    check_open();
    hash_.update(data);
    state_.size += data.size();
    pending_.append(data);
    while (pending_.size() >= part_size_) flush_part(part_size_);
  }

  void suspend() override {
    if (done_) return;
    state_.hash = hash_.state();
    state_.tail = pending_.size();
    // The tail first, then the state naming its size: a reader never sees a state whose
    // tail is not there yet.
    if (!pending_.empty()) s3_.put(session_key(id_, "tail"), pending_);
    s3_.put(session_key(id_, "state"), state_.to_json());
    kept_ = true;
  }

  void commit(const Digest& expected) override {
    check_open();
    if (expected.algorithm != state_.algorithm)
      throw Error(ErrorCode::kInvalidArgument, "digest algorithm does not match the upload");
    Digest actual = ResumableHash(hash_).finish();
    if (!(actual == expected)) {
      cancel();
      throw Error(ErrorCode::kDigestMismatch,
                  "upload " + id_ + " has digest " + actual.str() + ", not " + expected.str());
    }
    const std::string key = blob_key(expected);
    if (auto existing = s3_.head(key)) {
      s3_.copy(key, key, *existing);  // a new Last-Modified: collection gives it a new grace
      // The session's own parts are not needed.
      if (!state_.multipart.empty())
        s3_.abort_multipart(session_key(id_, "data"), state_.multipart);
      state_.multipart.clear();
    } else if (state_.multipart.empty()) {
      s3_.put(key, pending_);
    } else {
      if (!pending_.empty()) flush_part(pending_.size());
      const std::string data = session_key(id_, "data");
      s3_.complete_multipart(data, state_.multipart, state_.parts);
      state_.multipart.clear();
      s3_.copy(data, key, state_.size);
      s3_.erase(data);
    }
    cleanup();
    done_ = true;
  }

  void cancel() override {
    if (done_) return;
    done_ = true;
    if (!state_.multipart.empty()) s3_.abort_multipart(session_key(id_, "data"), state_.multipart);
    cleanup();
  }

 private:
  void check_open() const {
    if (done_) throw Error(ErrorCode::kInvalidArgument, "upload " + id_ + " is closed");
  }
  void flush_part(std::size_t n) {
    const std::string data = session_key(id_, "data");
    if (state_.multipart.empty()) state_.multipart = s3_.create_multipart(data);
    int number = static_cast<int>(state_.parts.size()) + 1;
    std::string etag =
        s3_.upload_part(data, state_.multipart, number, std::string_view(pending_).substr(0, n));
    state_.parts.push_back(std::move(etag));
    pending_.erase(0, n);
  }
  void cleanup() {
    s3_.erase(session_key(id_, "tail"));
    s3_.erase(session_key(id_, "state"));
    s3_.erase(session_key(id_, "data"));
  }

  S3Client& s3_;
  std::size_t part_size_;
  std::string id_;
  SessionState state_;
  ResumableHash hash_;
  std::string pending_;
  bool done_ = false;
  bool kept_ = false;  // suspended at least once: the session outlives this object
};

class S3BlobStore final : public BlobStore {
 public:
  explicit S3BlobStore(S3BlobStoreOptions o) : options_(std::move(o)), s3_(options_.s3) {
    if (options_.part_size < (5u << 20))
      throw Error(ErrorCode::kInvalidArgument, "S3 multipart parts must be at least 5 MiB");
    s3_.check_bucket();
  }

  std::optional<std::uint64_t> size_of(const Digest& d) override { return s3_.head(blob_key(d)); }
  std::optional<BlobFile> open(const Digest&) override { return std::nullopt; }
  bool local_files() const override { return false; }

  std::optional<std::string> read(const Digest& d, std::uint64_t max_bytes) override {
    try {
      return s3_.get(blob_key(d), max_bytes);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kTooLarge) return std::nullopt;
      throw;
    }
  }

  std::optional<std::string> read_range(const Digest& d, std::uint64_t offset,
                                        std::uint64_t length) override {
    std::string out;
    out.reserve(static_cast<std::size_t>(length));
    bool found = s3_.get_range(blob_key(d), offset, length, [&](std::string_view piece) {
      if (out.size() + piece.size() > length)
        throw Error(ErrorCode::kIo, "object store sent more than the range asked for");
      out.append(piece);
    });
    if (!found) return std::nullopt;
    return out;
  }

  bool read_stream(const Digest& d, std::uint64_t offset, std::uint64_t length,
                   const std::function<void(std::string_view)>& sink) override {
    bool stopped = false;
    std::uint64_t received = 0;
    try {
      return s3_.get_range(blob_key(d), offset, length, [&](std::string_view piece) {
        if (received + piece.size() > length)
          throw Error(ErrorCode::kIo, "object store sent more than the range asked for");
        received += piece.size();
        try {
          sink(piece);
        } catch (...) {
          stopped = true;
          throw;
        }
      });
    } catch (const Error&) {
      if (stopped) return true;  // the sink stopped it: not the store's failure
      throw;
    }
  }

  std::string redirect_url(const Digest& d) override {
    if (options_.redirect_expiry.count() <= 0) return {};
    return s3_.presigned_get(blob_key(d), options_.redirect_expiry);
  }

  std::unique_ptr<Upload> start_upload(const std::string& id, DigestAlgorithm algorithm,
                                       const std::string& repository) override {
    if (!valid_session_id(id)) throw Error(ErrorCode::kInvalidArgument, "bad upload id " + id);
    SessionState state;
    state.repository = repository;
    state.algorithm = algorithm;
    return std::make_unique<S3Upload>(s3_, options_.part_size, id, std::move(state), "", false);
  }

  bool shared_sessions() const override { return true; }

  std::unique_ptr<Upload> resume_upload(const std::string& id, std::string* repository,
                                        DigestAlgorithm* algorithm) override {
    if (!valid_session_id(id)) return nullptr;
    auto text = s3_.get(session_key(id, "state"), 1 << 20);
    if (!text) return nullptr;
    auto state = SessionState::from_json(*text);
    if (!state) throw Error(ErrorCode::kIo, "upload " + id + ": unreadable session state");
    std::string tail;
    if (state->tail > 0) {
      auto t = s3_.get(session_key(id, "tail"), options_.part_size);
      if (!t || t->size() != state->tail)
        throw Error(ErrorCode::kIo, "upload " + id + ": its buffered tail is missing");
      tail = std::move(*t);
    }
    *repository = state->repository;
    *algorithm = state->algorithm;
    return std::make_unique<S3Upload>(s3_, options_.part_size, id, std::move(*state),
                                      std::move(tail), true);
  }

  Digest put(std::string_view data, DigestAlgorithm algorithm) override {
    Digest d = digest_of(data, algorithm);
    const std::string key = blob_key(d);
    if (auto existing = s3_.head(key))
      s3_.copy(key, key, *existing);
    else
      s3_.put(key, data);
    return d;
  }

  bool remove(const Digest& d) override { return s3_.remove(blob_key(d)); }

  bool remove_if_unchanged(const Digest& d, std::int64_t mtime) override {
    std::int64_t now_mtime = 0;
    if (!s3_.head(blob_key(d), &now_mtime)) return false;
    if (now_mtime > mtime) return false;  // committed again since the collector looked
    return s3_.remove(blob_key(d));
  }

  void for_each(const std::function<void(const StoredBlob&)>& fn) override {
    for (const char* alg : {"sha256", "sha512"}) {
      s3_.list("blobs/" + std::string(alg) + "/", [&](const S3Client::Object& o) {
        auto slash = o.key.rfind('/');
        std::string text = std::string(alg) + ":" + o.key.substr(slash + 1);
        if (!Digest::is_valid(text)) return;
        Digest d = Digest::parse(text);
        if (o.key != blob_key(d)) return;
        fn(StoredBlob{d, o.size, o.mtime});
      });
    }
  }

  std::size_t remove_stale_uploads(std::chrono::seconds age) override {
    const std::int64_t cutoff = static_cast<std::int64_t>(std::time(nullptr)) - age.count();
    // A session is stale when its newest object is older than the cutoff.
    std::map<std::string, std::int64_t> newest;
    s3_.list("uploads/", [&](const S3Client::Object& o) {
      auto slash = o.key.find('/', 8);
      if (slash == std::string::npos) return;
      std::string id = o.key.substr(8, slash - 8);
      newest[id] = std::max(newest[id], o.mtime);
    });
    std::size_t removed = 0;
    std::set<std::string> stale;
    for (const auto& [id, mtime] : newest)
      if (mtime < cutoff) stale.insert(id);
    // Multipart uploads: of a stale session, or older than the cutoff with no session left.
    s3_.list_multipart("uploads/", [&](const S3Client::MultipartUpload& u) {
      auto slash = u.key.find('/', 8);
      if (slash == std::string::npos) return;
      std::string id = u.key.substr(8, slash - 8);
      bool gone = !newest.count(id) && u.initiated < cutoff;
      if (stale.count(id) || gone) s3_.abort_multipart(u.key, u.upload_id);
    });
    for (const std::string& id : stale) {
      for (const char* what : {"tail", "state", "data"}) s3_.erase(session_key(id, what));
      ++removed;
    }
    return removed;
  }

 private:
  S3BlobStoreOptions options_;
  S3Client s3_;
};

}  // namespace

std::unique_ptr<BlobStore> open_s3_blob_store(S3BlobStoreOptions options) {
  return std::make_unique<S3BlobStore>(std::move(options));
}

}  // namespace ch::server::store
