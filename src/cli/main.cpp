// charthouse: Helm chart distribution through OCI registries.
#include <iostream>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "cli/commands.hpp"

namespace {

// Every command in the order `charthouse --help` lists them, with the names and aliases its
// add_*_command registers (space-separated). A process runs one command, so only that one is
// built: constructing all twelve costs more than the `version` command itself.
struct Command {
  std::string_view names;
  void (*add)(CLI::App&);
};
constexpr Command kCommands[] = {
    {"package", ch::cli::add_package_command},
    {"show", ch::cli::add_show_command},
    {"push", ch::cli::add_push_command},
    {"pull fetch", ch::cli::add_pull_command},
    {"registry", ch::cli::add_registry_command},
    {"search", ch::cli::add_search_command},
    {"dependency dep dependencies", ch::cli::add_dependency_command},
    {"repo", ch::cli::add_repo_command},
    {"lint", ch::cli::add_lint_command},
    {"verify", ch::cli::add_verify_command},
    {"sign", ch::cli::add_sign_command},
    {"serve", ch::cli::add_serve_command},
    {"gc", ch::cli::add_gc_command},
    {"migrate", ch::cli::add_migrate_command},
    {"version", ch::cli::add_version_command},
};

bool has_name(std::string_view names, std::string_view name) {
  while (!names.empty()) {
    auto space = names.find(' ');
    if (names.substr(0, space) == name) return true;
    if (space == std::string_view::npos) break;
    names.remove_prefix(space + 1);
  }
  return false;
}

// Registers the command argv[1] names when the table knows it and the command really answers
// to that name; otherwise (help, a typo, an option first, a stale table) every command, so
// help, errors and lookups see exactly what they would with all of them.
void add_commands(CLI::App& app, int argc, char** argv) {
  const Command* only = nullptr;
  if (argc > 1)
    for (const Command& c : kCommands)
      if (has_name(c.names, argv[1])) only = &c;
  if (only != nullptr) {
    only->add(app);
    std::vector<CLI::App*> subs = app.get_subcommands({});
    if (subs.size() == 1 && subs.front()->check_name(argv[1])) return;
    for (CLI::App* sub : subs) app.remove_subcommand(sub);
  }
  for (const Command& c : kCommands) c.add(app);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"charthouse: package, share and serve Helm charts through OCI registries",
               "charthouse"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  add_commands(app, argc, argv);
  auto is_command = [&app](const std::string& name) {
    for (const CLI::App* sub : app.get_subcommands({}))
      if (sub->check_name(name)) return true;
    return false;
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    std::cerr << "Error: unknown command \"" << argv[1] << "\" for \"charthouse\"\n"
              << "Run 'charthouse --help' for usage.\n";
    return 1;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  } catch (const ch::Error& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  } catch (const ch::cli::ExitFailure& e) {
    return e.code;
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
