// `charthouse push CHART.tgz oci://HOST/NS`: the artifact `helm push` (3.17+) writes —
// config = chart metadata JSON, chart layer (+ .prov layer when CHART.tgz.prov exists),
// layers sorted by digest, Helm's annotations — pushed to <NS>/<chart name>:<version>.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "client/registry_client.hpp"
#include "helm/metadata.hpp"

namespace ch::actions {

struct PushOptions {
  std::filesystem::path chart;  // a packaged chart (.tgz)
  std::string remote;           // oci://host/namespace
  client::ClientOptions client;
  client::ProgressFn progress;  // chart layer upload progress
};

struct PushResult {
  std::string ref;     // registry/namespace/name:tag, as "Pushed:" prints it
  std::string digest;  // manifest digest
  std::string manifest;
};

PushResult push_chart(const PushOptions& options);

}  // namespace ch::actions
