// PgMetadataStore: the registry's metadata in PostgreSQL, shared by several nodes.
//
// Coherence: there is no mirror. Every call reads the database, so a write acknowledged by
// any node is visible to the next call on every node, and generation() is a row of the
// database bumped by every transaction that changes a manifest or a tag. The only memory
// is a bounded LRU cache of parsed manifests keyed by the manifest row's id (a bigserial):
// a row's content never changes after its INSERT and ids are never reused, so a cached
// entry cannot be stale; whether the manifest still exists in its repository is asked of
// the database on each call (one indexed lookup that returns the id).
//
// Transactions: every state change is one transaction at SERIALIZABLE isolation, retried
// (a bounded number of times, with jittered backoff) on a serialization failure or a
// deadlock (SQLSTATE 40001, 40P01). Transactions that change manifests or tags, and the
// garbage collector, first take `LOCK TABLE generation IN EXCLUSIVE MODE`: such writers
// queue instead of failing on the generation row, exactly like the SQLite store's single
// writer. LOCK TABLE takes no snapshot, so the snapshot each writer works on starts after
// the previous writer committed. Blob links (uploads, mounts) do not take that lock;
// PostgreSQL's serializable snapshot isolation aborts whichever of them would break a
// serial order with a concurrent manifest write or collection, and it is retried.
// Reads are single statements (one snapshot each) or, when they need several statements,
// a REPEATABLE READ READ ONLY transaction. As with the SQLite store, pushes and tag
// changes on every node wait while a collection runs; uploads do not.
//
// Connections: a pool of at most `connections` libpq connections (mutex + condition
// variable), opened on demand. A statement that fails because the connection broke
// (PostgreSQL restarted, network cut) resets the connection and reruns the operation once;
// if the database is still unreachable the call throws Error(kUnavailable) naming the database
// without its password. An operation whose COMMIT was lost with the connection runs again:
// pushes and links are idempotent; a delete then answers false although it happened.
//
// Garbage collection runs in the database (temporary tables and recursive queries), so a
// node's memory does not grow with the database; the collector also holds
// pg_advisory_xact_lock(kGcLockKey): one collector at a time across all nodes, even if the
// writer lock is narrowed one day.
#include "server/store/pg_metadata_store.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/error.hpp"
#include "cosign/tags.hpp"
#include "server/store/libpq.hpp"

namespace ch::server::store {

namespace {

// Advisory lock keys ("chschema", "chgc" in ASCII): schema creation and the collector.
constexpr std::int64_t kSchemaLockKey = 0x6368736368656d61;
constexpr std::int64_t kGcLockKey = 0x6368676300000000;
// Blob commits (shared) against the collector's blob deletes (exclusive), across nodes.
constexpr std::int64_t kCommitLockKey = 0x6368636f6d6d6974;
// Serialization failures and deadlocks retried before giving up.
constexpr int kMaxConflictRetries = 30;
// The attachment tags of cosign/tags.hpp (attachment_subject), for queries.
const char* const kAttachmentTagPattern = "'^sha256-[0-9a-f]{64}(\\.sig|\\.att|\\.sbom)?$'";

// Text columns compare and sort bytewise (COLLATE "C"), as the API's pagination requires.
// Manifest bytes are bytea (sent as binary parameters). manifests.id is the cache key.
const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);

-- Bumped by every transaction that changes a manifest or a tag; also the writers' lock.
CREATE TABLE IF NOT EXISTS generation (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  value bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS repositories (
  name text COLLATE "C" PRIMARY KEY,
  created_at bigint NOT NULL
);

-- A blob is visible in a repository while linked there (upload, mount, manifest).
CREATE TABLE IF NOT EXISTS blob_links (
  repo text COLLATE "C" NOT NULL REFERENCES repositories(name),
  digest text COLLATE "C" NOT NULL,
  size bigint NOT NULL,
  linked_at bigint NOT NULL,
  PRIMARY KEY (repo, digest)
);
CREATE INDEX IF NOT EXISTS blob_links_by_digest ON blob_links(digest);

-- When the last link of a digest went away; the blob file stays for a grace period after.
CREATE TABLE IF NOT EXISTS blob_released (
  digest text COLLATE "C" PRIMARY KEY,
  released_at bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS manifests (
  id bigserial PRIMARY KEY,  -- a row's content never changes: the cache key
  repo text COLLATE "C" NOT NULL REFERENCES repositories(name),
  digest text COLLATE "C" NOT NULL,
  media_type text NOT NULL,
  bytes bytea NOT NULL,
  subject_digest text COLLATE "C",
  subject_media_type text,
  subject_size bigint,
  artifact_type text NOT NULL,
  annotations text NOT NULL,
  chart text NOT NULL DEFAULT '',  -- a chart's classic index entry (JSON), '' otherwise
  created_at bigint NOT NULL,      -- first push
  pushed_at bigint NOT NULL,       -- last push (garbage collection's age)
  UNIQUE (repo, digest)
);
CREATE INDEX IF NOT EXISTS manifests_by_subject ON manifests(repo, subject_digest)
  WHERE subject_digest IS NOT NULL;

-- What a manifest references: config + layers (blob) or index children (manifest), in order.
CREATE TABLE IF NOT EXISTS manifest_refs (
  manifest_id bigint NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('blob', 'manifest')),
  position integer NOT NULL,
  digest text COLLATE "C" NOT NULL,
  media_type text NOT NULL,
  size bigint NOT NULL,
  PRIMARY KEY (manifest_id, kind, position)
);
CREATE INDEX IF NOT EXISTS manifest_refs_by_digest ON manifest_refs(digest);

CREATE TABLE IF NOT EXISTS tags (
  repo text COLLATE "C" NOT NULL,
  tag text COLLATE "C" NOT NULL,
  digest text COLLATE "C" NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (repo, tag),
  FOREIGN KEY (repo, digest) REFERENCES manifests(repo, digest) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS tags_by_digest ON tags(repo, digest);
)sql";

// Transaction openers. A writer's snapshot starts after LOCK TABLE (which takes none).
const char* const kBeginWriter =
    "BEGIN ISOLATION LEVEL SERIALIZABLE; LOCK TABLE generation IN EXCLUSIVE MODE";
const char* const kBeginLinks = "BEGIN ISOLATION LEVEL SERIALIZABLE";
const char* const kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// ---------------------------------------------------------------------------------------
// A thin libpq layer: statement failures as PgFailure, RAII results, parameters as text
// (bytea as binary), pooled connections.

struct PgFailure {
  std::string sqlstate;
  std::string message;
  bool broken = false;  // the connection is gone: reset and rerun

  bool conflict() const { return sqlstate == "40001" || sqlstate == "40P01"; }
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() {
    if (r_ != nullptr) libpq().clear(r_);
  }
  Result(Result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;

  int rows() const { return libpq().ntuples(r_); }
  bool null(int row, int col) const { return libpq().getisnull(r_, row, col) != 0; }
  std::string str(int row, int col) const {
    return std::string(libpq().getvalue(r_, row, col),
                       static_cast<std::size_t>(libpq().getlength(r_, row, col)));
  }
  std::int64_t i64(int row, int col) const {
    return std::strtoll(libpq().getvalue(r_, row, col), nullptr, 10);
  }
  bool boolean(int row, int col) const { return libpq().getvalue(r_, row, col)[0] == 't'; }
  std::string bytea(int row, int col) const {
    std::size_t n = 0;
    unsigned char* p = libpq().unescape_bytea(
        reinterpret_cast<const unsigned char*>(libpq().getvalue(r_, row, col)), &n);
    if (p == nullptr) throw PgFailure{"", "cannot decode bytea (out of memory)", false};
    std::string out(reinterpret_cast<const char*>(p), n);
    libpq().freemem(p);
    return out;
  }
  long affected() const { return std::strtol(libpq().cmd_tuples(r_), nullptr, 10); }

 private:
  PGresult* r_;
};

// Statement parameters, in order ($1, $2, ...).
class Params {
 public:
  Params& text(std::string v) { return add(std::move(v), 0); }
  Params& bytes(std::string v) { return add(std::move(v), 1); }
  Params& integer(std::int64_t v) { return add(std::to_string(v), 0); }
  Params& null() {
    values_.emplace_back();
    formats_.push_back(0);
    return *this;
  }
  // A text[] literal: {"a","b"}.
  Params& texts(const std::vector<std::string>& v) {
    std::string out = "{";
    for (const auto& s : v) {
      if (out.size() > 1) out += ',';
      out += '"';
      for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
    return add(out + "}", 0);
  }
  Params& integers(const std::vector<std::int64_t>& v) {
    std::string out = "{";
    for (auto i : v) {
      if (out.size() > 1) out += ',';
      out += std::to_string(i);
    }
    return add(out + "}", 0);
  }

  int count() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const {
    std::vector<const char*> out;
    for (const auto& v : values_) out.push_back(v ? v->data() : nullptr);
    return out;
  }
  std::vector<int> lengths() const {
    std::vector<int> out;
    for (const auto& v : values_) out.push_back(v ? static_cast<int>(v->size()) : 0);
    return out;
  }
  const int* formats() const { return formats_.data(); }

 private:
  Params& add(std::string v, int format) {
    values_.emplace_back(std::move(v));
    formats_.push_back(format);
    return *this;
  }
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
};

// One connection, used by one thread at a time (leased from the pool).
class Conn {
 public:
  explicit Conn(PGconn* c) : c_(c) {}
  PGconn* raw() const { return c_; }

  Result exec(const char* sql, const Params& params = {}) {
    auto values = params.pointers();
    auto lengths = params.lengths();
    return check(libpq().exec_params(c_, sql, params.count(), nullptr, values.data(),
                                     lengths.data(), params.formats(), 0));
  }
  // Several statements, no parameters (BEGIN ...; LOCK ...).
  void script(const char* sql) { check(libpq().exec(c_, sql)); }

  void rollback_quietly() noexcept {
    try {
      script("ROLLBACK");
    } catch (...) {  // a broken connection has no transaction left to roll back
    }
  }

 private:
  Result check(PGresult* r) {
    Result result(r);
    auto status = r == nullptr ? PGRES_FATAL_ERROR : libpq().result_status(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    PgFailure f;
    if (r != nullptr) {
      if (const char* s = libpq().result_error_field(r, PG_DIAG_SQLSTATE)) f.sqlstate = s;
      f.message = trim(libpq().result_error_message(r));
    }
    if (f.message.empty()) f.message = trim(libpq().error_message(c_));
    // Class 08: connection exception; 57P0x: the server is shutting down or restarting.
    f.broken = libpq().status(c_) != CONNECTION_OK || f.sqlstate.rfind("08", 0) == 0 ||
               f.sqlstate.rfind("57P0", 0) == 0;
    throw f;
  }
  PGconn* c_;
};

// A transaction, rolled back unless committed.
class Tx {
 public:
  Tx(Conn& c, const char* begin) : c_(c) {
    c_.script(begin);
    open_ = true;
  }
  ~Tx() {
    if (open_) c_.rollback_quietly();
  }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  void commit() {
    open_ = false;  // COMMIT ends the transaction even when it fails
    c_.script("COMMIT");
  }

 private:
  Conn& c_;
  bool open_ = false;
};

// At most `max` connections, opened on demand and kept; callers beyond wait.
// A database that does not answer must not hold a request forever: unless the operator set
// them, connecting gives up after 5 s and TCP keepalives notice a vanished server in ~25 s.
std::string with_timeouts(std::string conninfo) {
  const bool uri = conninfo.rfind("postgres://", 0) == 0 || conninfo.rfind("postgresql://", 0) == 0;
  for (const char* setting : {"connect_timeout=5", "keepalives=1", "keepalives_idle=10",
                              "keepalives_interval=5", "keepalives_count=3"}) {
    std::string key = std::string(setting).substr(0, std::string(setting).find('=') + 1);
    if (conninfo.find(key) != std::string::npos) continue;
    if (uri)
      conninfo += (conninfo.find('?') == std::string::npos ? "?" : "&") + std::string(setting);
    else
      conninfo += " " + std::string(setting);
  }
  return conninfo;
}

class Pool {
 public:
  Pool(std::string conninfo, std::string where, std::size_t max)
      : conninfo_(with_timeouts(std::move(conninfo))),
        where_(std::move(where)),
        max_(std::max<std::size_t>(1, max)) {}
  ~Pool() {
    for (auto* c : idle_) libpq().finish(c);
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  PGconn* take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      PGconn* c = idle_.back();
      idle_.pop_back();
      return c;
    }
    ++open_;
    lock.unlock();
    try {
      return connect();
    } catch (...) {
      lock.lock();
      --open_;
      cv_.notify_one();
      throw;
    }
  }

  void give_back(PGconn* c) {
    // A connection left inside a transaction (an exception between statements) is rolled
    // back before anyone else uses it.
    auto ts = libpq().transaction_status(c);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) Conn(c).rollback_quietly();
    std::lock_guard lock(mu_);
    idle_.push_back(c);
    cv_.notify_one();
  }

  // Reconnects a broken connection; throws Error(kUnavailable) when the database stays
  // unreachable.
  void reset(PGconn* c) {
    libpq().reset(c);
    if (libpq().status(c) != CONNECTION_OK) throw unreachable(c);
    prepare(c);
  }

  Error unreachable(PGconn* c) const {
    return Error(ErrorCode::kUnavailable, "PostgreSQL metadata database " + where_ +
                                              " is unreachable: " + trim(libpq().error_message(c)));
  }
  const std::string& where() const { return where_; }

  // A connection of its own, outside the pool's count (closed by the caller with finish).
  PGconn* connect() {
    PGconn* c = libpq().connectdb(conninfo_.c_str());
    if (c == nullptr) throw Error(ErrorCode::kIo, "PostgreSQL connection: out of memory");
    if (libpq().status(c) != CONNECTION_OK) {
      Error e = unreachable(c);
      libpq().finish(c);
      throw e;
    }
    try {
      prepare(c);
    } catch (...) {
      libpq().finish(c);
      throw;
    }
    return c;
  }

 private:
  // Session settings, again after every reset. CREATE ... IF NOT EXISTS notices would go
  // to stderr through libpq's default notice processor.
  void prepare(PGconn* c) {
    try {
      Conn(c).script("SET client_min_messages = warning; SET application_name = 'charthouse'");
    } catch (const PgFailure& f) {
      throw Error(ErrorCode::kIo,
                  "PostgreSQL metadata database " + where_ + ": session setup: " + f.message);
    }
  }

  const std::string conninfo_;
  const std::string where_;
  const std::size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<PGconn*> idle_;
  std::size_t open_ = 0;
};

// A connection taken from the pool for one operation.
class Lease {
 public:
  explicit Lease(Pool& pool) : pool_(pool), conn_(pool.take()) {}
  ~Lease() { pool_.give_back(conn_.raw()); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Conn& conn() { return conn_; }

 private:
  Pool& pool_;
  Conn conn_;
};

// ---------------------------------------------------------------------------------------
// The bounded cache of parsed manifests, by manifests.id (immutable rows).

class ManifestCache {
 public:
  explicit ManifestCache(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const Manifest> get(std::int64_t id) {
    std::lock_guard lock(mu_);
    auto it = index_.find(id);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }

  void put(std::int64_t id, std::shared_ptr<const Manifest> m) {
    if (capacity_ == 0) return;
    std::lock_guard lock(mu_);
    if (auto it = index_.find(id); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.emplace_front(id, std::move(m));
    index_[id] = lru_.begin();
    while (lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return lru_.size();
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<std::pair<std::int64_t, std::shared_ptr<const Manifest>>> lru_;  // most recent first
  std::unordered_map<std::int64_t, decltype(lru_)::iterator> index_;
};

void check_repo(const std::string& repo) {
  if (repo.empty()) throw Error(ErrorCode::kInvalidArgument, "repository name is empty");
}

void check_digest(const Digest& d) {
  if (d.hex.size() != hex_length(d.algorithm))
    throw Error(ErrorCode::kInvalidArgument, "invalid digest \"" + d.str() + "\"");
}

Digest stored_digest(const std::string& text) {
  if (!Digest::is_valid(text))
    throw Error(ErrorCode::kIo, "PostgreSQL metadata database is corrupt: bad digest \"" +
                                    text.substr(0, 100) + "\"");
  return Digest::parse(text);
}

// First occurrences, in order.
std::vector<std::string> unique(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& s : in)
    if (seen.insert(s).second) out.push_back(s);
  return out;
}

Page page_of(const Result& r, long n) {
  Page page;
  for (int i = 0; i < r.rows(); ++i) {
    if (n > 0 && page.items.size() == static_cast<std::size_t>(n)) {
      page.more = true;
      break;
    }
    page.items.push_back(r.str(i, 0));
  }
  return page;
}

// The LIMIT for a page of n (n < 0: all): one more row tells whether another page exists.
Params& limit(Params& p, long n) {
  return n < 0 ? p.null() : p.integer(n + 1);
}

// Columns of a manifest row, with its references as a JSON array of [kind, digest,
// media_type, size] in order.
const char* const kManifestColumns =
    "m.id, m.repo, m.digest, m.media_type, m.bytes, m.subject_digest, m.subject_media_type, "
    "m.subject_size, m.artifact_type, m.annotations, m.chart, "
    "(SELECT json_agg(json_build_array(r.kind, r.digest, r.media_type, r.size) "
    "ORDER BY r.kind, r.position) FROM manifest_refs r WHERE r.manifest_id = m.id)";

// ---------------------------------------------------------------------------------------

class PgMetadataStore final : public MetadataStore {
 public:
  PgMetadataStore(const std::string& conninfo, PgMetadataOptions options)
      : clock_(std::move(options.clock)),
        pool_(conninfo, redact_conninfo(conninfo), options.connections),
        cache_(options.cache_entries) {
    if (!clock_) {
      clock_ = [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      };
    }
    ensure_schema();
  }

  std::size_t cached_manifests() const { return cache_.size(); }

  // -- blobs ----------------------------------------------------------------------------

  void link_blob(const std::string& repo, const Digest& d, std::uint64_t size) override {
    check_repo(repo);
    check_digest(d);
    run("link blob", [&](Conn& c) {
      const auto now = clock_();
      Tx tx(c, kBeginLinks);
      ensure_repo(c, repo, now);
      c.exec(
          "INSERT INTO blob_links (repo, digest, size, linked_at) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (repo, digest) DO UPDATE SET size = excluded.size, "
          "linked_at = excluded.linked_at",
          Params().text(repo).text(d.str()).integer(static_cast<std::int64_t>(size)).integer(now));
      c.exec("DELETE FROM blob_released WHERE digest = $1", Params().text(d.str()));
      tx.commit();
    });
  }

  bool unlink_blob(const std::string& repo, const Digest& d) override {
    return run("unlink blob", [&](Conn& c) {
      const auto now = clock_();
      Tx tx(c, kBeginLinks);
      auto r = c.exec("DELETE FROM blob_links WHERE repo = $1 AND digest = $2",
                      Params().text(repo).text(d.str()));
      if (r.affected() == 0) return false;
      release_if_unlinked(c, {d.str()}, now);
      tx.commit();
      return true;
    });
  }

  std::optional<std::uint64_t> blob_in_repo(const std::string& repo, const Digest& d) override {
    return run("find blob", [&](Conn& c) -> std::optional<std::uint64_t> {
      auto r = c.exec("SELECT size FROM blob_links WHERE repo = $1 AND digest = $2",
                      Params().text(repo).text(d.str()));
      if (r.rows() == 0) return std::nullopt;
      return static_cast<std::uint64_t>(r.i64(0, 0));
    });
  }

  std::optional<std::string> repo_with_blob(const Digest& d) override {
    return run("find blob", [&](Conn& c) -> std::optional<std::string> {
      auto r = c.exec("SELECT repo FROM blob_links WHERE digest = $1 ORDER BY repo LIMIT 1",
                      Params().text(d.str()));
      if (r.rows() == 0) return std::nullopt;
      return r.str(0, 0);
    });
  }

  std::size_t repositories_linking(const Digest& d) override {
    return run("count blob links", [&](Conn& c) {
      auto r = c.exec("SELECT count(*) FROM blob_links WHERE digest = $1", Params().text(d.str()));
      return static_cast<std::size_t>(r.i64(0, 0));
    });
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
    std::vector<std::string> blobs, children;
    for (const auto& b : m.blobs) blobs.push_back(Digest::parse(b.digest).str());
    for (const auto& c : m.manifests) children.push_back(Digest::parse(c.digest).str());
    if (m.subject) check_digest(Digest::parse(m.subject->digest));
    const std::string& repo = m.repository;
    const std::string digest = m.digest.str();
    const auto tag_list = unique(tags);

    std::int64_t inserted_id = -1;
    auto result = run("put manifest", [&](Conn& c) {
      inserted_id = -1;
      const auto now = clock_();
      Tx tx(c, kBeginWriter);
      PutManifestResult out;
      std::unordered_set<std::string> reported;
      auto missing = [&](const char* table, const std::vector<std::string>& digests) {
        if (digests.empty()) return;
        auto r =
            c.exec((std::string("SELECT x.d FROM unnest($2::text[]) WITH ORDINALITY AS x(d, i) "
                                "WHERE NOT EXISTS (SELECT 1 FROM ") +
                    table + " t WHERE t.repo = $1 AND t.digest = x.d) ORDER BY x.i")
                       .c_str(),
                   Params().text(repo).texts(digests));
        for (int i = 0; i < r.rows(); ++i)
          if (reported.insert(r.str(i, 0)).second)
            out.missing.push_back(stored_digest(r.str(i, 0)));
      };
      missing("blob_links", blobs);
      missing("manifests", children);
      if (!out.missing.empty()) return out;  // rolls back: nothing changed

      ensure_repo(c, repo, now);
      auto existing = c.exec("SELECT id FROM manifests WHERE repo = $1 AND digest = $2",
                             Params().text(repo).text(digest));
      if (existing.rows() != 0) {
        c.exec("UPDATE manifests SET pushed_at = $2 WHERE id = $1",
               Params().integer(existing.i64(0, 0)).integer(now));
      } else {
        inserted_id = insert_manifest(c, m, now);
      }
      if (!tag_list.empty()) {
        c.exec(
            "INSERT INTO tags (repo, tag, digest, updated_at) "
            "SELECT $1, t, $2, $3 FROM unnest($4::text[]) AS t "
            "ON CONFLICT (repo, tag) DO UPDATE SET digest = excluded.digest, "
            "updated_at = excluded.updated_at",
            Params().text(repo).text(digest).integer(now).texts(tag_list));
      }
      bump_generation(c);
      tx.commit();
      return out;
    });
    if (inserted_id >= 0) cache_.put(inserted_id, as_stored(m));
    return result;
  }

  std::optional<Manifest> get_manifest(const std::string& repo, const Digest& d) override {
    auto found = run("get manifest", [&](Conn& c) -> std::shared_ptr<const Manifest> {
      auto r = c.exec("SELECT id FROM manifests WHERE repo = $1 AND digest = $2",
                      Params().text(repo).text(d.str()));
      if (r.rows() == 0) return nullptr;
      return fetch(c, {r.i64(0, 0)}).front();  // null when deleted in between
    });
    if (!found) return std::nullopt;
    return *found;
  }

  std::optional<Digest> resolve_tag(const std::string& repo, const std::string& tag) override {
    return run("resolve tag", [&](Conn& c) -> std::optional<Digest> {
      auto r = c.exec("SELECT digest FROM tags WHERE repo = $1 AND tag = $2",
                      Params().text(repo).text(tag));
      if (r.rows() == 0) return std::nullopt;
      return stored_digest(r.str(0, 0));
    });
  }

  bool delete_tag(const std::string& repo, const std::string& tag) override {
    return run("delete tag", [&](Conn& c) {
      Tx tx(c, kBeginWriter);
      auto r =
          c.exec("DELETE FROM tags WHERE repo = $1 AND tag = $2", Params().text(repo).text(tag));
      if (r.affected() == 0) return false;
      bump_generation(c);
      tx.commit();
      return true;
    });
  }

  bool delete_manifest(const std::string& repo, const Digest& d) override {
    return run("delete manifest", [&](Conn& c) {
      Tx tx(c, kBeginWriter);
      auto root = c.exec("SELECT chart <> '' FROM manifests WHERE repo = $1 AND digest = $2",
                         Params().text(repo).text(d.str()));
      if (root.rows() == 0) return false;
      std::vector<std::string> doomed = {d.str()}, attachment_tags;
      if (root.boolean(0, 0)) companions_of_chart(c, repo, doomed, attachment_tags);
      // Cascades to their tags and references.
      c.exec("DELETE FROM manifests WHERE repo = $1 AND digest = ANY($2::text[])",
             Params().text(repo).texts(doomed));
      if (!attachment_tags.empty())
        c.exec("DELETE FROM tags WHERE repo = $1 AND tag = ANY($2::text[])",
               Params().text(repo).texts(attachment_tags));
      bump_generation(c);
      tx.commit();
      return true;
    });
  }

  // -- listing ---------------------------------------------------------------------------

  std::vector<ChartTag> charts_under(const std::string& ns) override {
    return run("list charts", [&](Conn& c) {
      Tx tx(c, kBeginRead);  // the tags and their manifests from one snapshot
      auto r = c.exec(
          "SELECT t.repo, t.tag, m.id FROM tags t "
          "JOIN manifests m ON m.repo = t.repo AND m.digest = t.digest "
          "WHERE m.chart <> '' AND ($1 = '' OR t.repo = $1 OR "
          "(t.repo >= $1 || '/' COLLATE \"C\" AND t.repo < $1 || '0' COLLATE \"C\")) "
          "ORDER BY t.repo, t.tag",
          Params().text(ns));
      std::vector<std::int64_t> ids;
      for (int i = 0; i < r.rows(); ++i) ids.push_back(r.i64(i, 2));
      auto manifests = fetch(c, ids);
      tx.commit();
      std::vector<ChartTag> out;
      for (int i = 0; i < r.rows(); ++i)
        if (manifests[static_cast<std::size_t>(i)])
          out.push_back({r.str(i, 0), r.str(i, 1), manifests[static_cast<std::size_t>(i)]});
      return out;
    });
  }

  bool remote() const override { return true; }

  std::uint64_t generation() override {
    return run("read generation", [&](Conn& c) {
      auto r = c.exec("SELECT value FROM generation");
      return r.rows() == 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(r.i64(0, 0));
    });
  }

  bool repository_exists(const std::string& repo) override {
    return run("find repository", [&](Conn& c) {
      return c.exec("SELECT 1 FROM repositories WHERE name = $1", Params().text(repo)).rows() != 0;
    });
  }

  Page list_tags(const std::string& repo, const std::string& last, long n) override {
    if (n == 0) return {};  // the spec: an empty list and no Link
    return run("list tags", [&](Conn& c) {
      Params p;
      p.text(repo).text(last);
      auto r = c.exec("SELECT tag FROM tags WHERE repo = $1 AND tag > $2 ORDER BY tag LIMIT $3",
                      limit(p, n));
      return page_of(r, n);
    });
  }

  Page list_repositories(const std::string& last, long n) override {
    if (n == 0) return {};
    return run("list repositories", [&](Conn& c) {
      Params p;
      p.text(last);
      auto r = c.exec("SELECT name FROM repositories WHERE name > $1 ORDER BY name LIMIT $2",
                      limit(p, n));
      return page_of(r, n);
    });
  }

  std::vector<Manifest> referrers(const std::string& repo, const Digest& subject,
                                  const std::vector<std::string>& artifact_types) override {
    auto found = run("list referrers", [&](Conn& c) {
      Tx tx(c, kBeginRead);
      auto r = c.exec(
          "SELECT id FROM manifests WHERE repo = $1 AND subject_digest = $2 AND "
          "(cardinality($3::text[]) = 0 OR artifact_type = ANY($3::text[])) ORDER BY digest",
          Params().text(repo).text(subject.str()).texts(artifact_types));
      std::vector<std::int64_t> ids;
      for (int i = 0; i < r.rows(); ++i) ids.push_back(r.i64(i, 0));
      auto out = fetch(c, ids);
      tx.commit();
      return out;
    });
    std::vector<Manifest> out;
    out.reserve(found.size());
    for (const auto& m : found)
      if (m) out.push_back(*m);
    return out;
  }

  // -- garbage collection ------------------------------------------------------------------

  GcReport collect(std::chrono::seconds grace, bool dry_run) override;

  bool blob_is_garbage(const Digest& d, std::int64_t blob_mtime,
                       std::chrono::seconds grace) override {
    const std::int64_t cutoff = clock_() - grace.count();
    if (blob_mtime > cutoff) return false;  // committed (or re-committed) recently
    return run("check blob", [&](Conn& c) {
      auto r = c.exec(
          "SELECT EXISTS (SELECT 1 FROM blob_links WHERE digest = $1), "
          "(SELECT released_at FROM blob_released WHERE digest = $1)",
          Params().text(d.str()));
      if (r.boolean(0, 0)) return false;
      return r.null(0, 1) || r.i64(0, 1) <= cutoff;
    });
  }

  // The commit lock across nodes: an advisory lock on a connection of its own (so a hold
  // never takes a pooled connection that the statements under it need). Shared holds of this
  // node are counted and take the database lock once; an exclusive hold (the collector, after
  // the node's own commit lock, so no shared hold of this node is open) waits at most `wait`.
  // If that connection breaks, the database has released the lock: the next hold reconnects.
  std::unique_ptr<CommitHold> share_commits() override {
    std::lock_guard lock(lock_mu_);
    if (shared_holds_ == 0) lock_statement("SELECT pg_advisory_lock_shared($1)", "share commits");
    ++shared_holds_;
    return std::make_unique<Hold>(*this, false);
  }

  std::unique_ptr<CommitHold> exclude_commits(std::chrono::milliseconds wait) override {
    std::lock_guard lock(lock_mu_);
    if (shared_holds_ != 0)
      throw Error(ErrorCode::kInvalidArgument, "exclude_commits while this node holds commits");
    lock_statement(
        ("SET lock_timeout = " + std::to_string(std::max<long long>(1, wait.count()))).c_str(),
        "exclude commits");
    try {
      lock_statement("SELECT pg_advisory_lock($1)", "exclude commits");
    } catch (...) {
      try {
        lock_statement("RESET lock_timeout", "exclude commits");
      } catch (...) {
      }
      throw;
    }
    lock_statement("RESET lock_timeout", "exclude commits");
    return std::make_unique<Hold>(*this, true);
  }

 private:
  class Hold final : public CommitHold {
   public:
    Hold(PgMetadataStore& store, bool exclusive) : store_(store), exclusive_(exclusive) {}
    ~Hold() override { store_.release_commits(exclusive_); }

   private:
    PgMetadataStore& store_;
    bool exclusive_;
  };

  void release_commits(bool exclusive) noexcept {
    std::lock_guard lock(lock_mu_);
    if (!exclusive && --shared_holds_ != 0) return;
    try {
      lock_statement(
          exclusive ? "SELECT pg_advisory_unlock($1)" : "SELECT pg_advisory_unlock_shared($1)",
          "release commits");
    } catch (...) {
      // The connection is gone, and with it the lock.
    }
  }

  // Runs one statement (with kCommitLockKey as $1 when it has one) on the lock connection,
  // with lock_mu_ held: connecting when there is none, once more after a broken connection.
  // A lock wait that times out (SQLSTATE 55P03) and an unreachable database throw
  // Error(kUnavailable).
  void lock_statement(const char* sql, const char* what) {
    for (int attempt = 0;; ++attempt) {
      if (lock_conn_ == nullptr) lock_conn_ = pool_.connect();
      try {
        Conn c(lock_conn_);
        if (std::string_view(sql).find("$1") != std::string_view::npos)
          c.exec(sql, Params().integer(kCommitLockKey));
        else
          c.script(sql);
        return;
      } catch (const PgFailure& f) {
        if (f.broken && attempt == 0) {
          libpq().finish(lock_conn_);
          lock_conn_ = nullptr;
          continue;
        }
        if (f.sqlstate == "55P03")
          throw Error(ErrorCode::kUnavailable, std::string("PostgreSQL metadata database: ") +
                                                   what + ": lock wait timed out");
        throw Error(
            f.broken ? ErrorCode::kUnavailable : ErrorCode::kIo,
            "PostgreSQL metadata database " + pool_.where() + ": " + what + ": " + f.message);
      }
    }
  }

  // Runs `body` on a pooled connection: once more after resetting a broken connection, and
  // again (bounded, with backoff) after a serialization failure or deadlock. Other
  // failures become Error(kIo).
  template <class F>
  auto run(const char* what, F&& body) -> decltype(body(std::declval<Conn&>())) {
    Lease lease(pool_);
    bool reconnected = false;
    for (int conflicts = 0;; ++conflicts) {
      try {
        return body(lease.conn());
      } catch (const PgFailure& f) {
        if (f.broken) {
          if (reconnected)
            throw Error(ErrorCode::kUnavailable, "PostgreSQL metadata database " + pool_.where() +
                                                     " is unreachable (" + what +
                                                     "): " + f.message);
          reconnected = true;
          pool_.reset(lease.conn().raw());  // throws when the database stays unreachable
          continue;
        }
        if (f.conflict() && conflicts < kMaxConflictRetries) {
          backoff(conflicts);
          continue;
        }
        throw Error(ErrorCode::kIo, "PostgreSQL metadata database " + pool_.where() + ": " + what +
                                        ": " + f.message);
      }
    }
  }

  static void backoff(int attempt) {
    thread_local std::mt19937 rng(std::random_device{}());
    const int ceiling = std::min(100, 2 << std::min(attempt, 6));
    std::uniform_int_distribution<int> ms(1, ceiling);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms(rng)));
  }

  // Creates the schema when missing, under an advisory lock so that nodes starting at once
  // do not race on the catalog; refuses a newer schema.
  void ensure_schema() {
    run("create schema", [&](Conn& c) {
      Tx tx(c, "BEGIN");
      c.exec("SELECT pg_advisory_xact_lock($1)", Params().integer(kSchemaLockKey));
      auto exists = c.exec("SELECT to_regclass('schema_version') IS NOT NULL");
      if (exists.boolean(0, 0)) {
        auto v = c.exec("SELECT max(version) FROM schema_version");
        const std::int64_t version = v.null(0, 0) ? 0 : v.i64(0, 0);
        if (version > kPgMetadataSchemaVersion)
          throw Error(ErrorCode::kIo,
                      "PostgreSQL metadata database " + pool_.where() + " has schema version " +
                          std::to_string(version) + ", newer than this charthouse (" +
                          std::to_string(kPgMetadataSchemaVersion) + "); upgrade charthouse");
        if (version == kPgMetadataSchemaVersion) return;  // rolls back: nothing to do
      }
      c.script(kSchema);
      c.exec("DELETE FROM schema_version");
      c.exec("INSERT INTO schema_version (version) VALUES ($1)",
             Params().integer(kPgMetadataSchemaVersion));
      c.exec("INSERT INTO generation (id, value) VALUES (true, 0) ON CONFLICT DO NOTHING");
      tx.commit();
    });
  }

  static void ensure_repo(Conn& c, const std::string& repo, std::int64_t now) {
    c.exec("INSERT INTO repositories (name, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
           Params().text(repo).integer(now));
  }

  static void bump_generation(Conn& c) { c.exec("UPDATE generation SET value = value + 1"); }

  // Records when digests lost their last link (blob_is_garbage waits a grace period after).
  static void release_if_unlinked(Conn& c, const std::vector<std::string>& digests,
                                  std::int64_t now) {
    c.exec(
        "INSERT INTO blob_released (digest, released_at) "
        "SELECT d, $2 FROM unnest($1::text[]) AS d "
        "WHERE NOT EXISTS (SELECT 1 FROM blob_links WHERE digest = d) "
        "ON CONFLICT (digest) DO UPDATE SET released_at = excluded.released_at",
        Params().texts(digests).integer(now));
  }

  static std::int64_t insert_manifest(Conn& c, const Manifest& m, std::int64_t now) {
    Params p;
    p.text(m.repository).text(m.digest.str()).text(m.media_type).bytes(m.bytes);
    if (m.subject)
      p.text(m.subject->digest).text(m.subject->media_type).integer(m.subject->size);
    else
      p.null().null().null();
    p.text(m.artifact_type).text(m.annotations.dump()).text(m.chart).integer(now);
    auto r = c.exec(
        "INSERT INTO manifests (repo, digest, media_type, bytes, subject_digest, "
        "subject_media_type, subject_size, artifact_type, annotations, chart, created_at, "
        "pushed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        p);
    const std::int64_t id = r.i64(0, 0);
    auto refs = [&](const std::vector<Descriptor>& list, const char* kind) {
      if (list.empty()) return;
      std::vector<std::string> digests, media_types;
      std::vector<std::int64_t> sizes;
      for (const auto& d : list) {
        digests.push_back(d.digest);
        media_types.push_back(d.media_type);
        sizes.push_back(d.size);
      }
      c.exec(
          "INSERT INTO manifest_refs (manifest_id, kind, position, digest, media_type, size) "
          "SELECT $1, $2, x.i - 1, x.d, x.mt, x.sz "
          "FROM unnest($3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS x(d, mt, sz, i)",
          Params().integer(id).text(kind).texts(digests).texts(media_types).integers(sizes));
    };
    refs(m.blobs, "blob");
    refs(m.manifests, "manifest");
    return id;
  }

  // The manifests with these ids (null where a row is gone), from the cache or one query.
  std::vector<std::shared_ptr<const Manifest>> fetch(Conn& c,
                                                     const std::vector<std::int64_t>& ids) {
    std::vector<std::shared_ptr<const Manifest>> out(ids.size());
    std::vector<std::int64_t> missing;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      out[i] = cache_.get(ids[i]);
      if (!out[i]) missing.push_back(ids[i]);
    }
    if (missing.empty()) return out;
    auto r = c.exec((std::string("SELECT ") + kManifestColumns +
                     " FROM manifests m WHERE m.id = ANY($1::bigint[])")
                        .c_str(),
                    Params().integers(missing));
    std::unordered_map<std::int64_t, std::shared_ptr<const Manifest>> loaded;
    for (int i = 0; i < r.rows(); ++i) {
      auto m = parse_manifest(r, i);
      cache_.put(r.i64(i, 0), m);
      loaded.emplace(r.i64(i, 0), std::move(m));
    }
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (!out[i])
        if (auto it = loaded.find(ids[i]); it != loaded.end()) out[i] = it->second;
    return out;
  }

  // `m` as a read from the database gives it: descriptors keep media type, digest and size
  // only. What a node caches after a push equals what any other node reads.
  static std::shared_ptr<const Manifest> as_stored(const Manifest& m) {
    auto out = std::make_shared<Manifest>(m);
    auto trim = [](Descriptor& d) { d = Descriptor{d.media_type, d.digest, d.size, "", {}}; };
    if (out->subject) trim(*out->subject);
    for (auto& d : out->blobs) trim(d);
    for (auto& d : out->manifests) trim(d);
    return out;
  }

  static std::shared_ptr<const Manifest> parse_manifest(const Result& r, int row) {
    auto m = std::make_shared<Manifest>();
    m->repository = r.str(row, 1);
    m->digest = stored_digest(r.str(row, 2));
    m->media_type = r.str(row, 3);
    m->bytes = r.bytea(row, 4);
    if (!r.null(row, 5))
      m->subject =
          Descriptor{r.str(row, 6), stored_digest(r.str(row, 5)).str(), r.i64(row, 7), "", {}};
    m->artifact_type = r.str(row, 8);
    try {
      m->annotations = nlohmann::ordered_json::parse(r.str(row, 9));
      if (!r.null(row, 11)) {
        for (const auto& ref : nlohmann::json::parse(r.str(row, 11))) {
          Descriptor d{ref.at(2).get<std::string>(),
                       stored_digest(ref.at(1).get<std::string>()).str(),
                       ref.at(3).get<std::int64_t>(),
                       "",
                       {}};
          (ref.at(0).get<std::string>() == "blob" ? m->blobs : m->manifests)
              .push_back(std::move(d));
        }
      }
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::kIo, "PostgreSQL metadata database is corrupt: manifest " +
                                      m->digest.str() + ": " + e.what());
    }
    m->chart = r.str(row, 10);
    return m;
  }

  // A chart takes what is attached to it along when it is deleted (doomed[0]): its
  // signatures and other referrers (at any depth: a signature of an SBOM of the chart), and
  // what hangs under its cosign/referrers-schema tags (`sha256-<hex>[.sig|.att|.sbom]`),
  // unless such a manifest also has a tag of its own. Other manifests leave their referrers
  // to garbage collection, as the distribution spec expects. Same rules as the SQLite
  // store, asked of the database inside the deleting transaction.
  static void companions_of_chart(Conn& c, const std::string& repo,
                                  std::vector<std::string>& doomed,
                                  std::vector<std::string>& attachment_tags) {
    std::unordered_set<std::string> seen(doomed.begin(), doomed.end());
    auto own_tag = [&](const std::string& digest) {
      auto r = c.exec("SELECT tag FROM tags WHERE repo = $1 AND digest = $2",
                      Params().text(repo).text(digest));
      for (int i = 0; i < r.rows(); ++i)
        if (cosign::attachment_subject(r.str(i, 0)).empty()) return true;
      return false;
    };
    auto exists = [&](const std::string& digest) {
      return c.exec("SELECT 1 FROM manifests WHERE repo = $1 AND digest = $2",
                    Params().text(repo).text(digest))
                 .rows() != 0;
    };
    auto doom = [&](const std::string& digest) {
      if (seen.count(digest) == 0 && exists(digest) && !own_tag(digest)) {
        seen.insert(digest);
        doomed.push_back(digest);
      }
    };
    for (std::size_t i = 0; i < doomed.size(); ++i) {
      const std::string subject = doomed[i];
      auto refs = c.exec(
          "SELECT digest FROM manifests WHERE repo = $1 AND subject_digest = $2 ORDER BY digest",
          Params().text(repo).text(subject));
      for (int j = 0; j < refs.rows(); ++j) doom(refs.str(j, 0));
      const std::string tag = cosign::referrers_tag(subject);
      for (const char* suffix : {"", ".sig", ".att", ".sbom"}) {
        auto t = c.exec("SELECT digest FROM tags WHERE repo = $1 AND tag = $2",
                        Params().text(repo).text(tag + suffix));
        if (t.rows() == 0) continue;
        attachment_tags.push_back(tag + suffix);
        const std::string target = t.str(0, 0);
        doom(target);
        // A referrers-schema index lists the referrers it stands for.
        auto children = c.exec(
            "SELECT r.digest FROM manifest_refs r JOIN manifests m ON m.id = r.manifest_id "
            "WHERE m.repo = $1 AND m.digest = $2 AND r.kind = 'manifest' ORDER BY r.position",
            Params().text(repo).text(target));
        for (int j = 0; j < children.rows(); ++j) doom(children.str(j, 0));
      }
    }
  }

  std::function<std::int64_t()> clock_;
  Pool pool_;
  ManifestCache cache_;
  std::mutex lock_mu_;  // the lock connection and the count
  PGconn* lock_conn_ = nullptr;
  std::size_t shared_holds_ = 0;

 public:
  ~PgMetadataStore() override {
    if (lock_conn_ != nullptr) libpq().finish(lock_conn_);
  }
};

// Same algorithm as the SQLite store, computed by the database: live manifests go into a
// temporary table (roots, then everything reachable along index-child and referrer edges),
// then attachment-tag roots whose subject is live in some repository, then what is not
// live goes.
GcReport PgMetadataStore::collect(std::chrono::seconds grace, bool dry_run) {
  return run("collect garbage", [&](Conn& c) {
    const std::int64_t now = clock_();
    const std::int64_t cutoff = now - grace.count();
    Tx tx(c, kBeginWriter);
    c.exec("SELECT pg_advisory_xact_lock($1)", Params().integer(kGcLockKey));
    // Edges src -> dst: an index to its children, a manifest to its referrers (same
    // repository).
    c.script(
        "CREATE TEMP TABLE gc_edges ON COMMIT DROP AS "
        "SELECT p.id AS src, ch.id AS dst FROM manifest_refs r "
        "JOIN manifests p ON p.id = r.manifest_id "
        "JOIN manifests ch ON ch.repo = p.repo AND ch.digest = r.digest "
        "WHERE r.kind = 'manifest' "
        "UNION SELECT p.id, f.id FROM manifests f "
        "JOIN manifests p ON p.repo = f.repo AND p.digest = f.subject_digest; "
        "CREATE INDEX ON gc_edges (src); "
        "CREATE TEMP TABLE gc_live (id bigint PRIMARY KEY) ON COMMIT DROP");
    // Roots: tagged by an ordinary tag, or young.
    c.exec((std::string("INSERT INTO gc_live "
                        "WITH RECURSIVE live(id) AS ("
                        "  SELECT m.id FROM manifests m WHERE m.pushed_at > $1 OR EXISTS ("
                        "    SELECT 1 FROM tags t WHERE t.repo = m.repo AND t.digest = m.digest"
                        "    AND t.tag !~ ") +
            kAttachmentTagPattern +
            ")"
            "  UNION SELECT e.dst FROM live JOIN gc_edges e ON e.src = live.id) "
            "SELECT id FROM live")
               .c_str(),
           Params().integer(cutoff));
    // Attachment tags: roots while what they name is live in some repository.
    c.exec((std::string("INSERT INTO gc_live "
                        "WITH RECURSIVE live(id) AS ("
                        "  SELECT m.id FROM tags t "
                        "  JOIN manifests m ON m.repo = t.repo AND m.digest = t.digest "
                        "  WHERE t.tag ~ ") +
            kAttachmentTagPattern +
            "  AND 'sha256:' || substr(t.tag, 8, 64) IN ("
            "    SELECT lm.digest FROM gc_live l JOIN manifests lm ON lm.id = l.id)"
            "  UNION SELECT e.dst FROM live JOIN gc_edges e ON e.src = live.id) "
            "SELECT id FROM live ON CONFLICT DO NOTHING")
               .c_str());

    GcReport report;
    const char* const dead_manifests =
        "FROM manifests m WHERE NOT EXISTS (SELECT 1 FROM gc_live l WHERE l.id = m.id)";
    const char* const dead_links =
        "FROM blob_links b WHERE b.linked_at <= $1 AND NOT EXISTS ("
        "SELECT 1 FROM gc_live l JOIN manifests m ON m.id = l.id "
        "JOIN manifest_refs r ON r.manifest_id = m.id AND r.kind = 'blob' "
        "WHERE m.repo = b.repo AND r.digest = b.digest)";
    {
      auto r =
          c.exec((std::string("SELECT m.digest ") + dead_manifests + " ORDER BY m.repo, m.digest")
                     .c_str());
      for (int i = 0; i < r.rows(); ++i)
        report.manifests_deleted.push_back(stored_digest(r.str(i, 0)));
    }
    std::vector<std::string> unlinked;
    {
      auto r = c.exec(
          (std::string("SELECT b.digest ") + dead_links + " ORDER BY b.repo, b.digest").c_str(),
          Params().integer(cutoff));
      for (int i = 0; i < r.rows(); ++i) {
        unlinked.push_back(r.str(i, 0));
        report.blobs_unlinked.push_back(stored_digest(r.str(i, 0)));
      }
    }
    if (dry_run) return report;  // rolls back (nothing was written anyway)

    // Cascades to their tags (attachment tags of dead subjects) and references.
    c.exec((std::string("DELETE ") + dead_manifests).c_str());
    c.exec((std::string("DELETE ") + dead_links).c_str(), Params().integer(cutoff));
    if (!unlinked.empty()) release_if_unlinked(c, unique(unlinked), now);
    // Release records older than the grace no longer hold anything back.
    c.exec("DELETE FROM blob_released WHERE released_at <= $1", Params().integer(cutoff));
    c.exec(
        "DELETE FROM repositories r WHERE "
        "NOT EXISTS (SELECT 1 FROM blob_links b WHERE b.repo = r.name) AND "
        "NOT EXISTS (SELECT 1 FROM manifests m WHERE m.repo = r.name)");
    if (!report.manifests_deleted.empty()) bump_generation(c);
    tx.commit();
    return report;
  });
}

}  // namespace

std::unique_ptr<MetadataStore> open_pg_metadata_store(const std::string& conninfo,
                                                      PgMetadataOptions options) {
  return std::make_unique<PgMetadataStore>(conninfo, std::move(options));
}

std::size_t pg_metadata_cached_manifests(const MetadataStore& store) {
  const auto* pg = dynamic_cast<const PgMetadataStore*>(&store);
  return pg == nullptr ? 0 : pg->cached_manifests();
}

std::string redact_conninfo(const std::string& conninfo) {
  std::string out = conninfo;
  // URI user info: scheme://user:password@host...
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto start = scheme + 3;
    const auto end = out.find_first_of("/?", start);
    const auto authority_end = end == std::string::npos ? out.size() : end;
    const auto at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... as a URI parameter or a key=value pair.
  for (std::size_t pos = 0; (pos = out.find("password", pos)) != std::string::npos;) {
    auto eq = out.find_first_not_of(' ', pos + 8);
    const bool key = pos == 0 || out[pos - 1] == '?' || out[pos - 1] == '&' || out[pos - 1] == ' ';
    if (!key || eq == std::string::npos || out[eq] != '=') {
      pos += 8;
      continue;
    }
    auto value = out.find_first_not_of(' ', eq + 1);
    if (value == std::string::npos) break;
    std::size_t value_end;
    if (out[value] == '\'') {
      value_end = value + 1;
      while (value_end < out.size() && out[value_end] != '\'')
        value_end += out[value_end] == '\\' ? 2 : 1;
      value_end = std::min(value_end + 1, out.size());
    } else {
      value_end = out.find_first_of("& ", value);
      if (value_end == std::string::npos) value_end = out.size();
    }
    out.replace(value, value_end - value, "***");
    pos = value + 3;
  }
  return out;
}

}  // namespace ch::server::store
