// `charthouse gc`: garbage collection of a registry root, done by the `charthouse serve`
// using it when one is (server::collect_root).
#include <iostream>

#include "cli/commands.hpp"
#include "server/service.hpp"

namespace ch::cli {

void add_gc_command(CLI::App& app) {
  struct GcArgs {
    std::string root = "./charthouse-data";
    long grace = 3600;
    bool dry_run = false;
  };
  auto a = std::make_shared<GcArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gc",
      "Garbage-collect a registry root: untagged, unreferenced manifests and unreferenced\n"
      "blobs older than the grace period. When a `charthouse serve` is using the root, it is\n"
      "asked to collect now, while it keeps serving (with its own --gc-grace).");
  cmd->add_option("--root", a->root, "registry root directory")->capture_default_str();
  cmd->add_option("--grace", a->grace, "seconds an unreferenced object is kept")
      ->capture_default_str();
  cmd->add_flag("--dry-run", a->dry_run, "report what would be deleted, delete nothing");
  cmd->callback([a] {
    auto r = server::collect_root(a->root, std::chrono::seconds(a->grace), a->dry_run);
    std::cout << (a->dry_run ? "would delete: " : "deleted: ") << r.manifests_deleted
              << " manifests, " << r.blob_links_removed << " blob links, " << r.blobs_deleted
              << " blobs (" << r.bytes_freed << " bytes)"
              << (a->dry_run ? ""
                             : ", " + std::to_string(r.stale_uploads_removed) + " stale uploads")
              << "\n";
  });
}

}  // namespace ch::cli
