// `charthouse verify CHART.tgz [--keyring FILE]`: Helm's `helm verify`, the chart archive
// checked against <chart>.tgz.prov; prints Helm's three lines on success.
// `charthouse verify oci://… --key cosign.pub`: the chart's cosign signature or Sigstore
// bundle in its registry (actions/signature.hpp).
#include <iostream>

#include "actions/signature.hpp"
#include "actions/verify.hpp"
#include "base/error.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_verify_command(CLI::App& app) {
  struct Args {
    std::string path;
    std::string keyring;
    std::vector<std::string> keys;
    std::string version;
    client::ClientOptions client;
  };
  auto args = std::make_shared<Args>();
  args->keyring = actions::default_keyring().string();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Verify that a chart at the given path has been signed and is valid.\n\n"
      "The chart archive must have a provenance file (<chart>.tgz.prov) next to it, clear-signed\n"
      "by a key of the keyring; its recorded sha256 must be the archive's. The keyring is a\n"
      "GnuPG keyring file (pubring.gpg), an armored export or a keybox (pubring.kbx).\n\n"
      "For oci://host/repo:tag (or @digest) with --key cosign.pub: the chart's cosign\n"
      "signature (sha256-<digest>.sig) or Sigstore bundle (OCI referrer) must verify with the\n"
      "key and name exactly the chart's manifest digest.");
  cmd->add_option("PATH", args->path, "the chart archive (.tgz), or oci://host/repo:tag")
      ->required();
  cmd->add_option("--key", args->keys, "oci://: a cosign public key (PEM); may be repeated");
  cmd->add_option("--version", args->version, "oci://: the chart version, when PATH has no tag");
  add_client_flags(cmd, args->client, true);
  cmd->add_option("--keyring", args->keyring, "keyring containing public keys")
      ->capture_default_str();
  cmd->callback([args] {
    if (args->path.rfind("oci://", 0) == 0) {
      actions::VerifySignatureOptions o;
      o.url = args->path;
      o.version = args->version;
      o.keys.assign(args->keys.begin(), args->keys.end());
      o.client = args->client;
      actions::SignatureCheck c = actions::verify_chart_signature(o);
      std::cout << "Verified: " << c.reference << "\n"
                << "Signature: " << c.how << "\n";
      return;
    }
    if (!args->keys.empty())
      throw Error(ErrorCode::kInvalidArgument,
                  "--key verifies cosign signatures of oci:// charts; a chart archive is "
                  "verified with --keyring");
    actions::Verification v = actions::verify_chart(args->path, args->keyring);
    std::cout << actions::verification_lines(v);
  });
}

}  // namespace ch::cli
