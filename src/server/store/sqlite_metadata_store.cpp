// SqliteMetadataStore: SQLite is the durable truth, an in-memory mirror answers reads.
//
// Durability: WAL journal with synchronous=FULL, so a committed transaction (a manifest
// the client was told is stored) survives a power loss, and a crash at any moment leaves
// the last committed state. Every state change is one BEGIN IMMEDIATE transaction whose
// checks read the database itself; foreign keys (ON) keep tags and manifest references
// pointing at existing manifests.
//
// Concurrency: writers serialise on write_mu_ (SQLite has one writer anyway) and use the
// single connection. After COMMIT, still under write_mu_, the writer applies the same
// change to the mirror under an exclusive lock on mu_; readers take mu_ shared and never
// touch SQLite or the disk. A flock on <root>/metadata.lock makes this process the only
// writer, so the mirror cannot go stale behind our back.
#include "server/store/sqlite_metadata_store.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "base/error.hpp"
#include "cosign/tags.hpp"

namespace ch::server::store {

namespace {

namespace stdfs = std::filesystem;

// ---------------------------------------------------------------------------------------
// Schema. Text columns use the BINARY collation, so ORDER BY and comparisons are bytewise.

const char* const kSchema = R"sql(
CREATE TABLE repositories (
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A blob is visible in a repository while linked there (upload, mount, manifest).
CREATE TABLE blob_links (
  repo TEXT NOT NULL REFERENCES repositories(name),
  digest TEXT NOT NULL,
  size INTEGER NOT NULL,
  linked_at INTEGER NOT NULL,
  PRIMARY KEY (repo, digest)
) WITHOUT ROWID;
CREATE INDEX blob_links_by_digest ON blob_links(digest);

-- When the last link of a digest went away; the blob file stays for a grace period after.
CREATE TABLE blob_released (
  digest TEXT PRIMARY KEY,
  released_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE manifests (
  repo TEXT NOT NULL REFERENCES repositories(name),
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  bytes BLOB NOT NULL,
  subject_digest TEXT,
  subject_media_type TEXT,
  subject_size INTEGER,
  artifact_type TEXT NOT NULL,
  annotations TEXT NOT NULL,
  created_at INTEGER NOT NULL,  -- first push
  pushed_at INTEGER NOT NULL,   -- last push (garbage collection's age)
  chart TEXT NOT NULL DEFAULT '',  -- a chart's classic index entry (JSON), '' otherwise
  PRIMARY KEY (repo, digest)
);
CREATE INDEX manifests_by_subject ON manifests(repo, subject_digest)
  WHERE subject_digest IS NOT NULL;

-- What a manifest references: config + layers (blob) or index children (manifest), in order.
CREATE TABLE manifest_refs (
  repo TEXT NOT NULL,
  manifest TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('blob', 'manifest')),
  position INTEGER NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (repo, manifest, kind, position),
  FOREIGN KEY (repo, manifest) REFERENCES manifests(repo, digest) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX manifest_refs_by_digest ON manifest_refs(repo, digest);

CREATE TABLE tags (
  repo TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (repo, tag),
  FOREIGN KEY (repo, digest) REFERENCES manifests(repo, digest) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX tags_by_digest ON tags(repo, digest);
)sql";

// ---------------------------------------------------------------------------------------
// A thin SQLite layer: one connection, cached prepared statements, RAII queries and
// transactions. Not thread-safe; the store serialises access with write_mu_.

class Db {
 public:
  explicit Db(const stdfs::path& file) : file_(file.string()) {
    int rc =
        sqlite3_open_v2(file_.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw Error(ErrorCode::kIo, "open metadata database " + file_ + ": " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
  }
  ~Db() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::kIo,
                "metadata database " + file_ + ": " + what + ": " + sqlite3_errmsg(db_));
  }

  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw Error(ErrorCode::kIo, "metadata database " + file_ + ": " + msg);
    }
  }

  // The statement for `sql` (a string literal: cached by address), reset and unbound.
  sqlite3_stmt* prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      fail(std::string("prepare \"") + sql + "\"");
    cache_.emplace(sql, stmt);
    return stmt;
  }

  void busy_timeout(int ms) {
    if (sqlite3_busy_timeout(db_, ms) != SQLITE_OK) fail("set busy timeout");
  }
  int changes() const { return sqlite3_changes(db_); }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// One execution of a cached statement; parameters bind in order. Reset on destruction, so
// no statement keeps a read snapshot open.
class Query {
 public:
  Query(Db& db, const char* sql) : db_(db), stmt_(db.prepare(sql)) {}
  ~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& text(std::string_view v) {
    check(
        sqlite3_bind_text(stmt_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Query& blob(std::string_view v) {
    check(sqlite3_bind_blob64(stmt_, next_++, v.data(), v.size(), SQLITE_TRANSIENT));
    return *this;
  }
  Query& integer(std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, next_++, v));
    return *this;
  }
  Query& null() {
    check(sqlite3_bind_null(stmt_, next_++));
    return *this;
  }

  // Advances to the next row; false when there are no more.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail(std::string("run \"") + sqlite3_sql(stmt_) + "\"");
  }
  void run() {
    while (step()) {
    }
  }

  std::string str(int col) const {
    const auto* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
  }
  std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) db_.fail("bind parameter");
  }

  Db& db_;
  sqlite3_stmt* stmt_;
  int next_ = 1;
};

// BEGIN IMMEDIATE ... COMMIT; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (db_.in_transaction()) rollback_quietly();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() { db_.exec("COMMIT"); }

 private:
  void rollback_quietly() noexcept {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // nothing better to do in a destructor; SQLite rolls back on close
    }
  }
  Db& db_;
};

// Creates root and holds an exclusive flock on <root>/metadata.lock for the store's life:
// the mirror is only exact while this process is the database's only writer.
class OwnerLock {
 public:
  explicit OwnerLock(const stdfs::path& root) {
    std::error_code ec;
    stdfs::create_directories(root, ec);
    if (ec) throw Error(ErrorCode::kIo, "create " + root.string() + ": " + ec.message());
    auto path = root / "metadata.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("open " + path.string());
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd_);
      if (err == EWOULDBLOCK)
        throw Error(ErrorCode::kIo,
                    "metadata store " + root.string() + " is in use by another charthouse process");
      errno = err;
      throw_errno("lock " + path.string());
    }
  }
  ~OwnerLock() { ::close(fd_); }
  OwnerLock(const OwnerLock&) = delete;
  OwnerLock& operator=(const OwnerLock&) = delete;

 private:
  int fd_ = -1;
};

// A reader-writer lock that lets a waiting writer in before new readers. glibc's
// std::shared_mutex prefers readers, so a steady stream of pulls could starve a tag move.
class WriterPreferringMutex {
 public:
  WriterPreferringMutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~WriterPreferringMutex() { pthread_rwlock_destroy(&lock_); }
  WriterPreferringMutex(const WriterPreferringMutex&) = delete;
  WriterPreferringMutex& operator=(const WriterPreferringMutex&) = delete;
  void lock() { pthread_rwlock_wrlock(&lock_); }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

// ---------------------------------------------------------------------------------------
// The in-memory mirror of every committed row that reads need.

struct RepoState {
  std::map<std::string, Digest> tags;  // sorted bytewise (std::string compares as unsigned)
  std::unordered_map<std::string, std::shared_ptr<const Manifest>> manifests;  // by digest
  std::unordered_map<std::string, std::set<std::string>> referrers;  // subject -> manifests
  std::unordered_map<std::string, std::uint64_t> blobs;              // digest -> size
  bool empty() const { return tags.empty() && manifests.empty() && blobs.empty(); }
};

struct Mirror {
  std::map<std::string, RepoState> repos;
  std::unordered_map<std::string, std::set<std::string>> blob_owners;  // digest -> repos
  std::unordered_map<std::string, std::int64_t> released;              // digest -> time

  RepoState* find(const std::string& repo) {
    auto it = repos.find(repo);
    return it == repos.end() ? nullptr : &it->second;
  }

  void link(const std::string& repo, const std::string& digest, std::uint64_t size) {
    repos[repo].blobs[digest] = size;
    blob_owners[digest].insert(repo);
    released.erase(digest);
  }

  void unlink(const std::string& repo, const std::string& digest, std::int64_t now) {
    if (auto* r = find(repo)) r->blobs.erase(digest);
    auto it = blob_owners.find(digest);
    if (it == blob_owners.end()) return;
    it->second.erase(repo);
    if (it->second.empty()) {
      blob_owners.erase(it);
      released[digest] = now;
    }
  }

  void add_manifest(std::shared_ptr<const Manifest> m) {
    auto& r = repos[m->repository];
    std::string digest = m->digest.str();
    if (m->subject) r.referrers[m->subject->digest].insert(digest);
    r.manifests[digest] = std::move(m);
  }

  void remove_manifest(const std::string& repo, const std::string& digest) {
    auto* r = find(repo);
    if (r == nullptr) return;
    auto it = r->manifests.find(digest);
    if (it == r->manifests.end()) return;
    if (const auto& subject = it->second->subject) {
      auto ref = r->referrers.find(subject->digest);
      if (ref != r->referrers.end()) {
        ref->second.erase(digest);
        if (ref->second.empty()) r->referrers.erase(ref);
      }
    }
    r->manifests.erase(it);
    std::erase_if(r->tags, [&](const auto& kv) { return kv.second.str() == digest; });
  }
};

template <class Map>
Page paginate(const Map& m, const std::string& last, long n) {
  Page page;
  if (n == 0) return page;  // the spec: an empty list and no Link
  auto it = last.empty() ? m.begin() : m.upper_bound(last);
  for (; it != m.end(); ++it) {
    if (n > 0 && page.items.size() == static_cast<std::size_t>(n)) {
      page.more = true;
      break;
    }
    page.items.push_back(it->first);
  }
  return page;
}

void check_repo(const std::string& repo) {
  if (repo.empty()) throw Error(ErrorCode::kInvalidArgument, "repository name is empty");
}

void check_digest(const Digest& d) {
  if (d.hex.size() != hex_length(d.algorithm))
    throw Error(ErrorCode::kInvalidArgument, "invalid digest \"" + d.str() + "\"");
}

// ---------------------------------------------------------------------------------------

class SqliteMetadataStore final : public MetadataStore {
 public:
  SqliteMetadataStore(const stdfs::path& root, SqliteMetadataOptions options)
      : clock_(std::move(options.clock)), lock_(root), db_(root / "metadata.db") {
    if (!clock_) {
      clock_ = [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      };
    }
    configure();
    load();
  }

  // -- blobs ----------------------------------------------------------------------------

  void link_blob(const std::string& repo, const Digest& d, std::uint64_t size) override {
    check_repo(repo);
    check_digest(d);
    const std::string digest = d.str();
    std::lock_guard write(write_mu_);
    const auto now = clock_();
    Transaction tx(db_);
    ensure_repo(repo, now);
    Query(db_,
          "INSERT INTO blob_links (repo, digest, size, linked_at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (repo, digest) DO UPDATE SET size = excluded.size, "
          "linked_at = excluded.linked_at")
        .text(repo)
        .text(digest)
        .integer(static_cast<std::int64_t>(size))
        .integer(now)
        .run();
    Query(db_, "DELETE FROM blob_released WHERE digest = ?1").text(digest).run();
    tx.commit();
    std::unique_lock lock(mu_);
    mirror_.link(repo, digest, size);
  }

  bool unlink_blob(const std::string& repo, const Digest& d) override {
    const std::string digest = d.str();
    std::lock_guard write(write_mu_);
    const auto now = clock_();
    Transaction tx(db_);
    Query(db_, "DELETE FROM blob_links WHERE repo = ?1 AND digest = ?2")
        .text(repo)
        .text(digest)
        .run();
    if (db_.changes() == 0) return false;
    release_if_unlinked(digest, now);
    tx.commit();
    std::unique_lock lock(mu_);
    mirror_.unlink(repo, digest, now);
    return true;
  }

  std::optional<std::uint64_t> blob_in_repo(const std::string& repo, const Digest& d) override {
    std::shared_lock lock(mu_);
    const auto* r = mirror_.find(repo);
    if (r == nullptr) return std::nullopt;
    auto it = r->blobs.find(d.str());
    if (it == r->blobs.end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::string> repo_with_blob(const Digest& d) override {
    std::shared_lock lock(mu_);
    auto it = mirror_.blob_owners.find(d.str());
    if (it == mirror_.blob_owners.end() || it->second.empty()) return std::nullopt;
    return *it->second.begin();
  }

  std::size_t repositories_linking(const Digest& d) override {
    std::shared_lock lock(mu_);
    auto it = mirror_.blob_owners.find(d.str());
    return it == mirror_.blob_owners.end() ? 0 : it->second.size();
  }

  // -- manifests and tags ----------------------------------------------------------------

  PutManifestResult put_manifest(const Manifest& m, const std::vector<std::string>& tags) override {
    check_repo(m.repository);
    check_digest(m.digest);
    for (const auto& t : tags)
      if (t.empty()) throw Error(ErrorCode::kInvalidArgument, "tag is empty");
    if (digest_of(m.bytes, m.digest.algorithm) != m.digest)
      throw Error(ErrorCode::kDigestMismatch,
                  "manifest bytes do not have digest " + m.digest.str());
    const std::string& repo = m.repository;
    const std::string digest = m.digest.str();

    std::lock_guard write(write_mu_);
    const auto now = clock_();
    Transaction tx(db_);

    PutManifestResult result;
    std::unordered_set<std::string> reported;
    auto check = [&](const Digest& d, const char* sql) {
      Query q(db_, sql);
      q.text(repo).text(d.str());
      if (!q.step() && reported.insert(d.str()).second) result.missing.push_back(d);
    };
    for (const auto& b : m.blobs)
      check(Digest::parse(b.digest), "SELECT 1 FROM blob_links WHERE repo = ?1 AND digest = ?2");
    for (const auto& c : m.manifests)
      check(Digest::parse(c.digest), "SELECT 1 FROM manifests WHERE repo = ?1 AND digest = ?2");
    if (!result.missing.empty()) return result;  // rolls back: nothing changed

    ensure_repo(repo, now);
    bool existed = false;
    {
      Query q(db_, "SELECT 1 FROM manifests WHERE repo = ?1 AND digest = ?2");
      existed = q.text(repo).text(digest).step();
    }
    if (existed) {
      Query(db_, "UPDATE manifests SET pushed_at = ?3 WHERE repo = ?1 AND digest = ?2")
          .text(repo)
          .text(digest)
          .integer(now)
          .run();
    } else {
      insert_manifest(m, now);
    }
    for (const auto& t : tags) {
      Query(db_,
            "INSERT INTO tags (repo, tag, digest, updated_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (repo, tag) DO UPDATE SET digest = excluded.digest, "
            "updated_at = excluded.updated_at")
          .text(repo)
          .text(t)
          .text(digest)
          .integer(now)
          .run();
    }
    std::shared_ptr<const Manifest> stored;
    if (!existed) stored = std::make_shared<const Manifest>(m);
    tx.commit();

    std::unique_lock lock(mu_);
    auto& r = mirror_.repos[repo];
    if (stored) mirror_.add_manifest(std::move(stored));
    for (const auto& t : tags) r.tags.insert_or_assign(t, m.digest);
    ++generation_;
    return result;
  }

  std::optional<Manifest> get_manifest(const std::string& repo, const Digest& d) override {
    std::shared_ptr<const Manifest> found;
    {
      std::shared_lock lock(mu_);
      const auto* r = mirror_.find(repo);
      if (r == nullptr) return std::nullopt;
      auto it = r->manifests.find(d.str());
      if (it == r->manifests.end()) return std::nullopt;
      found = it->second;
    }
    return *found;  // copy the bytes outside the lock
  }

  std::optional<Digest> resolve_tag(const std::string& repo, const std::string& tag) override {
    std::shared_lock lock(mu_);
    const auto* r = mirror_.find(repo);
    if (r == nullptr) return std::nullopt;
    auto it = r->tags.find(tag);
    if (it == r->tags.end()) return std::nullopt;
    return it->second;
  }

  bool delete_tag(const std::string& repo, const std::string& tag) override {
    std::lock_guard write(write_mu_);
    Transaction tx(db_);
    Query(db_, "DELETE FROM tags WHERE repo = ?1 AND tag = ?2").text(repo).text(tag).run();
    if (db_.changes() == 0) return false;
    tx.commit();
    std::unique_lock lock(mu_);
    if (auto* r = mirror_.find(repo)) r->tags.erase(tag);
    ++generation_;
    return true;
  }

  bool delete_manifest(const std::string& repo, const Digest& d) override {
    std::lock_guard write(write_mu_);
    std::vector<std::string> doomed = {d.str()};
    std::vector<std::string> attachment_tags;
    {
      std::shared_lock lock(mu_);
      if (const auto* r = mirror_.find(repo)) companions_of_chart(*r, doomed, attachment_tags);
    }
    Transaction tx(db_);
    // Cascades to its tags and references.
    Query(db_, "DELETE FROM manifests WHERE repo = ?1 AND digest = ?2")
        .text(repo)
        .text(doomed.front())
        .run();
    if (db_.changes() == 0) return false;
    for (std::size_t i = 1; i < doomed.size(); ++i)
      Query(db_, "DELETE FROM manifests WHERE repo = ?1 AND digest = ?2")
          .text(repo)
          .text(doomed[i])
          .run();
    for (const auto& tag : attachment_tags)
      Query(db_, "DELETE FROM tags WHERE repo = ?1 AND tag = ?2").text(repo).text(tag).run();
    tx.commit();
    std::unique_lock lock(mu_);
    for (const auto& digest : doomed) mirror_.remove_manifest(repo, digest);
    if (auto* r = mirror_.find(repo))
      for (const auto& tag : attachment_tags) r->tags.erase(tag);
    ++generation_;
    return true;
  }

  // A chart takes what is attached to it along when it is deleted (doomed[0]): its
  // signatures and other referrers (at any depth: a signature of an SBOM of the chart), and
  // what hangs under its cosign/referrers-schema tags (`sha256-<hex>[.sig|.att|.sbom]`),
  // unless such a manifest also has a tag of its own. Other manifests leave their referrers
  // to garbage collection, as the distribution spec expects.
  static void companions_of_chart(const RepoState& r, std::vector<std::string>& doomed,
                                  std::vector<std::string>& attachment_tags) {
    auto root = r.manifests.find(doomed.front());
    if (root == r.manifests.end() || root->second->chart.empty()) return;
    std::unordered_map<std::string, std::vector<std::string>> tags_of;
    for (const auto& [tag, digest] : r.tags) tags_of[digest.str()].push_back(tag);
    std::unordered_set<std::string> seen(doomed.begin(), doomed.end());
    auto own_tag = [&](const std::string& digest) {
      auto it = tags_of.find(digest);
      if (it == tags_of.end()) return false;
      return std::any_of(it->second.begin(), it->second.end(), [](const std::string& t) {
        return cosign::attachment_subject(t).empty();
      });
    };
    auto doom = [&](const std::string& digest) {
      if (r.manifests.count(digest) != 0 && !own_tag(digest) && seen.insert(digest).second)
        doomed.push_back(digest);
    };
    for (std::size_t i = 0; i < doomed.size(); ++i) {
      const std::string subject = doomed[i];
      if (auto refs = r.referrers.find(subject); refs != r.referrers.end())
        for (const auto& referrer : refs->second) doom(referrer);
      const std::string tag = cosign::referrers_tag(subject);
      for (const char* suffix : {"", ".sig", ".att", ".sbom"}) {
        auto it = r.tags.find(tag + suffix);
        if (it == r.tags.end()) continue;
        attachment_tags.push_back(it->first);
        doom(it->second.str());
        // A referrers-schema index lists the referrers it stands for.
        auto index = r.manifests.find(it->second.str());
        if (index != r.manifests.end())
          for (const auto& child : index->second->manifests) doom(child.digest);
      }
    }
  }

  // -- listing ---------------------------------------------------------------------------

  std::vector<ChartTag> charts_under(const std::string& ns) override {
    std::vector<ChartTag> out;
    std::shared_lock lock(mu_);
    auto visit = [&](const std::string& name, const RepoState& r) {
      for (const auto& [tag, digest] : r.tags) {
        auto m = r.manifests.find(digest.str());
        if (m != r.manifests.end() && !m->second->chart.empty())
          out.push_back({name, tag, m->second});
      }
    };
    if (ns.empty()) {
      for (const auto& [name, r] : mirror_.repos) visit(name, r);
      return out;
    }
    if (const auto* r = mirror_.find(ns)) visit(ns, *r);
    const std::string prefix = ns + "/";
    for (auto it = mirror_.repos.lower_bound(prefix);
         it != mirror_.repos.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
      visit(it->first, it->second);
    return out;
  }

  std::uint64_t generation() override {
    std::shared_lock lock(mu_);
    return generation_;
  }

  void export_repositories(const std::function<void(const RepositoryContents&)>& fn) override {
    std::vector<std::string> names;
    {
      std::shared_lock lock(mu_);
      for (const auto& [name, r] : mirror_.repos) names.push_back(name);
    }
    for (const std::string& name : names) {
      RepositoryContents c;
      c.name = name;
      {
        std::shared_lock lock(mu_);
        const RepoState* r = mirror_.find(name);
        if (!r) continue;
        for (const auto& [digest, size] : r->blobs)
          c.blobs.emplace_back(Digest::parse(digest), size);
        std::unordered_map<std::string, std::vector<std::string>> tags_of;
        for (const auto& [tag, digest] : r->tags) tags_of[digest.str()].push_back(tag);
        for (const auto& [digest, m] : r->manifests) c.manifests.emplace_back(m, tags_of[digest]);
      }
      fn(c);
    }
  }

  bool repository_exists(const std::string& repo) override {
    std::shared_lock lock(mu_);
    return mirror_.repos.count(repo) != 0;
  }

  Page list_tags(const std::string& repo, const std::string& last, long n) override {
    std::shared_lock lock(mu_);
    const auto* r = mirror_.find(repo);
    if (r == nullptr) return {};
    return paginate(r->tags, last, n);
  }

  Page list_repositories(const std::string& last, long n) override {
    std::shared_lock lock(mu_);
    return paginate(mirror_.repos, last, n);
  }

  std::vector<Manifest> referrers(const std::string& repo, const Digest& subject,
                                  const std::vector<std::string>& artifact_types) override {
    std::vector<std::shared_ptr<const Manifest>> found;
    {
      std::shared_lock lock(mu_);
      const auto* r = mirror_.find(repo);
      if (r == nullptr) return {};
      auto it = r->referrers.find(subject.str());
      if (it == r->referrers.end()) return {};
      for (const auto& digest : it->second) {
        auto m = r->manifests.find(digest);
        if (m == r->manifests.end()) continue;
        if (!artifact_types.empty() && std::find(artifact_types.begin(), artifact_types.end(),
                                                 m->second->artifact_type) == artifact_types.end())
          continue;
        found.push_back(m->second);
      }
    }
    std::vector<Manifest> out;
    out.reserve(found.size());
    for (const auto& m : found) out.push_back(*m);
    return out;
  }

  // -- garbage collection ------------------------------------------------------------------

  GcReport collect(std::chrono::seconds grace, bool dry_run) override;

  bool blob_is_garbage(const Digest& d, std::int64_t blob_mtime,
                       std::chrono::seconds grace) override {
    const std::int64_t cutoff = clock_() - grace.count();
    if (blob_mtime > cutoff) return false;  // committed (or re-committed) recently
    const std::string digest = d.str();
    std::shared_lock lock(mu_);
    if (mirror_.blob_owners.count(digest) != 0) return false;
    auto it = mirror_.released.find(digest);
    return it == mirror_.released.end() || it->second <= cutoff;
  }

 private:
  void configure() {
    // Only other processes reading the file (sqlite3 shell, backups) can hold its lock.
    db_.busy_timeout(5000);
    {
      Query q(db_, "PRAGMA journal_mode = WAL");
      if (!q.step() || q.str(0) != "wal") db_.fail("enable WAL journal");
    }
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
    int version = 0;
    {
      Query q(db_, "PRAGMA user_version");
      if (q.step()) version = static_cast<int>(q.i64(0));
    }
    if (version > kMetadataSchemaVersion)
      throw Error(ErrorCode::kIo, "metadata database " + db_.file() + " has schema version " +
                                      std::to_string(version) + ", newer than this charthouse (" +
                                      std::to_string(kMetadataSchemaVersion) +
                                      "); upgrade charthouse");
    if (version == 0) {
      Transaction tx(db_);
      db_.exec(kSchema);
      db_.exec(("PRAGMA user_version = " + std::to_string(kMetadataSchemaVersion)).c_str());
      tx.commit();
    } else if (version == 1) {
      // Version 1 stores open as they are: their charts enter the classic index when pushed
      // again (the column defaults to "not a chart").
      Transaction tx(db_);
      db_.exec("ALTER TABLE manifests ADD COLUMN chart TEXT NOT NULL DEFAULT ''");
      db_.exec("PRAGMA user_version = 2");
      tx.commit();
    }
  }

  Digest stored_digest(const std::string& text) const {
    if (!Digest::is_valid(text))
      throw Error(ErrorCode::kIo,
                  "metadata database " + db_.file() + " is corrupt: bad digest \"" + text + "\"");
    return Digest::parse(text);
  }

  // Fills the mirror from the database (at open).
  void load() {
    std::lock_guard write(write_mu_);
    std::unique_lock lock(mu_);
    Mirror m;
    {
      Query q(db_, "SELECT name FROM repositories");
      while (q.step()) m.repos[q.str(0)];
    }
    {
      Query q(db_, "SELECT repo, digest, size FROM blob_links");
      while (q.step()) m.link(q.str(0), q.str(1), static_cast<std::uint64_t>(q.i64(2)));
    }
    {
      Query q(db_, "SELECT digest, released_at FROM blob_released");
      while (q.step()) m.released[q.str(0)] = q.i64(1);
    }
    std::map<std::pair<std::string, std::string>, std::shared_ptr<Manifest>> manifests;
    {
      Query q(db_,
              "SELECT repo, digest, media_type, bytes, subject_digest, subject_media_type, "
              "subject_size, artifact_type, annotations, chart FROM manifests");
      while (q.step()) {
        auto man = std::make_shared<Manifest>();
        man->repository = q.str(0);
        man->digest = stored_digest(q.str(1));
        man->media_type = q.str(2);
        man->bytes = q.str(3);
        if (!q.is_null(4)) {
          man->subject = Descriptor{q.str(5), stored_digest(q.str(4)).str(), q.i64(6), "", {}};
        }
        man->artifact_type = q.str(7);
        try {
          man->annotations = nlohmann::ordered_json::parse(q.str(8));
        } catch (const nlohmann::json::exception& e) {
          throw Error(ErrorCode::kIo, "metadata database " + db_.file() +
                                          " is corrupt: annotations of " + man->digest.str() +
                                          ": " + e.what());
        }
        man->chart = q.str(9);
        manifests[{man->repository, q.str(1)}] = std::move(man);
      }
    }
    {
      Query q(db_,
              "SELECT repo, manifest, kind, digest, media_type, size FROM manifest_refs "
              "ORDER BY repo, manifest, kind, position");
      while (q.step()) {
        auto it = manifests.find({q.str(0), q.str(1)});
        if (it == manifests.end()) continue;  // impossible with foreign keys on
        Descriptor d{q.str(4), stored_digest(q.str(3)).str(), q.i64(5), "", {}};
        (q.str(2) == "blob" ? it->second->blobs : it->second->manifests).push_back(std::move(d));
      }
    }
    for (auto& [key, man] : manifests) m.add_manifest(std::move(man));
    {
      Query q(db_, "SELECT repo, tag, digest FROM tags");
      while (q.step()) m.repos[q.str(0)].tags.emplace(q.str(1), stored_digest(q.str(2)));
    }
    mirror_ = std::move(m);
  }

  void ensure_repo(const std::string& repo, std::int64_t now) {
    Query(db_, "INSERT OR IGNORE INTO repositories (name, created_at) VALUES (?1, ?2)")
        .text(repo)
        .integer(now)
        .run();
  }

  // Records when a digest lost its last link (blob_is_garbage waits a grace period after).
  void release_if_unlinked(const std::string& digest, std::int64_t now) {
    {
      Query q(db_, "SELECT 1 FROM blob_links WHERE digest = ?1 LIMIT 1");
      if (q.text(digest).step()) return;
    }
    Query(db_, "INSERT OR REPLACE INTO blob_released (digest, released_at) VALUES (?1, ?2)")
        .text(digest)
        .integer(now)
        .run();
  }

  void insert_manifest(const Manifest& m, std::int64_t now) {
    const std::string digest = m.digest.str();
    {
      Query q(db_,
              "INSERT INTO manifests (repo, digest, media_type, bytes, subject_digest, "
              "subject_media_type, subject_size, artifact_type, annotations, created_at, "
              "pushed_at, chart) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)");
      q.text(m.repository).text(digest).text(m.media_type).blob(m.bytes);
      if (m.subject) {
        check_digest(Digest::parse(m.subject->digest));
        q.text(m.subject->digest)
            .text(m.subject->media_type)
            .integer(static_cast<std::int64_t>(m.subject->size));
      } else {
        q.null().null().null();
      }
      q.text(m.artifact_type).text(m.annotations.dump()).integer(now).text(m.chart);
      q.run();
    }
    auto refs = [&](const std::vector<Descriptor>& list, const char* kind) {
      std::int64_t position = 0;
      for (const auto& d : list) {
        Query(db_,
              "INSERT INTO manifest_refs (repo, manifest, kind, position, digest, media_type, "
              "size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .text(m.repository)
            .text(digest)
            .text(kind)
            .integer(position++)
            .text(d.digest)
            .text(d.media_type)
            .integer(static_cast<std::int64_t>(d.size))
            .run();
      }
    };
    refs(m.blobs, "blob");
    refs(m.manifests, "manifest");
  }

  std::function<std::int64_t()> clock_;
  OwnerLock lock_;  // before db_: taken before the database opens, released after it closes
  Db db_;
  std::mutex write_mu_;       // one writer at a time; guards db_
  WriterPreferringMutex mu_;  // guards mirror_ and generation_
  Mirror mirror_;
  std::uint64_t generation_ = 0;
};

GcReport SqliteMetadataStore::collect(std::chrono::seconds grace, bool dry_run) {
  struct Node {
    std::string subject;
    std::int64_t pushed_at = 0;
    std::vector<std::string> children, blobs;
    bool live = false;
  };
  struct RepoGc {
    std::map<std::string, Node> manifests;  // ordered: deterministic reports
    std::unordered_map<std::string, std::vector<std::string>> referrers_of;
    std::unordered_set<std::string> tagged;                     // by an ordinary tag
    std::vector<std::pair<std::string, std::string>> attached;  // by `sha256-<hex>.sig`..:
                                                                // digest, subject named
    std::vector<std::pair<std::string, std::int64_t>> links;    // digest, linked_at
    std::vector<std::string> work;

    void reach(const std::string& digest) {
      auto it = manifests.find(digest);
      if (it == manifests.end() || it->second.live) return;
      it->second.live = true;
      work.push_back(digest);
    }
    void propagate() {
      while (!work.empty()) {
        std::string digest = std::move(work.back());
        work.pop_back();
        for (const auto& c : manifests[digest].children) reach(c);
        auto refs = referrers_of.find(digest);
        if (refs != referrers_of.end())
          for (const auto& referrer : refs->second) reach(referrer);
      }
    }
  };

  std::lock_guard write(write_mu_);
  const std::int64_t now = clock_();
  const std::int64_t cutoff = now - grace.count();
  Transaction tx(db_);

  std::map<std::string, RepoGc> repos;
  {
    Query q(db_, "SELECT repo, digest, subject_digest, pushed_at FROM manifests");
    while (q.step()) {
      auto& r = repos[q.str(0)];
      auto& n = r.manifests[q.str(1)];
      n.pushed_at = q.i64(3);
      if (!q.is_null(2)) {
        n.subject = q.str(2);
        r.referrers_of[n.subject].push_back(q.str(1));
      }
    }
  }
  {
    Query q(db_, "SELECT repo, manifest, kind, digest FROM manifest_refs");
    while (q.step()) {
      auto& n = repos[q.str(0)].manifests[q.str(1)];
      (q.str(2) == "blob" ? n.blobs : n.children).push_back(q.str(3));
    }
  }
  {
    Query q(db_, "SELECT repo, digest, tag FROM tags");
    while (q.step()) {
      auto& r = repos[q.str(0)];
      std::string subject = cosign::attachment_subject(q.str(2));
      if (subject.empty())
        r.tagged.insert(q.str(1));
      else
        r.attached.emplace_back(q.str(1), std::move(subject));
    }
  }
  {
    Query q(db_, "SELECT repo, digest, linked_at FROM blob_links ORDER BY repo, digest");
    while (q.step()) repos[q.str(0)].links.emplace_back(q.str(1), q.i64(2));
  }

  GcReport report;
  std::vector<std::pair<std::string, std::string>> dead, unlinked;  // repo, digest
  std::unordered_set<std::string> live_anywhere;
  for (auto& [repo, r] : repos) {
    // Live: tagged (other than by an attachment tag) or young, then everything a live
    // manifest reaches (index children) or that refers to a live manifest (referrers).
    for (auto& [digest, n] : r.manifests) {
      if (r.tagged.count(digest) != 0 || n.pushed_at > cutoff) {
        n.live = true;
        r.work.push_back(digest);
      }
    }
    r.propagate();
    for (const auto& [digest, n] : r.manifests)
      if (n.live) live_anywhere.insert(digest);
  }
  // Then the attachment tags (signatures, referrers-schema indexes): roots while what they
  // name is live in some repository (cosign may keep signatures in another one).
  for (auto& [repo, r] : repos) {
    for (const auto& [digest, subject] : r.attached) {
      if (live_anywhere.count(subject) == 0) continue;
      auto it = r.manifests.find(digest);
      if (it == r.manifests.end() || it->second.live) continue;
      it->second.live = true;
      r.work.push_back(digest);
    }
    r.propagate();
  }
  for (auto& [repo, r] : repos) {
    std::unordered_set<std::string> referenced;
    for (const auto& [digest, n] : r.manifests) {
      if (n.live) {
        referenced.insert(n.blobs.begin(), n.blobs.end());
      } else {
        dead.emplace_back(repo, digest);
        report.manifests_deleted.push_back(Digest::parse(digest));
      }
    }
    for (const auto& [digest, linked_at] : r.links) {
      if (referenced.count(digest) != 0 || linked_at > cutoff) continue;
      unlinked.emplace_back(repo, digest);
      report.blobs_unlinked.push_back(Digest::parse(digest));
    }
  }
  if (dry_run) return report;  // rolls back (nothing was written anyway)

  for (const auto& [repo, digest] : dead)
    Query(db_, "DELETE FROM manifests WHERE repo = ?1 AND digest = ?2")
        .text(repo)
        .text(digest)
        .run();
  for (const auto& [repo, digest] : unlinked) {
    Query(db_, "DELETE FROM blob_links WHERE repo = ?1 AND digest = ?2")
        .text(repo)
        .text(digest)
        .run();
  }
  for (const auto& [repo, digest] : unlinked) release_if_unlinked(digest, now);
  // Release records older than the grace no longer hold anything back.
  Query(db_, "DELETE FROM blob_released WHERE released_at <= ?1").integer(cutoff).run();
  std::vector<std::string> empty_repos;
  {
    Query q(db_,
            "SELECT name FROM repositories WHERE "
            "NOT EXISTS (SELECT 1 FROM blob_links WHERE repo = name) AND "
            "NOT EXISTS (SELECT 1 FROM manifests WHERE repo = name)");
    while (q.step()) empty_repos.push_back(q.str(0));
  }
  for (const auto& repo : empty_repos)
    Query(db_, "DELETE FROM repositories WHERE name = ?1").text(repo).run();
  tx.commit();

  std::unique_lock lock(mu_);
  for (const auto& [repo, digest] : dead) mirror_.remove_manifest(repo, digest);
  for (const auto& [repo, digest] : unlinked) mirror_.unlink(repo, digest, now);
  std::erase_if(mirror_.released, [&](const auto& kv) { return kv.second <= cutoff; });
  for (const auto& repo : empty_repos) mirror_.repos.erase(repo);
  return report;
}

}  // namespace

std::unique_ptr<MetadataStore> open_sqlite_metadata_store(const std::filesystem::path& root,
                                                          SqliteMetadataOptions options) {
  return std::make_unique<SqliteMetadataStore>(root, std::move(options));
}

std::unique_ptr<MetadataStore> open_sqlite_metadata_store(const std::filesystem::path& root) {
  return open_sqlite_metadata_store(root, SqliteMetadataOptions{});
}

}  // namespace ch::server::store

namespace ch::server::store {

void MetadataStore::export_repositories(const std::function<void(const RepositoryContents&)>&) {
  throw Error(ErrorCode::kInvalidArgument, "this metadata store cannot be exported");
}

}  // namespace ch::server::store
