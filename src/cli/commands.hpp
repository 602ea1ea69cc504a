// Registration of each command on the CLI11 application; one .cpp per command.
#pragma once

#include <CLI/CLI.hpp>

namespace ch::server {
struct ServeSettings;
}

namespace ch::cli {

// --storage, --s3-*, --metadata: the scale-out stores (serve.cpp; used by serve and migrate).
void add_store_options(CLI::App* cmd, server::ServeSettings* settings);

void add_package_command(CLI::App& app);
void add_show_command(CLI::App& app);
void add_lint_command(CLI::App& app);
void add_version_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_gc_command(CLI::App& app);
void add_migrate_command(CLI::App& app);
void add_push_command(CLI::App& app);
void add_pull_command(CLI::App& app);
void add_registry_command(CLI::App& app);
void add_search_command(CLI::App& app);
void add_dependency_command(CLI::App& app);
void add_repo_command(CLI::App& app);
void add_verify_command(CLI::App& app);
void add_sign_command(CLI::App& app);

// Thrown by a command that already printed its own failure summary; exits 1.
struct ExitFailure {
  int code = 1;
};

}  // namespace ch::cli
