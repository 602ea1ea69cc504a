// charthouse: Helm chart distribution through OCI registries.
#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"charthouse: package, share and serve Helm charts through OCI registries",
               "charthouse"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  ch::cli::add_package_command(app);
  ch::cli::add_show_command(app);
  ch::cli::add_push_command(app);
  ch::cli::add_pull_command(app);
  ch::cli::add_registry_command(app);
  ch::cli::add_search_command(app);
  ch::cli::add_dependency_command(app);
  ch::cli::add_repo_command(app);
  ch::cli::add_lint_command(app);
  ch::cli::add_serve_command(app);
  ch::cli::add_gc_command(app);
  ch::cli::add_version_command(app);
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
