// `charthouse sign oci://HOST/REPO/CHART:VERSION|@DIGEST --key cosign.key [--bundle]`: signs
// a chart manifest as cosign does (actions/signature.hpp). The password of an encrypted key
// comes from COSIGN_PASSWORD, as with cosign.
#include <cstdlib>
#include <iostream>

#include "actions/signature.hpp"
#include "cli/client_flags.hpp"
#include "cli/commands.hpp"

namespace ch::cli {

void add_sign_command(CLI::App& app) {
  auto opts = std::make_shared<actions::SignOptions>();
  auto key = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "sign",
      "Sign a chart in an OCI registry with a cosign key pair.\n\n"
      "By default the signature is stored as cosign 2 stores it (a simple-signing payload in\n"
      "the manifest tagged sha256-<digest>.sig, added to the signatures already there); with\n"
      "--bundle as cosign 3 does (a Sigstore bundle attached to the chart as an OCI 1.1\n"
      "referrer). The key is an ECDSA P-256 private key: cosign's encrypted format (password\n"
      "in COSIGN_PASSWORD) or PKCS#8 PEM.");
  cmd->add_option("CHART", opts->url, "oci://host/repo:tag or oci://host/repo@digest")->required();
  cmd->add_option("--version", opts->version, "the chart version, when CHART has no tag");
  cmd->add_option("--key", *key, "the private key (cosign.key)")->required();
  cmd->add_flag("--bundle", opts->bundle,
                "store a Sigstore bundle as an OCI 1.1 referrer (cosign 3's format)");
  add_client_flags(cmd, opts->client, true);
  cmd->callback([opts, key] {
    actions::SignOptions o = *opts;
    o.key = *key;
    if (const char* pw = std::getenv("COSIGN_PASSWORD")) o.password = pw;
    actions::SignResult r = actions::sign_chart(o);
    std::cerr << "Signed: " << r.reference << "\n";
    std::cerr << "Signature: " << r.stored << "\n";
    if (r.tag_schema)
      std::cerr << "The registry has no referrers API: listed in the referrers tag schema\n";
  });
}

}  // namespace ch::cli
