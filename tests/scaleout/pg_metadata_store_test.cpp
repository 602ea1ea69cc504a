// Tests of server/store/pg_metadata_store.cpp on a real PostgreSQL 15 (one server per test
// process, one fresh database per test): the MetadataStore semantics of the SQLite store,
// and what several nodes on one database need: each other's writes seen at once, races on
// one tag, a PostgreSQL restart, concurrent collectors and schema creation, a bounded cache.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/digest.hpp"
#include "base/error.hpp"
#include "cosign/tags.hpp"
#include "metadata_test_helpers.hpp"
#include "postgres.hpp"
#include "server/store/libpq.hpp"
#include "server/store/metadata_store.hpp"
#include "server/store/pg_metadata_store.hpp"
#include "unit_helpers.hpp"

namespace ch::server::store {
namespace {

using namespace std::chrono_literals;
using ch::testing::shared_postgres;
using testing::code_of;
using testing::desc;
using testing::desc_of;
using testing::describe;
using testing::make_manifest;
using testing::strs;

const std::int64_t kStart = 1'700'000'000;

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ch::Error thrown";
  return {};
}

// Runs one SQL statement with libpq directly; returns the first value of the first row.
std::string sql(const std::string& conninfo, const std::string& query) {
  const auto& pq = libpq();
  PGconn* c = pq.connectdb(conninfo.c_str());
  if (pq.status(c) != CONNECTION_OK) {
    std::string err = pq.error_message(c);
    pq.finish(c);
    throw std::runtime_error("connect: " + err);
  }
  PGresult* r = pq.exec(c, query.c_str());
  auto st = pq.result_status(r);
  std::string out;
  std::string err = pq.result_error_message(r);
  if (st == PGRES_TUPLES_OK && pq.ntuples(r) > 0) out = pq.getvalue(r, 0, 0);
  pq.clear(r);
  pq.finish(c);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) throw std::runtime_error(query + ": " + err);
  return out;
}

// A fresh database on the shared server, named after the test.
std::string fresh_database() {
  static std::atomic<int> counter{0};
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return std::isalnum(c) != 0 ? static_cast<char>(std::tolower(c)) : '_';
  });
  name = "t" + std::to_string(counter++) + "_" + name.substr(0, 40);
  shared_postgres().create_database(name);
  return name;
}

class PgMetadataStore : public ::testing::Test {
 public:
  std::string database = fresh_database();
  std::string conninfo = shared_postgres().conninfo(database);
  std::shared_ptr<std::atomic<std::int64_t>> clock =
      std::make_shared<std::atomic<std::int64_t>>(kStart);
  std::unique_ptr<MetadataStore> meta = open();

  std::unique_ptr<MetadataStore> open(std::size_t cache_entries = 4096,
                                      std::size_t connections = 8) {
    PgMetadataOptions o;
    o.clock = [c = clock] { return c->load(); };
    o.cache_entries = cache_entries;
    o.connections = connections;
    return open_pg_metadata_store(conninfo, o);
  }
  // Another node on the same database, without a cache: what it reads comes from the
  // database (where the SQLite tests reopen the store).
  std::unique_ptr<MetadataStore> other_node() { return open(0); }
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
  std::vector<std::string> tags(const std::string& repo, MetadataStore* store = nullptr) {
    return (store != nullptr ? store : meta.get())->list_tags(repo, "", -1).items;
  }
  bool has(const Manifest& m, MetadataStore* store = nullptr) {
    return (store != nullptr ? store : meta.get())
        ->get_manifest(m.repository, m.digest)
        .has_value();
  }
};

// -- the MetadataStore semantics (ported from sqlite_metadata_store_test.cpp) -------------

TEST_F(PgMetadataStore, BlobLinksPerRepository) {
  Digest d = digest_of("layer");
  EXPECT_FALSE(meta->repository_exists("a"));
  EXPECT_FALSE(meta->repo_with_blob(d));
  meta->link_blob("a", d, 5);
  EXPECT_TRUE(meta->repository_exists("a"));  // linking creates the repository
  EXPECT_EQ(meta->blob_in_repo("a", d), 5u);
  EXPECT_FALSE(meta->blob_in_repo("b", d));
  EXPECT_EQ(meta->repo_with_blob(d), "a");
  EXPECT_EQ(meta->repositories_linking(d), 1u);
  meta->link_blob("b", d, 5);
  meta->link_blob("a", d, 5);  // again: harmless
  EXPECT_EQ(meta->repositories_linking(d), 2u);
  EXPECT_TRUE(meta->unlink_blob("a", d));
  EXPECT_FALSE(meta->unlink_blob("a", d));
  EXPECT_FALSE(meta->blob_in_repo("a", d));
  EXPECT_EQ(meta->repo_with_blob(d), "b");
  EXPECT_TRUE(meta->unlink_blob("b", d));
  EXPECT_FALSE(meta->repo_with_blob(d));
  EXPECT_EQ(meta->repositories_linking(d), 0u);
  EXPECT_EQ(code_of([&] { meta->link_blob("", d, 1); }), ErrorCode::kInvalidArgument);
  // Sizes beyond 32 bits survive.
  meta->link_blob("big", d, 5'000'000'000ULL);
  EXPECT_EQ(meta->blob_in_repo("big", d), 5'000'000'000ULL);
}

TEST_F(PgMetadataStore, PutManifestStoresEveryFieldAndIsIdempotent) {
  auto cfg = link("r", "config"), layer = link("r", "layer");
  auto m = make_manifest("r", {cfg, layer}, {}, desc("some subject"), "application/x-chart", "one");
  m.chart = "{\"entry\":{\"name\":\"one\"}}";
  // Bytes that are not UTF-8 (a NUL, 0xff) survive too: the column is bytea. The store
  // only checks that the digest is theirs.
  m.bytes += std::string("\0\xff\xfe trailing", 11);
  m.digest = digest_of(m.bytes);
  push(m, {"1.0.0", "latest"});
  auto node = other_node();
  for (auto* store : {meta.get(), node.get()}) {
    auto got = store->get_manifest("r", m.digest);
    ASSERT_TRUE(got);
    EXPECT_EQ(describe(*got), describe(m));
    EXPECT_EQ(got->annotations.begin().key(), "z.salt");  // order kept
    EXPECT_EQ(store->resolve_tag("r", "1.0.0"), m.digest);
    EXPECT_EQ(store->resolve_tag("r", "latest"), m.digest);
    EXPECT_FALSE(store->resolve_tag("r", "other"));
    EXPECT_FALSE(store->get_manifest("other", m.digest));
  }

  // Descriptor fields beyond media type, digest and size are not stored; the pushing node
  // answers like every other node.
  auto decorated = make_manifest("r", {cfg}, {}, std::nullopt, "", "decorated");
  decorated.blobs[0].artifact_type = "application/x-extra";
  decorated.blobs[0].annotations["k"] = "v";
  push(decorated);
  EXPECT_EQ(meta->get_manifest("r", decorated.digest)->blobs[0].artifact_type, "");
  EXPECT_TRUE(node->get_manifest("r", decorated.digest)->blobs[0].annotations.empty());

  // The same manifest again, with another tag (twice): accepted, nothing duplicated.
  push(m, {"extra", "extra"});
  EXPECT_EQ(tags("r"), (std::vector<std::string>{"1.0.0", "extra", "latest"}));
  EXPECT_EQ(describe(*node->get_manifest("r", m.digest)), describe(m));
  EXPECT_EQ(node->referrers("r", Digest::parse(desc("some subject").digest), {}).size(), 1u);
}

TEST_F(PgMetadataStore, PutManifestChecksItsDigestAndInputs) {
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

TEST_F(PgMetadataStore, MissingReferencesRejectTheManifestAndChangeNothing) {
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
  auto node = other_node();
  for (auto* store : {meta.get(), node.get()}) {
    EXPECT_FALSE(store->get_manifest("r", m.digest));
    EXPECT_EQ(store->resolve_tag("r", "stable"), old.digest);
    EXPECT_FALSE(store->resolve_tag("r", "new"));
    EXPECT_EQ(tags("r", store), std::vector<std::string>{"stable"});
    EXPECT_FALSE(store->blob_in_repo("r", Digest::parse(foreign_layer.digest)));
  }

  // In a repository that does not exist yet: it is not created.
  auto fresh = make_manifest("fresh", {missing_layer});
  EXPECT_EQ(meta->put_manifest(fresh, {"x"}).missing.size(), 1u);
  EXPECT_FALSE(meta->repository_exists("fresh"));
  EXPECT_EQ(meta->list_repositories("", -1).items, (std::vector<std::string>{"other", "r"}));
}

TEST_F(PgMetadataStore, TagsMoveBetweenManifests) {
  auto a = push(make_manifest("r", {}, {}, std::nullopt, "", "a"), {"latest", "a"});
  auto b = push(make_manifest("r", {}, {}, std::nullopt, "", "b"), {"latest"});
  EXPECT_NE(a.digest, b.digest);
  EXPECT_EQ(meta->resolve_tag("r", "latest"), b.digest);
  EXPECT_EQ(meta->resolve_tag("r", "a"), a.digest);
  EXPECT_TRUE(has(a));  // the old target stays until deleted or collected
  push(a, {"latest"});
  EXPECT_EQ(meta->resolve_tag("r", "latest"), a.digest);
  auto node = other_node();
  EXPECT_EQ(node->resolve_tag("r", "latest"), a.digest);
  EXPECT_EQ(tags("r", node.get()), (std::vector<std::string>{"a", "latest"}));
}

TEST_F(PgMetadataStore, DeletingAManifestDeletesItsTags) {
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

  auto node = other_node();
  EXPECT_FALSE(has(a, node.get()));
  EXPECT_TRUE(has(b, node.get()));
  // Pushing the deleted manifest again works.
  push(a, {"v1"});
  EXPECT_EQ(node->resolve_tag("r", "v1"), a.digest);
  EXPECT_TRUE(has(a, node.get()));
}

// A chart takes its attachments along: referrers at any depth, what its
// `sha256-<hex>[.sig|.att|.sbom]` tags point at (with a referrers index's children), and
// those tags; not what carries an ordinary tag, nor what belongs to other manifests.
TEST_F(PgMetadataStore, DeletingAChartTakesItsAttachments) {
  auto cfg = link("c", "chart-config");
  Manifest chart = make_manifest("c", {cfg}, {}, std::nullopt, "", "chart");
  chart.chart = "{\"entry\":{\"name\":\"c\"}}";
  push(chart, {"1.0.0"});
  auto sig = push(make_manifest("c", {}, {}, desc_of(chart), "application/vnd.sig", "sig"));
  auto sig_of_sig = push(make_manifest("c", {}, {}, desc_of(sig), "application/vnd.sig", "ss"));
  auto kept = push(make_manifest("c", {}, {}, desc_of(chart), "application/vnd.sbom", "kept"),
                   {"sbom-release"});  // an ordinary tag: stays
  auto cosign_sig = push(make_manifest("c", {}, {}, std::nullopt, "", "cosign-sig"),
                         {cosign::signature_tag(chart.digest.str())});
  auto listed = push(make_manifest("c", {}, {}, std::nullopt, "", "listed"));
  auto referrers_index =
      push(make_manifest("c", {}, {desc_of(listed)}), {cosign::referrers_tag(chart.digest.str())});
  // Another manifest with a referrer: deleting it leaves its referrer to the collector.
  auto image = push(make_manifest("c", {}, {}, std::nullopt, "", "image"), {"img"});
  auto image_sig = push(make_manifest("c", {}, {}, desc_of(image), "application/vnd.sig", "is"));

  const auto g = meta->generation();
  auto node = other_node();
  ASSERT_TRUE(node->delete_manifest("c", chart.digest));
  EXPECT_GT(meta->generation(), g);
  for (const auto* m : {&chart, &sig, &sig_of_sig, &cosign_sig, &listed, &referrers_index})
    EXPECT_FALSE(has(*m)) << describe(*m);
  EXPECT_TRUE(has(kept));
  EXPECT_EQ(tags("c"), (std::vector<std::string>{"img", "sbom-release"}));

  ASSERT_TRUE(meta->delete_manifest("c", image.digest));
  EXPECT_TRUE(has(image_sig));
}

TEST_F(PgMetadataStore, TagPaginationIsBytewiseWithExclusiveLast) {
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

TEST_F(PgMetadataStore, RepositoryPagination) {
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

TEST_F(PgMetadataStore, ReferrersWithArtifactTypeFilter) {
  auto subject_desc = desc("subject manifest");  // pushed later: a dangling subject is fine
  auto sig = push(make_manifest("r", {}, {}, subject_desc, "application/vnd.sig", "1"));
  auto sbom = push(make_manifest("r", {}, {}, subject_desc, "application/vnd.sbom", "2"));
  auto untyped = push(make_manifest("r", {}, {}, subject_desc, "", "3"));
  push(make_manifest("other", {}, {}, subject_desc, "application/vnd.sig", "4"));
  push(make_manifest("r", {}, {}, desc("another subject"), "application/vnd.sig", "5"));

  auto node = other_node();
  auto digests = [&](const std::vector<std::string>& filter, MetadataStore* store) {
    std::set<std::string> out;
    for (const auto& m : store->referrers("r", Digest::parse(subject_desc.digest), filter)) {
      EXPECT_EQ(m.repository, "r");
      out.insert(m.digest.str());
    }
    return out;
  };
  for (auto* store : {meta.get(), node.get()}) {
    EXPECT_EQ(digests({}, store),
              (std::set<std::string>{sig.digest.str(), sbom.digest.str(), untyped.digest.str()}));
    EXPECT_EQ(digests({"application/vnd.sig"}, store), std::set<std::string>{sig.digest.str()});
    EXPECT_EQ(digests({"application/vnd.sig", "application/vnd.sbom"}, store),
              (std::set<std::string>{sig.digest.str(), sbom.digest.str()}));
    EXPECT_TRUE(digests({"application/unknown"}, store).empty());
    auto full = store->referrers("r", Digest::parse(subject_desc.digest), {"application/vnd.sbom"});
    ASSERT_EQ(full.size(), 1u);
    EXPECT_EQ(describe(full[0]), describe(sbom));  // annotations etc. for the index
    EXPECT_TRUE(store->referrers("r", digest_of("nothing"), {}).empty());
    EXPECT_TRUE(store->referrers("unknown", Digest::parse(subject_desc.digest), {}).empty());
  }

  EXPECT_TRUE(meta->delete_manifest("r", sig.digest));
  EXPECT_EQ(digests({}, node.get()),
            (std::set<std::string>{sbom.digest.str(), untyped.digest.str()}));
  EXPECT_EQ(digests({"application/vnd.sbom"}, meta.get()),
            std::set<std::string>{sbom.digest.str()});
}

// A repository with every case garbage collection distinguishes.
struct GcScene {
  Manifest tagged, old_untagged, old_referrer_of_dead, index, index_child, referrer,
      referrer_of_referrer, dead_index, dead_child, young;
};

GcScene build_gc_scene(PgMetadataStore& t) {
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

std::set<std::string> gc_scene_deleted(const GcScene& s) {
  return {s.old_untagged.digest.str(), s.old_referrer_of_dead.digest.str(),
          s.dead_index.digest.str(), s.dead_child.digest.str()};
}

std::set<std::string> gc_scene_unlinked() {
  return {digest_of("layer-old-untagged").str(), digest_of("layer-dead-child").str(),
          digest_of("orphan-old").str(), digest_of("only-blob").str()};
}

TEST_F(PgMetadataStore, GarbageCollectionKeepsWhatIsReachable) {
  auto s = build_gc_scene(*this);
  auto report = meta->collect(1h, false);
  EXPECT_EQ(strs(report.manifests_deleted), gc_scene_deleted(s));
  EXPECT_EQ(strs(report.blobs_unlinked), gc_scene_unlinked());
  EXPECT_EQ(report.manifests_deleted.size(), 4u);
  EXPECT_EQ(report.blobs_unlinked.size(), 4u);

  auto check = [&](MetadataStore* store) {
    for (const auto* m :
         {&s.tagged, &s.index, &s.index_child, &s.referrer, &s.referrer_of_referrer, &s.young})
      EXPECT_TRUE(has(*m, store)) << describe(*m);
    for (const auto* m : {&s.old_untagged, &s.old_referrer_of_dead, &s.dead_index, &s.dead_child})
      EXPECT_FALSE(has(*m, store)) << describe(*m);
    for (auto kept :
         {"cfg", "layer-tagged", "layer-index-child", "signature", "layer-young", "orphan-young"})
      EXPECT_TRUE(store->blob_in_repo("app", digest_of(kept))) << kept;
    for (auto gone : {"layer-old-untagged", "layer-dead-child", "orphan-old"})
      EXPECT_FALSE(store->blob_in_repo("app", digest_of(gone))) << gone;
    EXPECT_FALSE(store->repository_exists("gone"));  // nothing left in it
    EXPECT_EQ(store->list_repositories("", -1).items, std::vector<std::string>{"app"});
    EXPECT_EQ(tags("app", store), (std::vector<std::string>{"idx", "v1"}));
    EXPECT_EQ(store->referrers("app", s.old_untagged.digest, {}).size(), 0u);
    EXPECT_EQ(store->referrers("app", s.tagged.digest, {}).size(), 1u);
  };
  check(meta.get());
  auto node = other_node();
  check(node.get());
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
  again = node->collect(1h, false);
  EXPECT_EQ(strs(again.manifests_deleted),
            (std::set<std::string>{s.tagged.digest.str(), s.referrer.digest.str(),
                                   s.referrer_of_referrer.digest.str()}));
}

TEST_F(PgMetadataStore, GarbageCollectionDryRunChangesNothing) {
  auto s = build_gc_scene(*this);
  const auto g = meta->generation();
  auto dry = meta->collect(1h, true);
  EXPECT_EQ(dry.manifests_deleted.size(), 4u);
  EXPECT_EQ(dry.blobs_unlinked.size(), 4u);
  EXPECT_EQ(meta->generation(), g);
  auto node = other_node();
  for (auto* store : {meta.get(), node.get()}) {
    EXPECT_TRUE(has(s.old_untagged, store));
    EXPECT_TRUE(has(s.dead_child, store));
    EXPECT_TRUE(store->blob_in_repo("app", digest_of("orphan-old")));
    EXPECT_TRUE(store->repository_exists("gone"));
  }
  auto real = node->collect(1h, false);
  EXPECT_EQ(strs(real.manifests_deleted), strs(dry.manifests_deleted));
  EXPECT_EQ(strs(real.blobs_unlinked), strs(dry.blobs_unlinked));
  EXPECT_FALSE(has(s.old_untagged));
  EXPECT_GT(meta->generation(), g);
}

// Attachment tags keep their manifests only while what they name is live in some
// repository (cosign may keep signatures in another one).
TEST_F(PgMetadataStore, GarbageCollectionKeepsSignaturesOfLiveManifestsOnly) {
  auto live = push(make_manifest("app", {}, {}, std::nullopt, "", "live"), {"v1"});
  auto dead = push(make_manifest("app", {}, {}, std::nullopt, "", "dead"));
  auto sig_live = push(make_manifest("sigs", {}, {}, std::nullopt, "", "sig-live"),
                       {cosign::signature_tag(live.digest.str())});
  auto sig_dead = push(make_manifest("sigs", {}, {}, std::nullopt, "", "sig-dead"),
                       {cosign::signature_tag(dead.digest.str())});
  // An attachment tag alone does not make a manifest live for another attachment tag.
  auto sig_of_sig = push(make_manifest("sigs", {}, {}, std::nullopt, "", "sig-sig"),
                         {cosign::signature_tag(sig_live.digest.str())});
  advance(2h);
  auto report = meta->collect(1h, false);
  EXPECT_EQ(
      strs(report.manifests_deleted),
      (std::set<std::string>{dead.digest.str(), sig_dead.digest.str(), sig_of_sig.digest.str()}));
  EXPECT_TRUE(has(live));
  EXPECT_TRUE(has(sig_live));
  EXPECT_EQ(tags("sigs"), std::vector<std::string>{cosign::signature_tag(live.digest.str())});
}

TEST_F(PgMetadataStore, BlobIsGarbageOnlyWhenUnlinkedAndOldEnough) {
  Digest never = digest_of("never linked"), d = digest_of("linked");
  const std::int64_t old_mtime = kStart - 7200;
  EXPECT_TRUE(meta->blob_is_garbage(never, old_mtime, 1h));
  EXPECT_FALSE(meta->blob_is_garbage(never, kStart - 60, 1h));  // just committed
  meta->link_blob("r", d, 6);
  EXPECT_FALSE(meta->blob_is_garbage(d, old_mtime, 1h));
  advance(10s);
  EXPECT_TRUE(meta->unlink_blob("r", d));
  EXPECT_FALSE(meta->blob_is_garbage(d, old_mtime, 1h));  // the last link went just now
  auto node = other_node();
  EXPECT_FALSE(node->blob_is_garbage(d, old_mtime, 1h));
  advance(1h);
  EXPECT_TRUE(node->blob_is_garbage(d, old_mtime, 1h));
  meta->link_blob("s", d, 6);
  EXPECT_FALSE(node->blob_is_garbage(d, old_mtime, 1h));

  // Unlinked by the collector: same grace after the unlink.
  advance(2h);
  auto report = meta->collect(1h, false);
  EXPECT_EQ(strs(report.blobs_unlinked), std::set<std::string>{d.str()});
  EXPECT_FALSE(node->blob_is_garbage(d, old_mtime, 1h));
  advance(1h);
  EXPECT_TRUE(meta->blob_is_garbage(d, old_mtime, 1h));
  meta->collect(1h, false);  // forgets the release record; still garbage
  EXPECT_TRUE(node->blob_is_garbage(d, old_mtime, 1h));
  EXPECT_EQ(sql(conninfo, "SELECT count(*) FROM blob_released"), "0");
}

// The classic index's source: chart manifests (those with chart info) reachable by tag, per
// namespace at any depth; the generation moves on every change, on every node.
TEST_F(PgMetadataStore, ChartsUnderNamespacesAndGeneration) {
  auto chart = [&](const std::string& repo, const std::string& salt) {
    Manifest m = make_manifest(repo, {link(repo, "cfg" + salt)}, {}, std::nullopt, "", salt);
    m.chart = "{\"entry\":{\"name\":\"" + salt + "\"}}";
    return m;
  };
  auto node = other_node();
  std::uint64_t g0 = node->generation();
  push(chart("team/a", "a1"), {"1.0.0"});
  push(chart("team/a", "a2"), {"2.0.0", "latest"});
  push(chart("team/sub/b", "b1"), {"0.1.0"});
  push(chart("teammate/c", "c1"), {"1.0.0"});  // shares the prefix, not the namespace
  push(chart("team0", "z1"), {"1.0.0"});       // '0' sorts right after '/'
  push(make_manifest("team/img", {link("team/img", "layer")}), {"v1"});  // not a chart
  EXPECT_GT(node->generation(), g0);
  auto names = [&](const std::string& ns) {
    std::vector<std::string> out;
    for (const auto& t : node->charts_under(ns)) out.push_back(t.repository + ":" + t.tag);
    return out;
  };
  EXPECT_EQ(names("team"), (std::vector<std::string>{"team/a:1.0.0", "team/a:2.0.0",
                                                     "team/a:latest", "team/sub/b:0.1.0"}));
  EXPECT_EQ(names("team/sub"), (std::vector<std::string>{"team/sub/b:0.1.0"}));
  EXPECT_EQ(names("team/a"),
            (std::vector<std::string>{"team/a:1.0.0", "team/a:2.0.0", "team/a:latest"}));
  EXPECT_EQ(names("").size(), 6u);
  EXPECT_TRUE(names("nothing").empty());

  std::uint64_t g1 = node->generation();
  EXPECT_TRUE(meta->delete_tag("team/a", "latest"));
  EXPECT_GT(node->generation(), g1);
  // A tag moved to a manifest that is not a chart leaves the index.
  push(make_manifest("team/a", {link("team/a", "plain")}), {"1.0.0"});
  EXPECT_EQ(names("team/a"), (std::vector<std::string>{"team/a:2.0.0"}));
  auto after = node->charts_under("team");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].manifest->chart, "{\"entry\":{\"name\":\"a2\"}}");
  // Blob links do not change the generation; nothing changed, nothing moved.
  std::uint64_t g2 = node->generation();
  link("team/a", "another blob");
  EXPECT_EQ(meta->generation(), g2);
}

TEST_F(PgMetadataStore, SchemaVersionIsRecordedAndNewerOnesAreRefused) {
  push(make_manifest("r", {}), {"t"});
  EXPECT_EQ(sql(conninfo, "SELECT version FROM schema_version"),
            std::to_string(kPgMetadataSchemaVersion));
  // Opening again keeps the data (the schema exists: nothing is recreated).
  auto again = open();
  EXPECT_TRUE(again->resolve_tag("r", "t"));
  sql(conninfo, "UPDATE schema_version SET version = 99");
  std::string what = error_of([&] { open(); });
  EXPECT_NE(what.find("schema version 99"), std::string::npos) << what;
}

// -- several nodes on one database --------------------------------------------------------

TEST_F(PgMetadataStore, NodesSeeEachOthersWritesImmediately) {
  auto a = open();
  auto b = open();
  auto layer = desc("layer");
  a->link_blob("r", digest_of("layer"), 5);
  EXPECT_EQ(b->blob_in_repo("r", digest_of("layer")), 5u);
  EXPECT_EQ(b->repo_with_blob(digest_of("layer")), "r");

  auto m1 = make_manifest("r", {layer}, {}, std::nullopt, "", "1");
  auto m2 = make_manifest("r", {layer}, {}, std::nullopt, "", "2");
  const auto g0 = b->generation();
  ASSERT_TRUE(a->put_manifest(m1, {"latest"}).missing.empty());
  EXPECT_EQ(b->resolve_tag("r", "latest"), m1.digest);
  ASSERT_TRUE(b->get_manifest("r", m1.digest));  // now in b's cache
  const auto g1 = b->generation();
  EXPECT_GT(g1, g0);

  // b moves the tag; a sees it.
  ASSERT_TRUE(b->put_manifest(m2, {"latest"}).missing.empty());
  EXPECT_EQ(a->resolve_tag("r", "latest"), m2.digest);
  EXPECT_GT(a->generation(), g1);

  // a deletes what b has cached: b no longer finds it.
  ASSERT_TRUE(a->delete_manifest("r", m1.digest));
  EXPECT_FALSE(b->get_manifest("r", m1.digest));
  EXPECT_TRUE(b->referrers("r", m1.digest, {}).empty());
  // Pushed again with another Content-Type: b answers with the new row, not its cache.
  auto m1_again = m1;
  m1_again.media_type = "application/vnd.docker.distribution.manifest.v2+json";
  ASSERT_TRUE(a->put_manifest(m1_again, {}).missing.empty());
  auto got = b->get_manifest("r", m1.digest);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->media_type, m1_again.media_type);

  ASSERT_TRUE(b->delete_tag("r", "latest"));
  EXPECT_FALSE(a->resolve_tag("r", "latest"));
  EXPECT_TRUE(a->list_tags("r", "", -1).items.empty());
  ASSERT_TRUE(b->unlink_blob("r", digest_of("layer")));
  EXPECT_FALSE(a->blob_in_repo("r", digest_of("layer")));
}

// Two nodes (two threads each) put different manifests on one tag at the same time, many
// rounds: the tag ends on exactly one of them and every manifest is stored.
TEST_F(PgMetadataStore, RacingTagWritesOnTwoNodesEndConsistent) {
  auto a = open(), b = open();
  link("race", "shared");
  constexpr int kRounds = 25, kThreadsPerNode = 2;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<Manifest> candidates;
    for (int i = 0; i < 2 * kThreadsPerNode; ++i)
      candidates.push_back(make_manifest("race", {desc("shared")}, {}, std::nullopt, "",
                                         std::to_string(round) + "-" + std::to_string(i)));
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2 * kThreadsPerNode; ++i) {
      threads.emplace_back([&, i] {
        MetadataStore& node = i % 2 == 0 ? *a : *b;
        ++ready;
        while (ready < 2 * kThreadsPerNode) {
        }
        try {
          EXPECT_TRUE(node.put_manifest(candidates[static_cast<std::size_t>(i)],
                                        {"latest", "t" + std::to_string(round)})
                          .missing.empty());
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    auto winner = a->resolve_tag("race", "latest");
    ASSERT_TRUE(winner);
    EXPECT_EQ(b->resolve_tag("race", "latest"), winner);
    EXPECT_TRUE(std::any_of(candidates.begin(), candidates.end(),
                            [&](const Manifest& m) { return m.digest == *winner; }));
    for (const auto& m : candidates) {
      auto got = b->get_manifest("race", m.digest);
      ASSERT_TRUE(got);
      EXPECT_EQ(describe(*got), describe(m));
    }
  }
  EXPECT_EQ(sql(conninfo, "SELECT count(*) FROM manifests WHERE repo = 'race'"),
            std::to_string(kRounds * 2 * kThreadsPerNode));
  EXPECT_EQ(sql(conninfo, "SELECT count(*) FROM tags WHERE repo = 'race'"),
            std::to_string(kRounds + 1));
}

// Writers on two nodes push, retag, delete and link while readers resolve; afterwards every
// tag points at a stored manifest, both nodes agree, and a cold node reads the same.
TEST_F(PgMetadataStore, ConcurrentWritersOnTwoNodesStayConsistent) {
  auto a = open(), b = open();
  constexpr int kWriters = 4, kReaders = 2, kOps = 25;
  const std::vector<std::string> repos = {"c/a", "c/b"};
  const std::vector<std::string> tag_names = {"t0", "t1", "t2", "t3"};
  std::vector<Manifest> manifests;
  for (int i = 0; i < kWriters * kOps; ++i) {
    const auto& repo = repos[static_cast<size_t>(i) % repos.size()];
    manifests.push_back(make_manifest(repo, {desc("blob-" + std::to_string(i % 7))}, {},
                                      std::nullopt, "", std::to_string(i)));
  }
  for (const auto& repo : repos)
    for (int k = 0; k < 7; ++k) link(repo, "blob-" + std::to_string(k));

  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      MetadataStore& node = r % 2 == 0 ? *a : *b;
      try {
        while (!stop) {
          for (const auto& repo : repos)
            for (const auto& t : tag_names)
              if (auto d = node.resolve_tag(repo, t)) {
                auto m = node.get_manifest(repo, *d);  // may be deleted meanwhile
                if (m && (m->digest != *d || m->repository != repo)) violations++;
              }
          auto page = node.list_tags("c/a", "", -1);
          if (!std::is_sorted(page.items.begin(), page.items.end())) violations++;
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      MetadataStore& node = w % 2 == 0 ? *a : *b;
      std::mt19937 rng(static_cast<unsigned>(w));
      try {
        for (int i = 0; i < kOps; ++i) {
          const auto& m = manifests[static_cast<size_t>(w * kOps + i)];
          const auto& tag = tag_names[rng() % tag_names.size()];
          switch (rng() % 5) {
            case 0:
            case 1:
              if (!node.put_manifest(m, {tag}).missing.empty()) violations++;
              break;
            case 2:
              node.put_manifest(m, {});
              node.delete_manifest(m.repository, m.digest);
              break;
            case 3:
              node.delete_tag(m.repository, tag);
              break;
            default:
              node.link_blob(m.repository, digest_of("extra-" + std::to_string(i)), 1);
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

  auto snapshot = [&](MetadataStore& node) {
    std::ostringstream out;
    for (const auto& repo : node.list_repositories("", -1).items) {
      out << "repo " << repo << "\n";
      for (const auto& t : node.list_tags(repo, "", -1).items) {
        auto d = node.resolve_tag(repo, t);
        EXPECT_TRUE(d && node.get_manifest(repo, *d)) << repo << ":" << t;
        out << "tag " << t << " " << (d ? d->str() : "?") << "\n";
      }
    }
    for (const auto& m : manifests) {
      auto got = node.get_manifest(m.repository, m.digest);
      if (got) {
        EXPECT_EQ(describe(*got), describe(m));
      }
      out << m.digest.str() << (got ? " present\n" : " absent\n");
    }
    return out.str();
  };
  std::string live = snapshot(*a);
  EXPECT_NE(live.find(" present"), std::string::npos);
  EXPECT_EQ(snapshot(*b), live);
  auto cold = other_node();
  EXPECT_EQ(snapshot(*cold), live);
}

// PostgreSQL restarts under the nodes: the next calls reconnect; while it is down, calls
// fail with a clear Error that never shows the password.
TEST_F(PgMetadataStore, ReconnectsAfterPostgresRestarts) {
  auto& pg = shared_postgres();
  // Trust authentication ignores the password; it is here to check it never leaks.
  std::string with_password =
      "postgresql://postgres:s3cretpw@127.0.0.1:" + std::to_string(pg.port()) + "/" + database;
  PgMetadataOptions o;
  o.clock = [c = clock] { return c->load(); };
  o.connections = 3;
  auto a = open_pg_metadata_store(with_password, o);
  auto b = open();
  auto m = push(make_manifest("r", {}, {}, std::nullopt, "", "before"), {"v1"});
  // Open several pooled connections on each node, so that several are broken at once.
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i)
      threads.emplace_back([&, i] { (i % 2 == 0 ? *a : *b).resolve_tag("r", "v1"); });
    for (auto& t : threads) t.join();
  }

  pg.restart();
  EXPECT_EQ(a->resolve_tag("r", "v1"), m.digest);
  EXPECT_EQ(b->resolve_tag("r", "v1"), m.digest);
  auto m2 = make_manifest("r", {}, {}, std::nullopt, "", "after");
  ASSERT_TRUE(b->put_manifest(m2, {"v2"}).missing.empty());
  for (int i = 0; i < 6; ++i) EXPECT_EQ(a->resolve_tag("r", "v2"), m2.digest);

  pg.stop();
  std::string what;
  try {
    a->resolve_tag("r", "v1");
    ADD_FAILURE() << "no error while PostgreSQL is down";
  } catch (const Error& e) {
    what = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  pg.start();
  EXPECT_NE(what.find("unreachable"), std::string::npos) << what;
  EXPECT_EQ(what.find("s3cretpw"), std::string::npos) << what;
  EXPECT_NE(what.find("***"), std::string::npos) << what;
  EXPECT_EQ(a->resolve_tag("r", "v2"), m2.digest);
  EXPECT_EQ(b->resolve_tag("r", "v1"), m.digest);

  // Opening a store on a database that is not there fails the same way.
  std::string refused = error_of(
      [&] { open_pg_metadata_store("postgresql://postgres:s3cretpw@127.0.0.1:1/none", o); });
  EXPECT_NE(refused.find("unreachable"), std::string::npos) << refused;
  EXPECT_EQ(refused.find("s3cretpw"), std::string::npos) << refused;
}

// Two collectors on two nodes at once: one at a time (advisory lock), so each dead
// manifest and link is reported by exactly one of them and the result is the same as one
// collection.
TEST_F(PgMetadataStore, TwoCollectorsAtOnceDoNotCorrupt) {
  auto s = build_gc_scene(*this);
  auto a = open(), b = open();
  GcReport ra, rb;
  std::atomic<int> ready{0};
  auto collect = [&](MetadataStore& node, GcReport& out) {
    ++ready;
    while (ready < 2) {
    }
    try {
      out = node.collect(1h, false);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  };
  std::thread ta(collect, std::ref(*a), std::ref(ra));
  std::thread tb(collect, std::ref(*b), std::ref(rb));
  ta.join();
  tb.join();
  std::vector<Digest> manifests = ra.manifests_deleted, blobs = ra.blobs_unlinked;
  manifests.insert(manifests.end(), rb.manifests_deleted.begin(), rb.manifests_deleted.end());
  blobs.insert(blobs.end(), rb.blobs_unlinked.begin(), rb.blobs_unlinked.end());
  EXPECT_EQ(manifests.size(), 4u);  // nothing reported twice
  EXPECT_EQ(blobs.size(), 4u);
  EXPECT_EQ(strs(manifests), gc_scene_deleted(s));
  EXPECT_EQ(strs(blobs), gc_scene_unlinked());
  EXPECT_TRUE(ra.manifests_deleted.empty() || rb.manifests_deleted.empty());
  EXPECT_TRUE(has(s.tagged));
  EXPECT_TRUE(has(s.referrer_of_referrer));
  EXPECT_FALSE(has(s.dead_child));
  EXPECT_FALSE(meta->repository_exists("gone"));
}

// A collection racing pushes that reference old blobs: the collector never unlinks a blob
// a manifest committed meanwhile references (serializable transactions, retried).
TEST_F(PgMetadataStore, CollectorRacingPushesKeepsReferencedBlobs) {
  constexpr int kBlobs = 40;
  for (int i = 0; i < kBlobs; ++i) link("busy", "old-" + std::to_string(i));
  advance(2h);  // every link is older than the grace: collectable unless referenced
  auto a = open(), b = open();
  std::atomic<bool> done{false};
  std::thread pusher([&] {
    try {
      for (int i = 0; i < kBlobs; ++i) {
        auto m = make_manifest("busy", {desc("old-" + std::to_string(i))}, {}, std::nullopt, "",
                               std::to_string(i));
        auto r = a->put_manifest(m, {"t" + std::to_string(i)});
        // Either it went in (the blob was still linked) or it was refused as missing.
        if (!r.missing.empty()) {
          EXPECT_FALSE(a->get_manifest("busy", m.digest));
        }
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
    done = true;
  });
  while (!done) {
    try {
      b->collect(1h, false);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      break;
    }
  }
  pusher.join();
  b->collect(1h, false);
  auto node = other_node();
  for (const auto& t : node->list_tags("busy", "", -1).items) {
    auto d = node->resolve_tag("busy", t);
    ASSERT_TRUE(d);
    auto m = node->get_manifest("busy", *d);
    ASSERT_TRUE(m);
    for (const auto& blob : m->blobs)
      EXPECT_TRUE(node->blob_in_repo("busy", Digest::parse(blob.digest))) << t;
  }
}

// Nodes starting at once on an empty database: one creates the schema, none fails.
TEST_F(PgMetadataStore, SchemaCreatedByNodesStartingAtOnce) {
  const std::string db = database + "_empty";
  shared_postgres().create_database(db);
  const std::string info = shared_postgres().conninfo(db);
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<MetadataStore>> nodes(kNodes);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kNodes) {
      }
      try {
        // Half of them over the Unix socket (a postgresql:///db?host=/dir URI).
        nodes[static_cast<std::size_t>(i)] = open_pg_metadata_store(
            i % 2 == 0 ? info : shared_postgres().socket_conninfo(db), PgMetadataOptions{});
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& n : nodes) ASSERT_TRUE(n);
  auto m = make_manifest("r", {}, {}, std::nullopt, "", "schema");
  ASSERT_TRUE(nodes[0]->put_manifest(m, {"x"}).missing.empty());
  for (const auto& n : nodes) EXPECT_EQ(n->resolve_tag("r", "x"), m.digest);
  EXPECT_EQ(sql(info, "SELECT count(*) FROM schema_version"), "1");
  EXPECT_EQ(sql(info, "SELECT count(*) FROM generation"), "1");
}

// The cache holds at most cache_entries manifests, whatever the database holds, and what
// it evicts is read again correctly.
TEST_F(PgMetadataStore, CacheStaysWithinItsBound) {
  constexpr std::size_t kBound = 5;
  auto small = open(kBound);
  auto none = open(0);
  std::vector<Manifest> all;
  for (int i = 0; i < 30; ++i) {
    Manifest m = make_manifest("r", {}, {}, std::nullopt, "", std::to_string(i));
    m.chart = "{}";
    all.push_back(push(m, {"v" + std::to_string(i)}));
  }
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& m : all) {
      auto got = small->get_manifest("r", m.digest);
      ASSERT_TRUE(got);
      EXPECT_EQ(describe(*got), describe(m));
      EXPECT_LE(pg_metadata_cached_manifests(*small), kBound);
    }
  EXPECT_EQ(pg_metadata_cached_manifests(*small), kBound);
  EXPECT_EQ(small->charts_under("").size(), all.size());  // more than the cache holds
  EXPECT_LE(pg_metadata_cached_manifests(*small), kBound);
  EXPECT_EQ(none->charts_under("r").size(), all.size());
  EXPECT_EQ(pg_metadata_cached_manifests(*none), 0u);
  EXPECT_LE(pg_metadata_cached_manifests(*meta), 4096u);
}

// A pool of one connection serves many threads (they wait their turn).
TEST_F(PgMetadataStore, OneConnectionServesManyThreads) {
  auto single = open(16, 1);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < 10; ++i) {
          auto m = make_manifest("pool", {}, {}, std::nullopt, "", std::to_string(t * 100 + i));
          if (single->put_manifest(m, {"t" + std::to_string(t)}).missing.empty() &&
              single->get_manifest("pool", m.digest))
            ++ok;
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 60);
  EXPECT_EQ(single->list_tags("pool", "", -1).items.size(), 6u);
}

// The commit lock across nodes: commits on any number of nodes hold it together; a collector
// on another node waits for them (or gives up after its wait), and commits wait for the
// collector. A hold does not take a pooled connection (a one-connection node links under it).
TEST_F(PgMetadataStore, CommitsAndTheCollectorExcludeEachOtherAcrossNodes) {
  auto a = open(16, 1), b = other_node();
  auto expect_unavailable = [](const std::function<void()>& f) {
    try {
      f();
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
    }
  };
  {
    auto first = a->share_commits(), second = a->share_commits(), third = b->share_commits();
    ASSERT_TRUE(first && second && third);
    a->link_blob("held", digest_of("x"), 1);  // the node's only pooled connection is free
    EXPECT_TRUE(a->blob_in_repo("held", digest_of("x")));
    first.reset();
    third.reset();
    // A collector elsewhere cannot start while a commit is open.
    auto c = other_node();
    expect_unavailable([&] { c->exclude_commits(std::chrono::milliseconds(300)); });
  }
  // All released: the collector gets it; then commits wait until it is done.
  auto collector = b->exclude_commits(std::chrono::seconds(5));
  ASSERT_TRUE(collector);
  std::atomic<bool> committed{false};
  std::thread commit([&] {
    auto hold = a->share_commits();
    committed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(committed) << "a commit went ahead while the collector held the lock";
  collector.reset();
  commit.join();
  EXPECT_TRUE(committed);
  // And after that, the collector again.
  EXPECT_TRUE(b->exclude_commits(std::chrono::seconds(5)));
}

TEST(PgConninfo, PasswordsAreRedacted) {
  EXPECT_EQ(redact_conninfo("postgresql://u:pw@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact_conninfo("postgres://u@h/db?password=pw&sslmode=disable"),
            "postgres://u@h/db?password=***&sslmode=disable");
  EXPECT_EQ(redact_conninfo("host=h password='p w' dbname=x"), "host=h password=*** dbname=x");
  EXPECT_EQ(redact_conninfo("host=h password=pw"), "host=h password=***");
  EXPECT_EQ(redact_conninfo("postgresql:///db?host=/run/pg"), "postgresql:///db?host=/run/pg");
}

}  // namespace
}  // namespace ch::server::store
