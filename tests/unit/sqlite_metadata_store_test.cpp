// Tests of server/store/sqlite_metadata_store.cpp: the registry's metadata in SQLite.
// Transactions, the in-memory mirror, garbage collection, concurrent use and a crash in the
// middle of writes.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/error.hpp"
#include "base/file.hpp"
#include "metadata_test_helpers.hpp"
#include "server/store/metadata_store.hpp"
#include "server/store/sqlite_metadata_store.hpp"
#include "testing.hpp"
#include "unit_helpers.hpp"

namespace ch::server::store {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;
using testing::code_of;
using testing::desc;
using testing::desc_of;
using testing::describe;
using testing::make_manifest;
using testing::strs;

const std::int64_t kStart = 1'700'000'000;

class MetaTest : public ::testing::Test {
 public:
  fs::TempDir dir;
  std::shared_ptr<std::atomic<std::int64_t>> clock =
      std::make_shared<std::atomic<std::int64_t>>(kStart);
  std::unique_ptr<MetadataStore> meta = open();

  std::unique_ptr<MetadataStore> open() {
    SqliteMetadataOptions o;
    o.clock = [c = clock] { return c->load(); };
    return open_sqlite_metadata_store(dir.path(), o);
  }
  void reopen() {
    meta.reset();
    meta = open();
  }
  void advance(std::chrono::seconds s) { *clock += s.count(); }

  Descriptor link(const std::string& repo, const std::string& content) {
    meta->link_blob(repo, digest_of(content), content.size());
    return desc(content);
  }
  Manifest push(const Manifest& m, const std::vector<std::string>& tags = {}) {
    auto r = meta->put_manifest(m, tags);
    EXPECT_TRUE(r.missing.empty()) << "missing " << r.missing.size();
    return m;
  }
  std::vector<std::string> tags(const std::string& repo) {
    return meta->list_tags(repo, "", -1).items;
  }
  bool has(const Manifest& m) { return meta->get_manifest(m.repository, m.digest).has_value(); }
};

TEST_F(MetaTest, BlobLinksPerRepository) {
  Digest d = digest_of("layer");
  EXPECT_FALSE(meta->repository_exists("a"));
  EXPECT_FALSE(meta->repo_with_blob(d));
  meta->link_blob("a", d, 5);
  EXPECT_TRUE(meta->repository_exists("a"));  // linking creates the repository
  EXPECT_EQ(meta->blob_in_repo("a", d), 5u);
  EXPECT_FALSE(meta->blob_in_repo("b", d));
  EXPECT_EQ(meta->repo_with_blob(d), "a");
  meta->link_blob("b", d, 5);
  meta->link_blob("a", d, 5);  // again: harmless
  EXPECT_TRUE(meta->unlink_blob("a", d));
  EXPECT_FALSE(meta->unlink_blob("a", d));
  EXPECT_FALSE(meta->blob_in_repo("a", d));
  EXPECT_EQ(meta->repo_with_blob(d), "b");
  EXPECT_TRUE(meta->unlink_blob("b", d));
  EXPECT_FALSE(meta->repo_with_blob(d));
  EXPECT_EQ(code_of([&] { meta->link_blob("", d, 1); }), ErrorCode::kInvalidArgument);
}

TEST_F(MetaTest, PutManifestStoresEveryFieldAndIsIdempotent) {
  auto cfg = link("r", "config"), layer = link("r", "layer");
  auto m = make_manifest("r", {cfg, layer}, {}, desc("some subject"), "application/x-chart", "one");
  push(m, {"1.0.0", "latest"});
  auto got = meta->get_manifest("r", m.digest);
  ASSERT_TRUE(got);
  EXPECT_EQ(describe(*got), describe(m));
  EXPECT_EQ(got->annotations.begin().key(), "z.salt");  // order kept
  EXPECT_EQ(meta->resolve_tag("r", "1.0.0"), m.digest);
  EXPECT_EQ(meta->resolve_tag("r", "latest"), m.digest);
  EXPECT_FALSE(meta->resolve_tag("r", "other"));
  EXPECT_FALSE(meta->get_manifest("other", m.digest));

  // The same manifest again, with another tag: accepted, nothing duplicated.
  push(m, {"extra"});
  EXPECT_EQ(tags("r"), (std::vector<std::string>{"1.0.0", "extra", "latest"}));
  EXPECT_EQ(describe(*meta->get_manifest("r", m.digest)), describe(m));
  EXPECT_EQ(meta->referrers("r", Digest::parse(desc("some subject").digest), {}).size(), 1u);
}

TEST_F(MetaTest, PutManifestChecksItsDigestAndInputs) {
  auto m = make_manifest("r", {});
  auto bad = m;
  bad.bytes += " ";
  EXPECT_EQ(code_of([&] { meta->put_manifest(bad, {}); }), ErrorCode::kDigestMismatch);
  EXPECT_EQ(code_of([&] { meta->put_manifest(m, {""}); }), ErrorCode::kInvalidArgument);
  auto no_repo = m;
  no_repo.repository.clear();
  EXPECT_EQ(code_of([&] { meta->put_manifest(no_repo, {}); }), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(meta->repository_exists("r"));
}

TEST_F(MetaTest, MissingReferencesRejectTheManifestAndChangeNothing) {
  auto cfg = link("r", "config");
  auto old = push(make_manifest("r", {cfg}), {"stable"});
  auto child_elsewhere = make_manifest("other", {});
  meta->link_blob("other", digest_of("only-in-other"), 13);
  push(child_elsewhere);

  auto missing_layer = desc("never uploaded");
  auto foreign_layer = desc("only-in-other");  // linked in another repository only
  auto m = make_manifest("r", {cfg, missing_layer, missing_layer, foreign_layer},
                         {desc_of(child_elsewhere)});
  auto result = meta->put_manifest(m, {"stable", "new"});
  ASSERT_EQ(result.missing.size(), 3u);
  EXPECT_EQ(result.missing[0].str(), missing_layer.digest);  // reported once, in order
  EXPECT_EQ(result.missing[1].str(), foreign_layer.digest);
  EXPECT_EQ(result.missing[2], child_elsewhere.digest);
  auto check = [&] {
    EXPECT_FALSE(meta->get_manifest("r", m.digest));
    EXPECT_EQ(meta->resolve_tag("r", "stable"), old.digest);
    EXPECT_FALSE(meta->resolve_tag("r", "new"));
    EXPECT_EQ(tags("r"), std::vector<std::string>{"stable"});
    EXPECT_FALSE(meta->blob_in_repo("r", Digest::parse(foreign_layer.digest)));
  };
  check();
  reopen();
  check();

  // In a repository that does not exist yet: it is not created.
  auto fresh = make_manifest("fresh", {missing_layer});
  EXPECT_EQ(meta->put_manifest(fresh, {"x"}).missing.size(), 1u);
  EXPECT_FALSE(meta->repository_exists("fresh"));
  EXPECT_EQ(meta->list_repositories("", -1).items, (std::vector<std::string>{"other", "r"}));
}

TEST_F(MetaTest, TagsMoveBetweenManifests) {
  auto a = push(make_manifest("r", {}, {}, std::nullopt, "", "a"), {"latest", "a"});
  auto b = push(make_manifest("r", {}, {}, std::nullopt, "", "b"), {"latest"});
  EXPECT_NE(a.digest, b.digest);
  EXPECT_EQ(meta->resolve_tag("r", "latest"), b.digest);
  EXPECT_EQ(meta->resolve_tag("r", "a"), a.digest);
  EXPECT_TRUE(has(a));  // the old target stays until deleted or collected
  push(a, {"latest"});
  EXPECT_EQ(meta->resolve_tag("r", "latest"), a.digest);
  reopen();
  EXPECT_EQ(meta->resolve_tag("r", "latest"), a.digest);
  EXPECT_EQ(tags("r"), (std::vector<std::string>{"a", "latest"}));
}

TEST_F(MetaTest, DeletingAManifestDeletesItsTags) {
  auto a = push(make_manifest("r", {}, {}, std::nullopt, "", "a"), {"v1", "v2"});
  auto b = push(make_manifest("r", {}, {}, std::nullopt, "", "b"), {"v3"});
  EXPECT_TRUE(meta->delete_manifest("r", a.digest));
  EXPECT_FALSE(meta->delete_manifest("r", a.digest));
  EXPECT_FALSE(meta->delete_manifest("nope", b.digest));
  EXPECT_FALSE(has(a));
  EXPECT_FALSE(meta->resolve_tag("r", "v1"));
  EXPECT_FALSE(meta->resolve_tag("r", "v2"));
  EXPECT_EQ(tags("r"), std::vector<std::string>{"v3"});

  EXPECT_TRUE(meta->delete_tag("r", "v3"));
  EXPECT_FALSE(meta->delete_tag("r", "v3"));
  EXPECT_FALSE(meta->delete_tag("nope", "v3"));
  EXPECT_TRUE(has(b));  // deleting a tag keeps the manifest
  EXPECT_TRUE(tags("r").empty());
  EXPECT_TRUE(meta->repository_exists("r"));

  reopen();
  EXPECT_FALSE(has(a));
  EXPECT_TRUE(has(b));
  EXPECT_TRUE(tags("r").empty());
  // Pushing the deleted manifest again works.
  push(a, {"v1"});
  EXPECT_EQ(meta->resolve_tag("r", "v1"), a.digest);
}

TEST_F(MetaTest, TagPaginationIsBytewiseWithExclusiveLast) {
  auto m = push(make_manifest("r", {}));
  std::vector<std::string> names = {"b", "a", "B", "a-1", "a_1", "0.1.0", "Z", "a.b"};
  push(m, names);
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());  // bytewise: digits < upper < '_' < lower
  EXPECT_EQ(sorted.front(), "0.1.0");
  EXPECT_EQ(tags("r"), sorted);

  auto page = [&](const std::string& last, long n) { return meta->list_tags("r", last, n); };
  Page p = page("", 0);
  EXPECT_TRUE(p.items.empty());
  EXPECT_FALSE(p.more);
  p = page("", 3);
  EXPECT_EQ(p.items, std::vector<std::string>(sorted.begin(), sorted.begin() + 3));
  EXPECT_TRUE(p.more);
  p = page(p.items.back(), 3);
  EXPECT_EQ(p.items, std::vector<std::string>(sorted.begin() + 3, sorted.begin() + 6));
  EXPECT_TRUE(p.more);
  p = page(p.items.back(), 3);  // the last, short page
  EXPECT_EQ(p.items, std::vector<std::string>(sorted.begin() + 6, sorted.end()));
  EXPECT_FALSE(p.more);
  p = page("", 8);  // exactly everything
  EXPECT_EQ(p.items, sorted);
  EXPECT_FALSE(p.more);
  p = page("", 7);  // one short
  EXPECT_EQ(p.items.size(), 7u);
  EXPECT_TRUE(p.more);
  p = page(sorted[6], 1);  // exactly the last one
  EXPECT_EQ(p.items, std::vector<std::string>{sorted[7]});
  EXPECT_FALSE(p.more);
  p = page("", 100);
  EXPECT_EQ(p.items, sorted);
  EXPECT_FALSE(p.more);
  p = page(sorted.back(), 5);  // last is the final tag
  EXPECT_TRUE(p.items.empty());
  EXPECT_FALSE(p.more);
  p = page("zzz", -1);  // beyond the end
  EXPECT_TRUE(p.items.empty());
  EXPECT_FALSE(p.more);
  p = page("a0", -1);  // not a tag: starts after where it would be
  EXPECT_EQ(p.items, (std::vector<std::string>{"a_1", "b"}));
  EXPECT_TRUE(meta->list_tags("unknown", "", -1).items.empty());
}

TEST_F(MetaTest, RepositoryPagination) {
  for (auto name : {"library/b", "library/a", "charts/x", "Charts/y"})
    meta->link_blob(name, digest_of("x"), 1);
  std::vector<std::string> all = {"Charts/y", "charts/x", "library/a", "library/b"};
  EXPECT_EQ(meta->list_repositories("", -1).items, all);
  Page p = meta->list_repositories("", 2);
  EXPECT_EQ(p.items, (std::vector<std::string>{"Charts/y", "charts/x"}));
  EXPECT_TRUE(p.more);
  p = meta->list_repositories("charts/x", 2);
  EXPECT_EQ(p.items, (std::vector<std::string>{"library/a", "library/b"}));
  EXPECT_FALSE(p.more);
  p = meta->list_repositories("", 0);
  EXPECT_TRUE(p.items.empty());
  EXPECT_FALSE(p.more);
  p = meta->list_repositories("library/b", 10);
  EXPECT_TRUE(p.items.empty());
  EXPECT_FALSE(p.more);
}

TEST_F(MetaTest, ReferrersWithArtifactTypeFilter) {
  auto subject_desc = desc("subject manifest");  // pushed later: a dangling subject is fine
  auto sig = push(make_manifest("r", {}, {}, subject_desc, "application/vnd.sig", "1"));
  auto sbom = push(make_manifest("r", {}, {}, subject_desc, "application/vnd.sbom", "2"));
  auto untyped = push(make_manifest("r", {}, {}, subject_desc, "", "3"));
  push(make_manifest("other", {}, {}, subject_desc, "application/vnd.sig", "4"));
  push(make_manifest("r", {}, {}, desc("another subject"), "application/vnd.sig", "5"));

  auto digests = [&](const std::vector<std::string>& filter) {
    std::set<std::string> out;
    for (const auto& m : meta->referrers("r", Digest::parse(subject_desc.digest), filter)) {
      EXPECT_EQ(m.repository, "r");
      out.insert(m.digest.str());
    }
    return out;
  };
  EXPECT_EQ(digests({}),
            (std::set<std::string>{sig.digest.str(), sbom.digest.str(), untyped.digest.str()}));
  EXPECT_EQ(digests({"application/vnd.sig"}), std::set<std::string>{sig.digest.str()});
  EXPECT_EQ(digests({"application/vnd.sig", "application/vnd.sbom"}),
            (std::set<std::string>{sig.digest.str(), sbom.digest.str()}));
  EXPECT_TRUE(digests({"application/unknown"}).empty());
  auto full = meta->referrers("r", Digest::parse(subject_desc.digest), {"application/vnd.sbom"});
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(describe(full[0]), describe(sbom));  // annotations etc. for the index
  EXPECT_TRUE(meta->referrers("r", digest_of("nothing"), {}).empty());
  EXPECT_TRUE(meta->referrers("unknown", Digest::parse(subject_desc.digest), {}).empty());

  EXPECT_TRUE(meta->delete_manifest("r", sig.digest));
  EXPECT_EQ(digests({}), (std::set<std::string>{sbom.digest.str(), untyped.digest.str()}));
  reopen();
  EXPECT_EQ(digests({}), (std::set<std::string>{sbom.digest.str(), untyped.digest.str()}));
  EXPECT_EQ(digests({"application/vnd.sbom"}), std::set<std::string>{sbom.digest.str()});
}

// A repository with every case garbage collection distinguishes.
struct GcScene {
  Manifest tagged, old_untagged, old_referrer_of_dead, index, index_child, referrer,
      referrer_of_referrer, dead_index, dead_child, young;
};

GcScene build_gc_scene(MetaTest& t) {
  GcScene s;
  auto cfg = t.link("app", "cfg");
  auto l1 = t.link("app", "layer-tagged");
  auto l2 = t.link("app", "layer-old-untagged");
  auto lc = t.link("app", "layer-index-child");
  auto ls = t.link("app", "signature");
  auto ld = t.link("app", "layer-dead-child");
  t.link("app", "orphan-old");
  t.link("gone", "only-blob");
  s.tagged = t.push(make_manifest("app", {cfg, l1}, {}, std::nullopt, "", "tagged"), {"v1"});
  s.old_untagged = t.push(make_manifest("app", {cfg, l2}, {}, std::nullopt, "", "old"));
  s.old_referrer_of_dead =
      t.push(make_manifest("app", {ls}, {}, desc_of(s.old_untagged), "sig", "dead-ref"));
  s.index_child = t.push(make_manifest("app", {lc}, {}, std::nullopt, "", "child"));
  s.index = t.push(make_manifest("app", {}, {desc_of(s.index_child)}), {"idx"});
  s.referrer = t.push(make_manifest("app", {ls}, {}, desc_of(s.tagged), "sig", "ref"));
  s.referrer_of_referrer =
      t.push(make_manifest("app", {}, {}, desc_of(s.referrer), "sig", "ref-ref"));
  s.dead_child = t.push(make_manifest("app", {ld}, {}, std::nullopt, "", "dead-child"));
  s.dead_index = t.push(make_manifest("app", {}, {desc_of(s.dead_child)}));
  t.advance(2h);
  auto l3 = t.link("app", "layer-young");
  t.link("app", "orphan-young");
  s.young = t.push(make_manifest("app", {l3}, {}, std::nullopt, "", "young"));
  return s;
}

TEST_F(MetaTest, GarbageCollectionKeepsWhatIsReachable) {
  auto s = build_gc_scene(*this);
  auto report = meta->collect(1h, false);
  EXPECT_EQ(strs(report.manifests_deleted),
            (std::set<std::string>{s.old_untagged.digest.str(), s.old_referrer_of_dead.digest.str(),
                                   s.dead_index.digest.str(), s.dead_child.digest.str()}));
  EXPECT_EQ(strs(report.blobs_unlinked),
            (std::set<std::string>{digest_of("layer-old-untagged").str(),
                                   digest_of("layer-dead-child").str(),
                                   digest_of("orphan-old").str(), digest_of("only-blob").str()}));
  EXPECT_EQ(report.manifests_deleted.size(), 4u);
  EXPECT_EQ(report.blobs_unlinked.size(), 4u);

  auto check = [&] {
    for (const auto* m :
         {&s.tagged, &s.index, &s.index_child, &s.referrer, &s.referrer_of_referrer, &s.young})
      EXPECT_TRUE(has(*m)) << describe(*m);
    for (const auto* m : {&s.old_untagged, &s.old_referrer_of_dead, &s.dead_index, &s.dead_child})
      EXPECT_FALSE(has(*m)) << describe(*m);
    for (auto kept :
         {"cfg", "layer-tagged", "layer-index-child", "signature", "layer-young", "orphan-young"})
      EXPECT_TRUE(meta->blob_in_repo("app", digest_of(kept))) << kept;
    for (auto gone : {"layer-old-untagged", "layer-dead-child", "orphan-old"})
      EXPECT_FALSE(meta->blob_in_repo("app", digest_of(gone))) << gone;
    EXPECT_FALSE(meta->repository_exists("gone"));  // nothing left in it
    EXPECT_EQ(meta->list_repositories("", -1).items, std::vector<std::string>{"app"});
    EXPECT_EQ(tags("app"), (std::vector<std::string>{"idx", "v1"}));
    EXPECT_EQ(meta->referrers("app", s.old_untagged.digest, {}).size(), 0u);
    EXPECT_EQ(meta->referrers("app", s.tagged.digest, {}).size(), 1u);
  };
  check();
  reopen();
  check();
  // Nothing more to do; then the young manifest ages out once untagged and old.
  auto again = meta->collect(1h, false);
  EXPECT_TRUE(again.manifests_deleted.empty());
  EXPECT_TRUE(again.blobs_unlinked.empty());
  advance(2h);
  again = meta->collect(1h, false);
  EXPECT_EQ(strs(again.manifests_deleted), std::set<std::string>{s.young.digest.str()});
  EXPECT_EQ(strs(again.blobs_unlinked), (std::set<std::string>{digest_of("layer-young").str(),
                                                               digest_of("orphan-young").str()}));
  // Deleting the tag makes the whole referrer chain collectable.
  EXPECT_TRUE(meta->delete_tag("app", "v1"));
  again = meta->collect(1h, false);
  EXPECT_EQ(strs(again.manifests_deleted),
            (std::set<std::string>{s.tagged.digest.str(), s.referrer.digest.str(),
                                   s.referrer_of_referrer.digest.str()}));
}

TEST_F(MetaTest, GarbageCollectionDryRunChangesNothing) {
  auto s = build_gc_scene(*this);
  auto dry = meta->collect(1h, true);
  EXPECT_EQ(dry.manifests_deleted.size(), 4u);
  EXPECT_EQ(dry.blobs_unlinked.size(), 4u);
  auto check = [&] {
    EXPECT_TRUE(has(s.old_untagged));
    EXPECT_TRUE(has(s.dead_child));
    EXPECT_TRUE(meta->blob_in_repo("app", digest_of("orphan-old")));
    EXPECT_TRUE(meta->repository_exists("gone"));
  };
  check();
  reopen();
  check();
  auto real = meta->collect(1h, false);
  EXPECT_EQ(strs(real.manifests_deleted), strs(dry.manifests_deleted));
  EXPECT_EQ(strs(real.blobs_unlinked), strs(dry.blobs_unlinked));
  EXPECT_FALSE(has(s.old_untagged));
}

TEST_F(MetaTest, BlobIsGarbageOnlyWhenUnlinkedAndOldEnough) {
  Digest never = digest_of("never linked"), d = digest_of("linked");
  const std::int64_t old_mtime = kStart - 7200;
  EXPECT_TRUE(meta->blob_is_garbage(never, old_mtime, 1h));
  EXPECT_FALSE(meta->blob_is_garbage(never, kStart - 60, 1h));  // just committed
  meta->link_blob("r", d, 6);
  EXPECT_FALSE(meta->blob_is_garbage(d, old_mtime, 1h));
  advance(10s);
  EXPECT_TRUE(meta->unlink_blob("r", d));
  EXPECT_FALSE(meta->blob_is_garbage(d, old_mtime, 1h));  // the last link went just now
  reopen();
  EXPECT_FALSE(meta->blob_is_garbage(d, old_mtime, 1h));
  advance(1h);
  EXPECT_TRUE(meta->blob_is_garbage(d, old_mtime, 1h));
  meta->link_blob("s", d, 6);
  EXPECT_FALSE(meta->blob_is_garbage(d, old_mtime, 1h));

  // Unlinked by the collector: same grace after the unlink.
  advance(2h);
  auto report = meta->collect(1h, false);
  EXPECT_EQ(strs(report.blobs_unlinked), std::set<std::string>{d.str()});
  EXPECT_FALSE(meta->blob_is_garbage(d, old_mtime, 1h));
  advance(1h);
  EXPECT_TRUE(meta->blob_is_garbage(d, old_mtime, 1h));
  meta->collect(1h, false);  // forgets the release record; still garbage
  EXPECT_TRUE(meta->blob_is_garbage(d, old_mtime, 1h));
}

TEST_F(MetaTest, ReopenKeepsEverything) {
  auto cfg = link("charts/a", "cfg");
  auto layer = link("charts/a", "layer");
  auto m1 = push(make_manifest("charts/a", {cfg, layer}, {}, std::nullopt, "", "1"), {"1.0.0"});
  auto m2 = push(make_manifest("charts/a", {cfg}, {}, desc_of(m1), "application/vnd.sig", "2"));
  auto idx = push(make_manifest("charts/a", {}, {desc_of(m1), desc_of(m2)}), {"latest", "multi"});
  meta->link_blob("charts/b", digest_of("bee"), 3);
  const std::vector<Manifest> all = {m1, m2, idx};
  auto snapshot = [&] {
    std::ostringstream out;
    for (const auto& repo : meta->list_repositories("", -1).items) {
      out << "repo " << repo << "\n";
      for (const auto& t : meta->list_tags(repo, "", -1).items)
        out << "tag " << t << " " << meta->resolve_tag(repo, t)->str() << "\n";
    }
    for (const auto& m : all) {
      auto got = meta->get_manifest(m.repository, m.digest);
      out << (got ? describe(*got) : "absent " + m.digest.str()) << "\n";
    }
    for (const auto& r : meta->referrers("charts/a", m1.digest, {}))
      out << "ref " << r.digest.str();
    for (auto c : {"cfg", "layer", "bee"})
      for (auto repo : {"charts/a", "charts/b"})
        out << c << "@" << repo << "=" << meta->blob_in_repo(repo, digest_of(c)).value_or(0)
            << "\n";
    return out.str();
  };
  std::string before = snapshot();
  EXPECT_NE(before.find("ref " + m2.digest.str()), std::string::npos);
  EXPECT_EQ(before.find("absent"), std::string::npos);
  reopen();
  EXPECT_EQ(snapshot(), before);
  for (const auto& m : all)
    EXPECT_EQ(describe(*meta->get_manifest(m.repository, m.digest)), describe(m));
  EXPECT_TRUE(stdfs::exists(dir.path() / "metadata.db"));
}

TEST_F(MetaTest, OneOwnerAtATimeAndNewerSchemasAreRefused) {
  std::string what;
  try {
    open();
  } catch (const Error& e) {
    what = e.what();
  }
  EXPECT_NE(what.find("in use"), std::string::npos) << what;

  push(make_manifest("r", {}), {"t"});
  meta.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() / "metadata.db").c_str(), &db), SQLITE_OK);
    int version = -1;
    sqlite3_exec(
        db, "PRAGMA user_version",
        [](void* v, int, char** vals, char**) {
          *static_cast<int*>(v) = std::atoi(vals[0]);
          return 0;
        },
        &version, nullptr);
    EXPECT_EQ(version, kMetadataSchemaVersion);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  what.clear();
  try {
    open();
  } catch (const Error& e) {
    what = e.what();
  }
  EXPECT_NE(what.find("schema version 99"), std::string::npos) << what;
}

// Writers push, retag and delete while readers resolve; afterwards the mirror must equal
// what a fresh open reads from the database, and the invariants must hold.
TEST_F(MetaTest, ConcurrentWritersAndReadersStayConsistent) {
  constexpr int kWriters = 6, kReaders = 4, kOps = 30;
  const std::vector<std::string> repos = {"c/a", "c/b"};
  const std::vector<std::string> tag_names = {"t0", "t1", "t2", "t3"};
  std::vector<Manifest> manifests;  // what writers may push, prepared up front
  for (int i = 0; i < kWriters * kOps; ++i) {
    const auto& repo = repos[static_cast<size_t>(i) % repos.size()];
    manifests.push_back(make_manifest(repo, {desc("blob-" + std::to_string(i % 17))}, {},
                                      std::nullopt, "", std::to_string(i)));
  }
  for (const auto& repo : repos)
    for (int b = 0; b < 17; ++b) link(repo, "blob-" + std::to_string(b));
  // "stable" is never deleted from: a tag there must always resolve to a stored manifest.
  link("stable", "s");
  std::vector<Manifest> stable;
  for (int i = 0; i < 20; ++i)
    stable.push_back(
        make_manifest("stable", {desc("s")}, {}, std::nullopt, "", "s" + std::to_string(i)));

  std::atomic<bool> stop{false};
  std::atomic<int> violations{0}, resolved{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        for (const auto& t : tag_names) {
          if (auto d = meta->resolve_tag("stable", t)) {
            resolved++;
            auto m = meta->get_manifest("stable", *d);
            if (!m || m->digest != *d || digest_of(m->bytes) != *d) violations++;
          }
          for (const auto& repo : repos) {
            if (auto d = meta->resolve_tag(repo, t)) {
              auto m = meta->get_manifest(repo, *d);  // may be deleted meanwhile
              if (m && (m->digest != *d || m->repository != repo)) violations++;
            }
          }
        }
        auto page = meta->list_tags("stable", "", -1);
        if (!std::is_sorted(page.items.begin(), page.items.end())) violations++;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      try {
        for (int i = 0; i < kOps; ++i) {
          const auto& m = manifests[static_cast<size_t>(w * kOps + i)];
          const auto& tag = tag_names[rng() % tag_names.size()];
          switch (rng() % 5) {
            case 0:
            case 1:
              if (!meta->put_manifest(m, {tag}).missing.empty()) violations++;
              break;
            case 2:
              meta->put_manifest(m, {});
              meta->delete_manifest(m.repository, m.digest);
              break;
            case 3:
              meta->delete_tag(m.repository, tag);
              break;
            default:
              meta->put_manifest(stable[rng() % stable.size()], {tag});
          }
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GT(resolved.load(), 0);

  auto snapshot = [&] {
    std::ostringstream out;
    for (const auto& repo : meta->list_repositories("", -1).items) {
      out << "repo " << repo << "\n";
      for (const auto& t : meta->list_tags(repo, "", -1).items) {
        auto d = meta->resolve_tag(repo, t);
        EXPECT_TRUE(d && meta->get_manifest(repo, *d)) << repo << ":" << t;
        out << "tag " << t << " " << (d ? d->str() : "?") << "\n";
      }
    }
    for (const auto* list : {&manifests, &stable})
      for (const auto& m : *list) {
        auto got = meta->get_manifest(m.repository, m.digest);
        if (got) {
          EXPECT_EQ(describe(*got), describe(m));
          for (const auto& b : got->blobs)
            EXPECT_TRUE(meta->blob_in_repo(m.repository, Digest::parse(b.digest)));
        }
        out << m.digest.str() << (got ? " present\n" : " absent\n");
      }
    return out.str();
  };
  std::string live = snapshot();
  EXPECT_NE(live.find(" present"), std::string::npos);
  EXPECT_NE(live.find("tag "), std::string::npos);
  reopen();
  EXPECT_EQ(snapshot(), live);
}

// A process killed in the middle of writing leaves a database that opens, with every
// manifest complete and every tag pointing at a stored manifest.
TEST_F(MetaTest, KilledWriterLeavesAConsistentDatabase) {
  meta.reset();
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(ready[0]);
    try {
      auto store = open_sqlite_metadata_store(dir.path());
      for (int i = 0;; ++i) {
        std::string a = "a" + std::to_string(i), b = "b" + std::to_string(i);
        store->link_blob("crash", digest_of(a), a.size());
        store->link_blob("crash", digest_of(b), b.size());
        auto m =
            make_manifest("crash", {desc(a), desc(b)}, {}, std::nullopt, "", std::to_string(i));
        store->put_manifest(m, {"t" + std::to_string(i % 5), "latest"});
        if (i % 7 == 6) store->delete_tag("crash", "t" + std::to_string((i + 1) % 5));
        if (i == 20) (void)!::write(ready[1], "x", 1);
      }
    } catch (...) {
      ::_exit(3);
    }
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1) << "child failed before writing";
  ::close(ready[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(std::random_device{}() % 50));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);

  meta = open();
  auto tag_list = tags("crash");
  EXPECT_FALSE(tag_list.empty());
  EXPECT_TRUE(std::find(tag_list.begin(), tag_list.end(), "latest") != tag_list.end());
  int checked = 0;
  for (const auto& t : tag_list) {
    auto d = meta->resolve_tag("crash", t);
    ASSERT_TRUE(d) << t;
    auto m = meta->get_manifest("crash", *d);
    ASSERT_TRUE(m) << t;
    EXPECT_EQ(digest_of(m->bytes), *d);
    ASSERT_EQ(m->blobs.size(), 2u);  // the references went in with the manifest
    for (const auto& b : m->blobs)
      EXPECT_TRUE(meta->blob_in_repo("crash", Digest::parse(b.digest)));
    ++checked;
  }
  EXPECT_GT(checked, 0);
  // And it still takes writes.
  push(make_manifest("crash", {}), {"after"});
  reopen();
  EXPECT_TRUE(meta->resolve_tag("crash", "after"));
}

}  // namespace
}  // namespace ch::server::store

namespace ch::server::store {
namespace {

// The classic index's source: chart manifests (those with chart info) reachable by tag, per
// namespace at any depth; persisted with the manifest; the generation moves on every change.
TEST_F(MetaTest, ChartsUnderNamespacesAndGeneration) {
  auto chart = [&](const std::string& repo, const std::string& salt) {
    Manifest m = make_manifest(repo, {link(repo, "cfg" + salt)}, {}, std::nullopt, "", salt);
    m.chart = "{\"entry\":{\"name\":\"" + salt + "\"}}";
    return m;
  };
  std::uint64_t g0 = meta->generation();
  push(chart("team/a", "a1"), {"1.0.0"});
  push(chart("team/a", "a2"), {"2.0.0", "latest"});
  push(chart("team/sub/b", "b1"), {"0.1.0"});
  push(chart("teammate/c", "c1"), {"1.0.0"});  // shares the prefix, not the namespace
  push(make_manifest("team/img", {link("team/img", "layer")}), {"v1"});  // not a chart
  EXPECT_GT(meta->generation(), g0);
  auto names = [&](const std::string& ns) {
    std::vector<std::string> out;
    for (const auto& t : meta->charts_under(ns)) out.push_back(t.repository + ":" + t.tag);
    return out;
  };
  EXPECT_EQ(names("team"), (std::vector<std::string>{"team/a:1.0.0", "team/a:2.0.0",
                                                     "team/a:latest", "team/sub/b:0.1.0"}));
  EXPECT_EQ(names("team/sub"), (std::vector<std::string>{"team/sub/b:0.1.0"}));
  EXPECT_EQ(names("team/a"),
            (std::vector<std::string>{"team/a:1.0.0", "team/a:2.0.0", "team/a:latest"}));
  EXPECT_EQ(names("").size(), 5u);
  EXPECT_TRUE(names("nothing").empty());

  std::uint64_t g1 = meta->generation();
  EXPECT_TRUE(meta->delete_tag("team/a", "latest"));
  EXPECT_GT(meta->generation(), g1);
  // A tag moved to a manifest that is not a chart leaves the index.
  push(make_manifest("team/a", {link("team/a", "plain")}), {"1.0.0"});
  EXPECT_EQ(names("team/a"), (std::vector<std::string>{"team/a:2.0.0"}));

  reopen();
  auto after = meta->charts_under("team");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].manifest->chart, "{\"entry\":{\"name\":\"a2\"}}");
}

// A store written by schema version 1 (before chart entries) opens and keeps its content.
TEST_F(MetaTest, SchemaVersionOneStoresOpen) {
  Manifest m = push(make_manifest("r", {link("r", "cfg")}), {"t"});
  meta.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "metadata.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "ALTER TABLE manifests DROP COLUMN chart; PRAGMA user_version = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  meta = open();
  EXPECT_TRUE(has(m));
  EXPECT_EQ(meta->resolve_tag("r", "t"), m.digest);
  Manifest c = make_manifest("r", {link("r", "cfg2")}, {}, std::nullopt, "", "chart");
  c.chart = "{}";
  push(c, {"c"});
  reopen();
  EXPECT_EQ(meta->charts_under("r").size(), 1u);
}

}  // namespace
}  // namespace ch::server::store
