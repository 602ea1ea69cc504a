#include <iostream>

#include "actions/pull.hpp"
#include "actions/verify.hpp"
#include "base/error.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_pull_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> charts;
    actions::PullOptions options;
    std::string untar_dir = ".";
    std::string destination = ".";
    std::string repo_url;
    bool pass_credentials = false;
    std::string keyring;
    std::vector<std::string> signature_keys;
    bool verify_signature = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "pull",
      "Download a chart from a registry and (optionally) unpack it in a local directory.\n\n"
      "oci://host/repo[:tag][@digest]; --version takes an exact version or a constraint\n"
      "(\"^1.2\", \">=1 <2\"), resolved against the repository's tags.");
  cmd->alias("fetch");
  cmd->add_option("CHART", args->charts, "oci://host/repo[:tag][@digest]")->required();
  cmd->add_option("--version", args->options.version,
                  "specify a version constraint for the chart version to use");
  cmd->add_flag("--devel", args->options.devel,
                "use development versions, too. Equivalent to version '>0.0.0-0'");
  cmd->add_flag("--prov", args->options.prov,
                "fetch the provenance file, but don't perform verification");
  cmd->add_flag("--verify", args->options.verify, "verify the package before using it");
  args->keyring = actions::default_keyring().string();
  cmd->add_option("--keyring", args->keyring, "location of public keys used for verification")
      ->capture_default_str();
  cmd->add_flag("--verify-signature", args->verify_signature,
                "oci://: require a cosign signature or Sigstore bundle of the chart that "
                "verifies with the --key public key");
  cmd->add_option("--key", args->signature_keys,
                  "with --verify-signature: a cosign public key (PEM); may be repeated");
  cmd->add_flag("--untar", args->options.untar,
                "if set to true, will untar the chart after downloading it");
  cmd->add_option("--untardir", args->untar_dir,
                  "if untar is specified, this flag specifies the name of the directory into "
                  "which the chart is expanded")
      ->capture_default_str();
  cmd->add_option("-d,--destination", args->destination,
                  "location to write the chart. If this and untardir are specified, untardir "
                  "is appended to this")
      ->capture_default_str();
  cmd->add_option("--repo", args->repo_url,
                  "chart repository url where to locate the requested chart");
  cmd->add_flag("--pass-credentials", args->pass_credentials, "pass credentials to all domains");
  add_client_flags(cmd, args->options.client, true);
  cmd->callback([args] {
    for (const std::string& chart : args->charts) {
      actions::PullOptions opts = args->options;
      opts.url = chart;
      opts.untar_dir = args->untar_dir;
      opts.destination = args->destination;
      opts.keyring = args->keyring;
      if (args->verify_signature != !args->signature_keys.empty())
        throw Error(ErrorCode::kInvalidArgument,
                    "--verify-signature and --key (a cosign public key) go together");
      opts.signature_keys.assign(args->signature_keys.begin(), args->signature_keys.end());
      opts.repo_url = args->repo_url;
      opts.pass_credentials = args->pass_credentials;
      if (chart.rfind("oci://", 0) == 0) opts.progress = terminal_progress("Pulling");
      actions::PullOutcome outcome = actions::pull(opts);
      end_progress();
      if (outcome.classic) {  // Helm prints nothing but warnings and verification
        for (const std::string& w : outcome.classic->warnings) std::cerr << w << "\n";
        if (outcome.classic->verification)
          std::cout << actions::verification_lines(*outcome.classic->verification);
        continue;
      }
      const actions::PullResult& result = *outcome.oci;
      for (const std::string& w : result.skipped_tags) std::cerr << w << "\n";
      print_ref_lines("Pulled", result.printed_ref, result.digest,
                      result.printed_ref.find('_') != std::string::npos);
      for (const std::string& w : result.warnings) std::cerr << w << "\n";
      if (result.verification) std::cout << actions::verification_lines(*result.verification);
      if (result.signature) std::cout << "Signature: " << result.signature->how << "\n";
    }
  });
}

}  // namespace ch::cli
