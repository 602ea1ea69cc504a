// `charthouse show chart|values|readme|crds|all`: the text `helm show` prints for a chart.
#pragma once

#include <string>
#include <vector>

#include "client/registry_client.hpp"

#include "helm/chart.hpp"

namespace ch::actions {

enum class ShowFormat { kChart, kValues, kReadme, kCrds, kAll };

// Renders exactly what `helm show <format>` writes to stdout for a loaded chart.
std::string render_show(const helm::Chart& chart, ShowFormat format);

// Loads a chart directory or .tgz and renders it.
std::string show_local(const std::string& path, ShowFormat format);

struct RemoteShowOptions {
  std::string url;  // oci://host/repo[:tag][@digest]
  std::string version;
  bool devel = false;
  client::ClientOptions client;
};

struct RemoteShowResult {
  std::vector<std::string> skipped_tags;  // "Warning: skipping tag …" (stderr, first)
  std::string text;                       // what goes to stdout
  std::string printed_ref;                // "Pulled:" / "Digest:" lines (stderr)
  std::string digest;
  std::vector<std::string> warnings;
};

// Resolves and fetches the chart (through the content cache) and renders it.
RemoteShowResult show_remote(const RemoteShowOptions& options, ShowFormat format);

}  // namespace ch::actions
