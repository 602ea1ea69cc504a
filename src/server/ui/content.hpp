// What the web UI shows from inside a chart archive (README, values, schema, templates,
// Chart.yaml, images the README uses), read from the stored archive once and cached by the
// archive's digest in a bounded LRU.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ch::server::ui {

struct ChartContent {
  std::string chart_yaml;
  std::string readme_name, readme;  // README.md (any case) at the chart's top
  std::optional<std::string> values, schema;
  std::vector<std::pair<std::string, std::string>> templates;  // "templates/x.yaml", bytes
  std::map<std::string, std::string> images;  // image files (<= 1 MiB each, 8 MiB in all)
  std::size_t bytes = 0;                      // what it holds, for the cache's bound
};

// Parses a chart archive (.tgz bytes) with the loader's limits. Throws ch::Error for an
// archive the loader refuses.
std::shared_ptr<const ChartContent> read_chart_content(std::string_view archive);

// Content-Type of an image file by its extension, or "" when it is not one the UI serves.
std::string image_type(std::string_view path);

class ContentCache {
 public:
  explicit ContentCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  std::shared_ptr<const ChartContent> find(const std::string& digest);
  void put(const std::string& digest, std::shared_ptr<const ChartContent> content);

 private:
  struct Entry {
    std::shared_ptr<const ChartContent> content;
    std::uint64_t used = 0;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::size_t bytes_ = 0, max_bytes_;
  std::uint64_t clock_ = 0;
};

}  // namespace ch::server::ui
