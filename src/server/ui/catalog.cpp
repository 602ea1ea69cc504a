#include "server/ui/catalog.hpp"

#include <algorithm>
#include <set>

#include "base/json_limits.hpp"
#include "gocompat/semver.hpp"

namespace ch::server::ui {

namespace {

using json = nlohmann::json;

std::string text(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const json& o, const char* key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || !it->is_array()) return out;
  for (const json& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool newer(const ChartVersion& a, const ChartVersion& b) {
  auto va = semver::Version::try_parse(a.version);
  auto vb = semver::Version::try_parse(b.version);
  if (va && vb && *va != *vb) return *va > *vb;
  if (va.has_value() != vb.has_value()) return va.has_value();
  return a.version > b.version;
}

}  // namespace

const ChartVersion* ChartRepo::find(std::string_view version_or_tag) const {
  for (const ChartVersion& v : versions)
    if (v.version == version_or_tag) return &v;
  for (const ChartVersion& v : versions)
    if (v.tag == version_or_tag) return &v;
  return nullptr;
}

const ChartRepo* Catalog::find(std::string_view repository) const {
  auto it = index.find(std::string(repository));
  return it == index.end() ? nullptr : &charts[it->second];
}

namespace {

// The version a chart manifest's stored entry describes (tag left empty), or nullptr.
std::shared_ptr<const ChartVersion> parse_version(const store::Manifest& m) {
  json info;
  try {
    info = parse_untrusted_json(m.chart);
  } catch (const std::exception&) {
    return nullptr;
  }
  if (!info.is_object() || !info.contains("entry") || !info["entry"].is_object()) return nullptr;
  const json& e = info["entry"];
  auto v = std::make_shared<ChartVersion>();
  v->version = text(e, "version");
  if (v->version.empty()) return nullptr;
  v->app_version = text(e, "appVersion");
  v->description = text(e, "description");
  v->icon = text(e, "icon");
  v->created = text(e, "created");
  v->home = text(e, "home");
  v->kube_version = text(e, "kubeVersion");
  v->type = text(e, "type");
  v->keywords = strings(e, "keywords");
  v->sources = strings(e, "sources");
  if (auto who = e.find("maintainers"); who != e.end() && who->is_array())
    for (const json& x : *who)
      if (x.is_object() && !text(x, "name").empty()) v->maintainers.push_back(text(x, "name"));
  v->deprecated = e.value("deprecated", false) == true;
  v->manifest_digest = m.digest.str();
  v->layer_digest = text(info, "layer");
  v->prov_digest = text(info, "prov");
  for (const auto& b : m.blobs)
    if (b.digest == v->layer_digest) v->size = b.size;
  v->entry_json = std::make_shared<const json>(e);
  return v;
}

}  // namespace

std::shared_ptr<const Catalog> build_catalog(const std::vector<store::ChartTag>& tags,
                                             std::uint64_t generation, EntryCache* cache) {
  auto catalog = std::make_shared<Catalog>();
  catalog->generation = generation;
  std::set<std::pair<std::string, std::string>> seen;  // repository, version
  EntryCache fresh_cache;
  for (const store::ChartTag& t : tags) {
    if (!t.manifest || t.manifest->chart.empty()) continue;
    const std::string key = t.repository + "@" + t.manifest->digest.str();
    std::shared_ptr<const ChartVersion> parsed;
    if (cache != nullptr) {
      if (auto it = cache->find(key); it != cache->end()) parsed = it->second;
    }
    if (!parsed) parsed = parse_version(*t.manifest);
    if (!parsed) continue;
    fresh_cache.emplace(key, parsed);
    ChartVersion v = *parsed;
    v.tag = t.tag;
    // A version reached by several tags (1.0.0 and latest): listed once, under its own tag
    // when it has one.
    const bool again = !seen.emplace(t.repository, v.version).second;
    if (again && t.tag != v.version) continue;

    auto [it, fresh] = catalog->index.emplace(t.repository, catalog->charts.size());
    if (fresh) {
      ChartRepo r;
      r.repository = t.repository;
      auto slash = t.repository.rfind('/');
      r.ns = slash == std::string::npos ? "" : t.repository.substr(0, slash);
      r.name = slash == std::string::npos ? t.repository : t.repository.substr(slash + 1);
      catalog->charts.push_back(std::move(r));
    }
    ChartRepo& repo = catalog->charts[it->second];
    if (!again) {
      repo.versions.push_back(std::move(v));
      continue;
    }
    for (ChartVersion& x : repo.versions)  // its own tag wins over another tag of the version
      if (x.version == v.version) x = std::move(v);
  }
  for (ChartRepo& r : catalog->charts) {
    std::sort(r.versions.begin(), r.versions.end(), newer);
    for (const ChartVersion& v : r.versions) r.last_push = std::max(r.last_push, v.created);
    const ChartVersion& l = r.latest();
    std::string hay = r.repository + "\n" + text(l.entry(), "name") + "\n" + l.description;
    for (const auto& k : l.keywords) hay += "\n" + k;
    for (const auto& m : l.maintainers) hay += "\n" + m;
    r.haystack = lower(hay);
  }
  std::vector<std::size_t> order(catalog->charts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return catalog->charts[a].repository < catalog->charts[b].repository;
  });
  std::vector<ChartRepo> sorted;
  sorted.reserve(order.size());
  catalog->index.clear();
  for (std::size_t i : order) {
    catalog->index.emplace(catalog->charts[i].repository, sorted.size());
    sorted.push_back(std::move(catalog->charts[i]));
  }
  catalog->charts = std::move(sorted);
  if (cache != nullptr) *cache = std::move(fresh_cache);
  return catalog;
}

bool matches(const ChartRepo& chart, std::string_view query) {
  std::string q = lower(query.substr(0, 8 * 65));
  std::size_t words = 0, pos = 0;
  while (pos < q.size() && words < 8) {
    while (pos < q.size() && q[pos] == ' ') ++pos;
    std::size_t end = q.find(' ', pos);
    if (end == std::string::npos) end = q.size();
    if (end > pos) {
      ++words;
      std::string_view word = std::string_view(q).substr(pos, std::min<std::size_t>(end - pos, 64));
      if (chart.haystack.find(word) == std::string::npos) return false;
    }
    pos = end;
  }
  return true;
}

}  // namespace ch::server::ui
