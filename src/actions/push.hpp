// `charthouse push CHART.tgz oci://HOST/NS`: the artifact `helm push` (3.17+) writes —
// config = chart metadata JSON, chart layer (+ .prov layer when CHART.tgz.prov exists),
// layers sorted by digest, Helm's annotations — pushed to <NS>/<chart name>:<version>.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "chart/metadata.hpp"
#include "client/registry_client.hpp"

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

// Spec §1.4: the manifest annotations Helm computes from the chart metadata; `created` is
// the value of org.opencontainers.image.created (empty = none).
std::map<std::string, std::string> helm_annotations(const chart::Metadata& metadata,
                                                    const std::string& created);

// Go's time.Format(time.RFC3339) of a Unix time in the local time zone.
std::string rfc3339_local(std::int64_t unix_seconds);

}  // namespace ch::actions
