#include "server/ui/content.hpp"

#include <algorithm>

#include "helm/loader.hpp"

namespace ch::server::ui {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string image_type(std::string_view path) {
  const std::string p = lower(path);
  if (p.ends_with(".png")) return "image/png";
  if (p.ends_with(".jpg") || p.ends_with(".jpeg")) return "image/jpeg";
  if (p.ends_with(".gif")) return "image/gif";
  if (p.ends_with(".webp")) return "image/webp";
  if (p.ends_with(".svg")) return "image/svg+xml";
  return {};
}

std::shared_ptr<const ChartContent> read_chart_content(std::string_view archive) {
  constexpr std::size_t kMaxImage = 1 << 20, kMaxImages = 8 << 20;
  auto c = std::make_shared<ChartContent>();
  std::size_t image_bytes = 0;
  for (helm::File& f : helm::read_archive_files(archive)) {
    c->bytes += f.name.size() + f.data.size();
    if (f.name == "Chart.yaml") {
      c->chart_yaml = std::move(f.data);
    } else if (f.name == "values.yaml") {
      c->values = std::move(f.data);
    } else if (f.name == "values.schema.json") {
      c->schema = std::move(f.data);
    } else if (f.name.rfind("templates/", 0) == 0) {
      c->templates.emplace_back(f.name, std::move(f.data));
    } else if (f.name.find('/') == std::string::npos && lower(f.name) == "readme.md") {
      c->readme_name = f.name;
      c->readme = std::move(f.data);
    } else if (f.name.rfind("charts/", 0) != 0 && !image_type(f.name).empty() &&
               f.data.size() <= kMaxImage && image_bytes + f.data.size() <= kMaxImages) {
      image_bytes += f.data.size();
      c->images.emplace(f.name, std::move(f.data));
    }
  }
  std::sort(c->templates.begin(), c->templates.end());
  return c;
}

std::shared_ptr<const ChartContent> ContentCache::find(const std::string& digest) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(digest);
  if (it == entries_.end()) return nullptr;
  it->second.used = ++clock_;
  return it->second.content;
}

void ContentCache::put(const std::string& digest, std::shared_ptr<const ChartContent> content) {
  std::lock_guard lock(mu_);
  if (content->bytes > max_bytes_ || entries_.count(digest)) return;
  while (bytes_ + content->bytes > max_bytes_ && !entries_.empty()) {
    auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    bytes_ -= oldest->second.content->bytes;
    entries_.erase(oldest);
  }
  bytes_ += content->bytes;
  entries_.emplace(digest, Entry{std::move(content), ++clock_});
}

}  // namespace ch::server::ui
