// A loaded chart: metadata, lock, values, templates, other files and subcharts, each file
// with its bytes (UTF-8 BOM stripped) and modification time, in Helm's load order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "helm/metadata.hpp"

namespace ch::helm {

struct File {
  std::string name;  // chart-relative, '/'-separated
  std::string data;
  std::int64_t mtime = 0;  // Unix seconds; 0 when unknown
};

struct Chart {
  Metadata metadata;
  std::optional<Lock> lock;  // Chart.lock (v2) or requirements.lock (v1)
  std::int64_t chart_yaml_mtime = 0;
  std::optional<File> values;    // values.yaml, byte-exact
  std::optional<File> schema;    // values.schema.json, byte-exact
  std::vector<File> templates;   // templates/...
  std::vector<File> files;       // everything else, including README and crds/
  std::vector<File> raw;         // every file as loaded, Chart.yaml included
  std::vector<Chart> subcharts;  // charts/<x>.tgz and charts/<x>/, sorted by directory name

  const std::string& name() const { return metadata.name; }
};

}  // namespace ch::helm
