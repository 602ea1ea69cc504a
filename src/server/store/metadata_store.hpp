// Registry metadata behind an interface: repositories, manifests (exact bytes), tags,
// referrers, blob membership per repository. Every state change is one transaction, so tag
// moves, deletes and garbage collection are atomic and can run while the server serves.
// Implementations must answer tag and manifest lookups without touching the disk on the
// hot path (cache what was committed).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/digest.hpp"
#include "oci/manifest.hpp"

namespace ch::server::store {

// The one descriptor model of client and server (oci/manifest.hpp).
using Descriptor = oci::Descriptor;

// A manifest as stored: the exact bytes and what the API needs from them.
struct Manifest {
  std::string repository;
  Digest digest;
  std::string media_type;             // Content-Type it was pushed with (no parameters)
  std::string bytes;                  // exactly as received
  std::optional<Descriptor> subject;  // referrers API
  std::string artifact_type;          // artifactType, else config.mediaType (image manifests)
  nlohmann::ordered_json annotations = nlohmann::ordered_json::object();
  std::vector<Descriptor> blobs;      // config + layers: must exist in the repository
  std::vector<Descriptor> manifests;  // index children: must exist in the repository
  // For a Helm chart (Helm config + chart layer): its entry in the classic index, as JSON
  // {"entry": {chart metadata fields, created, digest}, "layer": "<digest>", "prov":
  // "<digest>" or ""}, computed by the API when the manifest is pushed; empty otherwise.
  std::string chart;
};

// A tag of a repository that points at a chart manifest.
struct ChartTag {
  std::string repository;
  std::string tag;
  std::shared_ptr<const Manifest> manifest;
};

struct PutManifestResult {
  std::vector<Digest> missing;  // referenced blobs/manifests unknown to the repository;
                                // nothing was stored when non-empty
};

struct Page {
  std::vector<std::string> items;
  bool more = false;  // another page exists after the last item
};

struct GcReport {
  std::vector<Digest> manifests_deleted;  // untagged, unreferenced manifests
  std::vector<Digest> blobs_unlinked;     // blobs no manifest references any more
};

// One repository's whole contents, for moving a registry to other stores (`charthouse
// migrate`).
struct RepositoryContents {
  std::string name;
  std::vector<std::pair<Digest, std::uint64_t>> blobs;  // linked blobs and their sizes
  // Every manifest with the tags pointing at it (none for untagged ones).
  std::vector<std::pair<std::shared_ptr<const Manifest>, std::vector<std::string>>> manifests;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Calls `fn` with each repository's contents, one repository at a time (a consistent
  // snapshot of each). Throws Error(kInvalidArgument) for a store that cannot be exported.
  virtual void export_repositories(const std::function<void(const RepositoryContents&)>& fn);
  // Whether calls wait on a network database (then handlers make them on the store pool,
  // never on an I/O thread). The embedded store answers from memory.
  virtual bool remote() const { return false; }

  // Blob membership: a blob is visible in a repository once linked there (upload, mount or
  // a manifest referencing it). Linking creates the repository.
  virtual void link_blob(const std::string& repo, const Digest& d, std::uint64_t size) = 0;
  virtual bool unlink_blob(const std::string& repo, const Digest& d) = 0;
  virtual std::optional<std::uint64_t> blob_in_repo(const std::string& repo, const Digest& d) = 0;
  // Any repository holding the blob (automatic cross-mount), or nullopt.
  virtual std::optional<std::string> repo_with_blob(const Digest& d) = 0;
  // How many repositories link the blob (garbage collection's dry run).
  virtual std::size_t repositories_linking(const Digest& d) = 0;

  // Stores the manifest and points every tag at it, in one transaction. A dangling subject
  // is accepted. Moves existing tags.
  virtual PutManifestResult put_manifest(const Manifest& m,
                                         const std::vector<std::string>& tags) = 0;
  virtual std::optional<Manifest> get_manifest(const std::string& repo, const Digest& d) = 0;
  virtual std::optional<Digest> resolve_tag(const std::string& repo, const std::string& tag) = 0;
  virtual bool delete_tag(const std::string& repo, const std::string& tag) = 0;
  // Deletes the manifest and every tag pointing at it. A Helm chart takes its attachments
  // along: its referrers (at any depth) and its `sha256-<hex>[.sig|.att|.sbom]` tags with
  // the manifests they point at, except manifests that also carry an ordinary tag.
  virtual bool delete_manifest(const std::string& repo, const Digest& d) = 0;

  virtual bool repository_exists(const std::string& repo) = 0;
  // Sorted bytewise; starts after `last` (exclusive; empty: from the start); at most n items
  // (n < 0: all). n == 0 gives an empty page with more == false (the spec: no Link). An
  // unknown repository gives an empty page (check repository_exists for 404).
  virtual Page list_tags(const std::string& repo, const std::string& last, long n) = 0;
  virtual Page list_repositories(const std::string& last, long n) = 0;
  // Manifests of `repo` whose subject is `subject`, optionally only those whose
  // artifact_type is in `artifact_types` (empty: no filter).
  // Every tag pointing at a chart manifest in the repositories under `ns` (`ns` itself and
  // any depth below it; "" = every repository), sorted by repository then tag. Costs what
  // it returns, from memory.
  virtual std::vector<ChartTag> charts_under(const std::string& ns) = 0;
  // Changes whenever a manifest or tag changes (caches built from the store key on it).
  virtual std::uint64_t generation() = 0;

  virtual std::vector<Manifest> referrers(const std::string& repo, const Digest& subject,
                                          const std::vector<std::string>& artifact_types) = 0;

  // Garbage collection, one transaction: deletes manifests that are untagged, not a child
  // of a live index, not a referrer of a live manifest, and older than `grace`; an
  // attachment tag (`sha256-<hex>[.sig|.att|.sbom]`) keeps its manifest only while the
  // manifest it names is live in some repository (signatures go with what they sign); then unlinks
  // every blob-repository link not referenced by a remaining manifest and older than
  // `grace`. Returns what went (one entry per repository it went from). With dry_run
  // nothing changes. Also forgets repositories left with no manifest and no blob.
  virtual GcReport collect(std::chrono::seconds grace, bool dry_run) = 0;
  // Blobs no repository links any more and whose last link went away more than `grace` ago
  // (or that were never linked), and whose file (blob_mtime, Unix seconds, from
  // BlobStore::for_each) is older than `grace`: safe to delete from the BlobStore, with
  // BlobStore::remove_if_unchanged(d, blob_mtime) so a concurrent re-upload wins.
  virtual bool blob_is_garbage(const Digest& d, std::int64_t blob_mtime,
                               std::chrono::seconds grace) = 0;

  // The cluster-wide counterpart of a node's commit lock, for stores several nodes share:
  // held shared while a node commits (or mounts) a blob and links it, exclusively while a
  // collector checks a blob and deletes it, so that a blob re-uploaded on one node is never
  // deleted by a collector on another between its check and its delete. Taken after the
  // node's own commit lock, released before it. Local stores return nullptr (the node's own
  // lock covers them). The hold ends when the returned object is destroyed.
  struct CommitHold {
    virtual ~CommitHold() = default;
  };
  virtual std::unique_ptr<CommitHold> share_commits() { return nullptr; }
  // Throws Error(kUnavailable) when the exclusive hold cannot be had within `wait` (commits
  // keep coming on other nodes): the collector leaves that blob for its next run.
  virtual std::unique_ptr<CommitHold> exclude_commits(std::chrono::milliseconds wait) {
    (void)wait;
    return nullptr;
  }
};

// SQLite (WAL) at <root>/metadata.db, with an in-memory cache of tags and manifests.
std::unique_ptr<MetadataStore> open_sqlite_metadata_store(const std::filesystem::path& root);

}  // namespace ch::server::store
