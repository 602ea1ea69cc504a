// The web UI's HTML: a layout and one function per page, from plain data (the handler in
// handlers/ui.cpp gathers it and checks who may see what). Every value that came from a chart
// or a request is escaped here; Markdown goes through render_markdown (markdown.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/ui/catalog.hpp"
#include "server/ui/content.hpp"

namespace ch::server::ui {

struct Viewer {
  std::optional<std::string> user;  // signed in as
  bool can_sign_in = false;         // an htpasswd file is configured
  std::string csrf;                 // token for this browser's forms
};

// Where this server is reached, for install commands ("127.0.0.1:5000", tls).
struct Site {
  std::string host;
  bool tls = false;
};

std::string layout(const Viewer& viewer, std::string_view title, std::string_view body,
                   std::string_view query = {});

// Home: charts grouped by namespace; `results_only` renders just the result list (for search
// as you type).
struct HomeData {
  std::vector<const ChartRepo*> charts;  // already filtered, sorted and paged
  std::vector<std::string> other_repositories;
  std::string query, sort;
  std::size_t total = 0, page = 1, pages = 1;
};
std::string home_page(const Viewer& viewer, const HomeData& data, bool results_only);

struct ArtifactRow {
  std::string tag, digest, media_type, artifact_type;
  std::uint64_t size = 0;
  std::size_t referrers = 0;
};

struct ChartPageData {
  const ChartRepo* chart = nullptr;
  const ChartVersion* version = nullptr;
  bool explicit_version = false;  // the URL named the version
  std::shared_ptr<const ChartContent> content;
  std::string tab;   // readme, values, schema, templates, dependencies, versions, artifacts
  std::string file;  // templates tab: the template shown
  std::vector<bool> signed_versions;          // parallel to chart->versions
  std::vector<std::string> dependency_links;  // parallel to entry.dependencies: "" or a URL
  std::vector<ArtifactRow> artifacts;         // other tags of the repository
  bool may_delete = false;
  Site site;
};
std::string chart_page(const Viewer& viewer, const ChartPageData& data);

struct CompareData {
  const ChartRepo* chart = nullptr;
  const ChartVersion *from = nullptr, *to = nullptr;
  std::shared_ptr<const ChartContent> a, b;
  bool split = false;
};
std::string compare_page(const Viewer& viewer, const CompareData& data);

struct RepoData {
  std::string repository;
  std::vector<ArtifactRow> rows;
  bool more = false;
  // One manifest shown in full (?digest=): its bytes pretty-printed, its referrers.
  std::optional<ArtifactRow> manifest;
  std::string manifest_json;
  std::vector<ArtifactRow> referrers;
};
std::string repo_page(const Viewer& viewer, const RepoData& data);

std::string login_page(const Viewer& viewer, std::string_view next, std::string_view error);
std::string message_page(const Viewer& viewer, std::string_view title, std::string_view message);

// "1.2 MiB"
std::string human_size(std::uint64_t bytes);
// The link to a chart version's page.
std::string chart_href(const std::string& repository, const std::string& version = {});
// Percent-encodes a path (keeps '/') or a query value.
std::string url_path(std::string_view path);
std::string url_query(std::string_view value);

}  // namespace ch::server::ui
