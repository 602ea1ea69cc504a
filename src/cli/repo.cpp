#include <iostream>

#include "actions/repo.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_repo_command(CLI::App& app) {
  CLI::App* repo =
      app.add_subcommand("repo", "add, list, remove, update, and index chart repositories");
  repo->require_subcommand(1);

  struct AddArgs {
    helm::RepoEntry entry;
    bool force_update = false;
  };
  auto add = std::make_shared<AddArgs>();
  CLI::App* a = repo->add_subcommand("add", "add a chart repository");
  a->add_option("NAME", add->entry.name, "repository name")->required();
  a->add_option("URL", add->entry.url, "repository URL")->required();
  a->add_option("--username", add->entry.username, "chart repository username");
  a->add_option("--password", add->entry.password, "chart repository password");
  a->add_flag("--pass-credentials", add->entry.pass_credentials_all,
              "pass credentials to all domains");
  a->add_option("--cert-file", add->entry.cert_file,
                "identify HTTPS client using this SSL certificate file");
  a->add_option("--key-file", add->entry.key_file, "identify HTTPS client using this SSL key file");
  a->add_option("--ca-file", add->entry.ca_file,
                "verify certificates of HTTPS-enabled servers using this CA bundle");
  a->add_flag("--insecure-skip-tls-verify", add->entry.insecure_skip_tls_verify,
              "skip tls certificate checks for the repository");
  a->add_flag("--force-update", add->force_update,
              "replace (overwrite) the repo if it already exists");
  a->callback([add] {
    std::cout << actions::repo_add(actions::RepoPaths::from_environment(), add->entry,
                                   add->force_update);
  });

  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* rm = repo->add_subcommand("remove", "remove one or more chart repositories");
  rm->alias("rm");
  rm->add_option("NAME", *names, "repository names")->required();
  rm->callback([names] {
    std::cout << actions::repo_remove(actions::RepoPaths::from_environment(), *names);
  });

  auto update_names = std::make_shared<std::vector<std::string>>();
  auto fail = std::make_shared<bool>(false);
  CLI::App* up = repo->add_subcommand("update",
                                      "update information of available charts locally "
                                      "from chart repositories");
  up->alias("up");
  up->add_option("NAME", *update_names, "repository names (default: all)");
  up->add_flag("--fail-on-repo-update-fail", *fail,
               "update fails if any of the repository updates fail");
  up->callback([update_names, fail] {
    std::cout << actions::repo_update(actions::RepoPaths::from_environment(), *update_names, *fail);
  });

  auto format = std::make_shared<std::string>("table");
  CLI::App* ls = repo->add_subcommand("list", "list chart repositories");
  ls->alias("ls");
  ls->add_option("-o,--output", *format,
                 "prints the output in the specified format. Allowed values: table, json, yaml")
      ->capture_default_str();
  ls->callback([format] {
    std::cout << actions::repo_list(actions::RepoPaths::from_environment(), *format);
  });

  struct IndexArgs {
    std::string dir, url, merge;
    bool json = false;
  };
  auto idx = std::make_shared<IndexArgs>();
  CLI::App* index = repo->add_subcommand(
      "index", "generate an index file given a directory containing packaged charts");
  index->add_option("DIR", idx->dir, "directory of packaged charts")->required();
  index->add_option("--url", idx->url, "url of chart repository");
  index->add_option("--merge", idx->merge, "merge the generated index into the given index");
  index->add_flag("--json", idx->json, "output in JSON format");
  index->callback([idx] { actions::repo_index(idx->dir, idx->url, idx->merge, idx->json); });
}

}  // namespace ch::cli
