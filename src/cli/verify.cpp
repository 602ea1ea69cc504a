// `charthouse verify CHART.tgz [--keyring FILE]`: Helm's `helm verify`, the chart archive
// checked against <chart>.tgz.prov; prints Helm's three lines on success.
#include <iostream>

#include "actions/verify.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_verify_command(CLI::App& app) {
  struct Args {
    std::string path;
    std::string keyring;
  };
  auto args = std::make_shared<Args>();
  args->keyring = actions::default_keyring().string();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Verify that a chart at the given path has been signed and is valid.\n\n"
      "The chart archive must have a provenance file (<chart>.tgz.prov) next to it, clear-signed\n"
      "by a key of the keyring; its recorded sha256 must be the archive's. The keyring is a\n"
      "GnuPG keyring file (pubring.gpg), an armored export or a keybox (pubring.kbx).");
  cmd->add_option("PATH", args->path, "the chart archive (.tgz)")->required();
  cmd->add_option("--keyring", args->keyring, "keyring containing public keys")
      ->capture_default_str();
  cmd->callback([args] {
    actions::Verification v = actions::verify_chart(args->path, args->keyring);
    std::cout << actions::verification_lines(v);
  });
}

}  // namespace ch::cli
