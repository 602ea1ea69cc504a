// `charthouse migrate`: an embedded registry root (files + SQLite) onto S3-compatible storage
// and PostgreSQL (server::migrate_root).
#include <iostream>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "server/migrate.hpp"
#include "server/serve.hpp"

namespace ch::cli {

void add_migrate_command(CLI::App& app) {
  auto a = std::make_shared<server::ServeSettings>();
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "Copy a registry root (blobs in files, metadata in SQLite) to the scale-out stores:\n"
      "blobs to S3-compatible storage (--storage s3://BUCKET[/PREFIX]), metadata to PostgreSQL\n"
      "(--metadata postgres://...). Every blob is verified on the way; running it again\n"
      "resumes an interrupted migration. Stop `charthouse serve` on the root first; the root\n"
      "is left unchanged.");
  cmd->add_option("--root", a->root, "registry root directory to copy from")->capture_default_str();
  add_store_options(cmd, a.get());
  cmd->callback([a] {
    if (a->storage.empty() || a->metadata.empty())
      throw Error(ErrorCode::kInvalidArgument,
                  "migrate needs --storage s3://BUCKET and --metadata postgres://...");
    server::ServiceOptions target = server::service_options(*a);
    auto r = server::migrate_root(a->root, target, std::cerr);
    std::cout << "migrated: " << r.blobs_copied << " blobs copied (" << r.bytes_copied
              << " bytes), " << r.blobs_present << " already there; " << r.repositories
              << " repositories, " << r.manifests << " manifests, " << r.tags << " tags\n";
    if (r.failures > 0)
      throw Error(ErrorCode::kIo, std::to_string(r.failures) +
                                      " items could not be migrated (see above); fix the source "
                                      "and run migrate again");
  });
}

}  // namespace ch::cli
