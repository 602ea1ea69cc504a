#include "actions/show.hpp"

#include <filesystem>

#include "base/file.hpp"
#include "client/chart_resolver.hpp"
#include "helm/loader.hpp"

namespace ch::actions {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

const helm::File* find_readme(const helm::Chart& c) {
  for (const auto& f : c.files)
    for (std::string_view n : {"readme.md", "readme.txt", "readme"})
      if (iequals(f.name, n)) return &f;
  return nullptr;
}

bool has_manifest_extension(const std::string& name) {
  std::string ext = std::filesystem::path(name).extension().string();
  return iequals(ext, ".yaml") || iequals(ext, ".yml") || iequals(ext, ".json");
}

void collect_crds(const helm::Chart& c, std::vector<const helm::File*>& out) {
  for (const auto& f : c.files)
    if (f.name.rfind("crds/", 0) == 0 && has_manifest_extension(f.name)) out.push_back(&f);
  for (const auto& sub : c.subcharts) collect_crds(sub, out);
}

}  // namespace

std::string render_show(const helm::Chart& c, ShowFormat format) {
  const bool all = format == ShowFormat::kAll;
  std::string out;
  if (format == ShowFormat::kChart || all) out += c.metadata.to_yaml() + "\n";
  if ((format == ShowFormat::kValues || all) && c.values) {
    if (all) out += "---\n";
    out += c.values->data + "\n";
  }
  if (format == ShowFormat::kReadme || all) {
    if (const helm::File* readme = find_readme(c)) {
      if (all) out += "---\n";
      out += readme->data + "\n";
    }
  }
  if (format == ShowFormat::kCrds || all) {
    std::vector<const helm::File*> crds;
    collect_crds(c, crds);
    if (!crds.empty()) {
      if (all && crds[0]->data.rfind("---", 0) != 0) out += "---\n";
      for (const auto* f : crds) out += f->data + "\n";
    }
  }
  return out;
}

std::string show_local(const std::string& path, ShowFormat format) {
  return render_show(helm::load(path), format);
}

RemoteShowResult show_remote(const RemoteShowOptions& options, ShowFormat format) {
  client::RegistryClient client(options.client);
  client::ResolvedChart resolved =
      client::resolve_chart(client, options.url, options.version, options.devel);
  client::FetchOptions fetch_options;
  fetch_options.root = resolved.manifest ? &*resolved.manifest : nullptr;
  client::FetchedChart fetched = client::fetch_chart(client, resolved.ref, fetch_options);
  RemoteShowResult result;
  result.skipped_tags = resolved.warnings;
  result.printed_ref = fetched.printed_ref;
  result.digest = fetched.manifest_digest;
  result.warnings = fetched.warnings;
  result.text = render_show(
      helm::load_archive(fs::read_file(fetched.chart, helm::kMaxArchiveSize + 1)), format);
  return result;
}

}  // namespace ch::actions
