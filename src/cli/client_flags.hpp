// Flags shared by every command that talks to a registry, and the progress line shown on
// stderr for long transfers.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "client/registry_client.hpp"

namespace ch::cli {

// --plain-http --insecure-skip-tls-verify --ca-file --cert-file --key-file
// --registry-config, and --username/--password when with_credentials.
void add_client_flags(CLI::App* cmd, client::ClientOptions& options, bool with_credentials);

// A progress callback printing "\r<label> 12.0 MB / 40.0 MB" when stderr is a terminal and
// the transfer is over 4 MB; an empty function otherwise.
client::ProgressFn terminal_progress(const std::string& label);

// Ends a progress line if one was drawn.
void end_progress();

// "Pulled:"/"Pushed:" + "Digest:" on stderr (Helm 3.11+), plus Helm's underscore note.
void print_ref_lines(const std::string& verb, const std::string& ref, const std::string& digest,
                     bool underscore);

}  // namespace ch::cli
