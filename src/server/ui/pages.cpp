#include "server/ui/pages.hpp"

#include <algorithm>
#include <map>

#include "base/error.hpp"
#include "base/percent.hpp"
#include "server/ui/highlight.hpp"
#include "server/ui/html.hpp"
#include "server/ui/markdown.hpp"
#include "server/ui/schema_table.hpp"
#include "server/ui/textdiff.hpp"

namespace ch::server::ui {

namespace {

using json = nlohmann::json;

std::string e(std::string_view s) {
  return escape(s);
}

std::string date_of(const std::string& rfc3339) {
  return rfc3339.substr(0, 10);
}

std::string short_digest(const std::string& d) {
  auto colon = d.find(':');
  return colon == std::string::npos ? d : d.substr(0, colon + 13);
}

bool is_http_url(std::string_view u) {
  return u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0;
}

// An icon from Chart.yaml: only https URLs (a page never loads plain-http content).
std::string icon_img(const std::string& icon, const std::string& name) {
  if (icon.rfind("https://", 0) != 0 || icon.size() > 2048)
    return "<span class=\"icon placeholder\" aria-hidden=\"true\">" + e(name.substr(0, 1)) +
           "</span>";
  return "<img class=\"icon\" src=\"" + e(icon) +
         "\" alt=\"\" loading=\"lazy\" width=\"40\" height=\"40\">";
}

std::string link(const std::string& href, std::string_view text) {
  return "<a href=\"" + e(href) + "\">" + e(text) + "</a>";
}

std::string external_link(const std::string& url) {
  if (!is_http_url(url)) return e(url);
  return "<a href=\"" + e(url) + "\" rel=\"nofollow noopener noreferrer\">" + e(url) + "</a>";
}

std::string copy_block(const std::string& label, const std::string& command) {
  return "<div class=\"cmd\"><div class=\"cmd-label\">" + e(label) + "</div><pre><code>" +
         e(command) + "</code></pre><button type=\"button\" class=\"copy\" data-copy=\"" +
         e(command) + "\" aria-label=\"Copy: " + e(label) + "\">Copy</button></div>";
}

std::string csrf_field(const Viewer& v) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + e(v.csrf) + "\">";
}

}  // namespace

std::string human_size(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string url_path(std::string_view path) {
  return percent_encode(path, "/+");
}

std::string url_query(std::string_view value) {
  return percent_encode(value);
}

std::string chart_href(const std::string& repository, const std::string& version) {
  return "/" + url_path(repository) + (version.empty() ? "" : "/" + url_path(version));
}

std::string layout(const Viewer& viewer, std::string_view title, std::string_view body,
                   std::string_view query) {
  std::string h;
  h.reserve(body.size() + 4096);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<meta name=\"color-scheme\" content=\"light dark\">"
       "<title>";
  h += e(title);
  h += " · charthouse</title><link rel=\"stylesheet\" href=\"/-/static/ui.css\">"
       "<script src=\"/-/static/ui.js\" defer></script></head><body>"
       "<a class=\"skip\" href=\"#main\">Skip to content</a>"
       "<header class=\"top\"><a class=\"brand\" href=\"/\">charthouse</a>"
       "<form class=\"search\" role=\"search\" action=\"/\" method=\"get\">"
       "<label for=\"q\" class=\"visually-hidden\">Search charts</label>"
       "<input id=\"q\" type=\"search\" name=\"q\" placeholder=\"Search charts\" "
       "autocomplete=\"off\" value=\"";
  h += e(query);
  h += "\"><button type=\"submit\">Search</button></form><nav class=\"account\">";
  if (viewer.user) {
    h += "<span class=\"who\">" + e(*viewer.user) +
         "</span><form method=\"post\" action=\"/-/logout\">" + csrf_field(viewer) +
         "<button type=\"submit\" class=\"linkish\">Sign out</button></form>";
  } else if (viewer.can_sign_in) {
    h += "<a href=\"/-/login\">Sign in</a>";
  }
  h += "</nav></header><main id=\"main\">";
  h += body;
  h += "</main><footer><p>charthouse — Helm charts over OCI. "
       "<a href=\"/v2/\">OCI API</a></p></footer></body></html>\n";
  return h;
}

std::string home_page(const Viewer& viewer, const HomeData& d, bool results_only) {
  std::string list;
  list += "<div id=\"results\" aria-live=\"polite\"><p class=\"count\">" + std::to_string(d.total) +
          (d.total == 1 ? " chart" : " charts") +
          (d.query.empty() ? "" : " matching “" + e(d.query) + "”") + "</p>";
  std::string ns;
  bool open = false;
  for (const ChartRepo* c : d.charts) {
    if (!open || c->ns != ns) {
      if (open) list += "</ul></section>";
      ns = c->ns;
      open = true;
      list += "<section class=\"ns\"><h2>" + (ns.empty() ? std::string("(top level)") : e(ns)) +
              "</h2><ul class=\"cards\">";
    }
    const ChartVersion& l = c->latest();
    list += "<li class=\"card\">" + icon_img(l.icon, c->name) + "<div class=\"card-body\"><h3>" +
            link(chart_href(c->repository), c->name) + "</h3>";
    if (l.deprecated) list += "<span class=\"badge deprecated\">deprecated</span>";
    list += "<p class=\"desc\">" + e(l.description) + "</p><p class=\"meta\">Version <b>" +
            e(l.version) + "</b>";
    if (!l.app_version.empty()) list += " · App " + e(l.app_version);
    list += " · Updated <time datetime=\"" + e(c->last_push) + "\">" + e(date_of(c->last_push)) +
            "</time></p></div></li>";
  }
  if (open) list += "</ul></section>";
  if (d.pages > 1) {
    list += "<nav class=\"pager\" aria-label=\"Pages\">";
    for (std::size_t p = 1; p <= d.pages; ++p) {
      std::string href =
          "/?q=" + url_query(d.query) + "&sort=" + url_query(d.sort) + "&page=" + std::to_string(p);
      list += p == d.page ? "<span aria-current=\"page\">" + std::to_string(p) + "</span>"
                          : link(href, std::to_string(p));
    }
    list += "</nav>";
  }
  list += "</div>";
  if (results_only) return list;

  std::string body = "<h1>Charts</h1><p class=\"sort\">Sort by: ";
  for (auto [key, label] : {std::pair{"name", "name"}, std::pair{"updated", "last update"}}) {
    std::string href = "/?q=" + url_query(d.query) + "&sort=" + key;
    body += d.sort == key ? "<b>" + std::string(label) + "</b> " : link(href, label) + " ";
  }
  body += "</p>" + list;
  if (!d.other_repositories.empty()) {
    body +=
        "<section class=\"others\"><h2>Other artifacts</h2><p>Repositories holding images, "
        "signatures or other OCI artifacts, not charts.</p><ul>";
    for (const auto& r : d.other_repositories)
      body += "<li>" + link("/" + url_path(r), r) + "</li>";
    body += "</ul></section>";
  }
  return layout(viewer, "Charts", body, d.query);
}

namespace {

std::string tab_link(const ChartPageData& d, const std::string& tab, const std::string& label) {
  std::string href =
      chart_href(d.chart->repository, d.explicit_version ? d.version->version : "") + "?tab=" + tab;
  return "<li><a href=\"" + e(href) + "\"" +
         (d.tab == tab ? " aria-current=\"page\" class=\"active\"" : "") + ">" + e(label) +
         "</a></li>";
}

std::string metadata_box(const ChartPageData& d) {
  const ChartVersion& v = *d.version;
  const json& en = v.entry();
  std::string s = "<dl class=\"facts\">";
  auto row = [&](const char* k, const std::string& val) {
    if (!val.empty()) s += "<dt>" + std::string(k) + "</dt><dd>" + val + "</dd>";
  };
  row("Version", e(v.version));
  row("App version", e(v.app_version));
  row("API version", e(en.value("apiVersion", "")));
  row("Type", e(v.type.empty() ? std::string("application") : v.type));
  row("Kubernetes", e(v.kube_version));
  row("Home", v.home.empty() ? "" : external_link(v.home));
  if (!v.sources.empty()) {
    std::string src;
    for (const auto& x : v.sources) src += external_link(x) + "<br>";
    row("Sources", src);
  }
  if (auto m = en.find("maintainers"); m != en.end() && m->is_array() && !m->empty()) {
    std::string who;
    for (const json& x : *m) {
      if (!x.is_object()) continue;
      std::string name = x.value("name", ""), email = x.value("email", ""),
                  url = x.value("url", "");
      who += e(name);
      if (!email.empty()) who += " &lt;" + e(email) + "&gt;";
      if (is_http_url(url)) who += " " + external_link(url);
      who += "<br>";
    }
    row("Maintainers", who);
  }
  if (!v.keywords.empty()) {
    std::string k;
    for (const auto& x : v.keywords) k += "<span class=\"kw\">" + e(x) + "</span> ";
    row("Keywords", k);
  }
  row("Created", e(v.created));
  row("Digest", "<code>" + e(v.manifest_digest) + "</code>");
  row("Size", e(human_size(v.size)));
  if (auto a = en.find("annotations"); a != en.end() && a->is_object() && !a->empty()) {
    std::string ann = "<ul class=\"annotations\">";
    for (auto it = a->begin(); it != a->end(); ++it)
      ann += "<li><code>" + e(it.key()) + "</code>: " +
             e(it.value().is_string() ? it.value().get<std::string>() : it.value().dump()) +
             "</li>";
    row("Annotations", ann + "</ul>");
  }
  return s + "</dl>";
}

std::string install_box(const ChartPageData& d) {
  const std::string& host = d.site.host;
  const std::string plain = d.site.tls ? "" : " --plain-http";
  const std::string oci = "oci://" + host + "/" + d.chart->repository;
  const std::string& ver = d.version->version;
  std::string classic_ns = d.chart->ns.empty() ? std::string() : d.chart->ns;
  std::string s =
      "<section class=\"install\" aria-labelledby=\"install-h\"><h2 id=\"install-h\">Install</h2>";
  s += copy_block("Helm (OCI)",
                  "helm install " + d.chart->name + " " + oci + " --version " + ver + plain);
  s += copy_block("Helm pull", "helm pull " + oci + " --version " + ver + plain);
  s += copy_block("charthouse", "charthouse pull " + oci + " --version " + ver + plain);
  if (!classic_ns.empty()) {
    std::string repo_name = classic_ns.substr(classic_ns.rfind('/') + 1);
    s += copy_block("Helm (classic repository)",
                    "helm repo add " + repo_name + " " + (d.site.tls ? "https://" : "http://") +
                        host + "/" + classic_ns + "\nhelm install " + d.chart->name + " " +
                        repo_name + "/" + d.chart->name + " --version " + ver);
  }
  return s + "</section>";
}

std::string readme_tab(const ChartPageData& d) {
  if (!d.content || d.content->readme.empty())
    return "<p class=\"empty\">This chart has no README.</p>";
  MarkdownOptions o;
  const auto content = d.content;
  const std::string base = "/-/image?repo=" + url_query(d.chart->repository) +
                           "&version=" + url_query(d.version->version) + "&path=";
  o.resolve_image = [content, base](std::string_view url) -> std::string {
    std::string u(url);
    if (u.rfind("https://", 0) == 0) return u;
    if (u.find("://") != std::string::npos || u.rfind("//", 0) == 0) return {};
    while (u.rfind("./", 0) == 0) u.erase(0, 2);
    auto q = u.find_first_of("?#");
    if (q != std::string::npos) u.resize(q);
    if (content->images.count(u)) return base + url_query(u);
    return {};
  };
  o.resolve_link = [](std::string_view) -> std::string {
    return {};  // relative links point into the chart's source tree, which is not here
  };
  return "<article class=\"markdown\">" + render_markdown(d.content->readme, o) + "</article>";
}

std::string code_block(const std::string& name, const std::string& text) {
  return "<figure class=\"code\"><figcaption>" + e(name) +
         "</figcaption><pre class=\"yaml\"><code>" + highlight_yaml(text) +
         "</code></pre></figure>";
}

std::string schema_tab(const ChartPageData& d) {
  if (!d.content || !d.content->schema) return "<p class=\"empty\">No values.schema.json.</p>";
  std::string s;
  try {
    auto rows = schema_rows(*d.content->schema);
    s += "<div class=\"table-wrap\"><table class=\"schema\"><thead><tr><th scope=\"col\">Key</th>"
         "<th scope=\"col\">Type</th><th scope=\"col\">Default</th><th "
         "scope=\"col\">Description</th></tr></thead><tbody>";
    for (const auto& r : rows) {
      s += "<tr><td class=\"key d" + std::to_string(std::min<std::size_t>(r.depth, 8)) +
           "\"><code>" + e(r.path) + "</code>" +
           (r.required ? " <span class=\"req\">required</span>" : "") + "</td><td>" + e(r.type) +
           (r.enum_json.empty() ? "" : "<br><small>one of " + e(r.enum_json) + "</small>") +
           "</td><td><code>" + e(r.default_json) + "</code></td><td>" + e(r.description) +
           "</td></tr>";
    }
    s += "</tbody></table></div>";
  } catch (const Error& err) {
    s += "<p class=\"error\">values.schema.json cannot be read: " + e(err.what()) + "</p>";
  }
  return s + code_block("values.schema.json", *d.content->schema);
}

std::string templates_tab(const ChartPageData& d) {
  if (!d.content || d.content->templates.empty()) return "<p class=\"empty\">No templates.</p>";
  std::string base = chart_href(d.chart->repository, d.explicit_version ? d.version->version : "") +
                     "?tab=templates&file=";
  std::string s = "<div class=\"split-view\"><nav class=\"files\" aria-label=\"Templates\"><ul>";
  const std::pair<std::string, std::string>* shown = nullptr;
  for (const auto& t : d.content->templates) {
    bool current = t.first == d.file;
    if (current) shown = &t;
    s += "<li><a href=\"" + e(base + url_query(t.first)) + "\"" +
         (current ? " aria-current=\"page\"" : "") + ">" + e(t.first.substr(10)) + "</a></li>";
  }
  s += "</ul></nav><div class=\"file\">";
  if (shown)
    s += code_block(shown->first, shown->second);
  else
    s += "<p>Choose a template.</p>";
  return s + "</div></div>";
}

std::string dependencies_tab(const ChartPageData& d) {
  auto deps = d.version->entry().find("dependencies");
  if (deps == d.version->entry().end() || !deps->is_array() || deps->empty())
    return "<p class=\"empty\">No dependencies.</p>";
  std::string s =
      "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Name</th><th "
      "scope=\"col\">Version</th>"
      "<th scope=\"col\">Repository</th><th scope=\"col\">Condition</th></tr></thead><tbody>";
  std::size_t i = 0;
  for (const json& dep : *deps) {
    if (!dep.is_object()) continue;
    std::string name = dep.value("name", ""), alias = dep.value("alias", "");
    std::string href = i < d.dependency_links.size() ? d.dependency_links[i] : "";
    ++i;
    s += "<tr><td>" + (href.empty() ? e(name) : link(href, name)) +
         (alias.empty() ? "" : " <small>as " + e(alias) + "</small>") + "</td><td>" +
         e(dep.value("version", "")) + "</td><td>" + e(dep.value("repository", "")) + "</td><td>" +
         e(dep.value("condition", "")) + "</td></tr>";
  }
  return s + "</tbody></table></div>";
}

std::string versions_tab(const Viewer& viewer, const ChartPageData& d) {
  std::string s = "<form class=\"compare\" action=\"/-/compare/" +
                  e(url_path(d.chart->repository)) +
                  "\" method=\"get\"><label>Compare <select name=\"from\">";
  for (std::size_t i = 0; i < d.chart->versions.size(); ++i)
    s += "<option" + std::string(i == 1 ? " selected" : "") + ">" +
         e(d.chart->versions[i].version) + "</option>";
  s += "</select></label> <label>with <select name=\"to\">";
  for (std::size_t i = 0; i < d.chart->versions.size(); ++i)
    s += "<option" + std::string(i == 0 ? " selected" : "") + ">" +
         e(d.chart->versions[i].version) + "</option>";
  s += "</select></label> <button type=\"submit\">Compare</button></form>";
  s += "<div class=\"table-wrap\"><table class=\"versions\"><thead><tr><th "
       "scope=\"col\">Version</th>"
       "<th scope=\"col\">App version</th><th scope=\"col\">Date</th><th scope=\"col\">Digest</th>"
       "<th scope=\"col\">Size</th><th scope=\"col\">Signed</th>";
  if (d.may_delete) s += "<th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th>";
  s += "</tr></thead><tbody>";
  for (std::size_t i = 0; i < d.chart->versions.size(); ++i) {
    const ChartVersion& v = d.chart->versions[i];
    bool is_signed = i < d.signed_versions.size() && d.signed_versions[i];
    s += "<tr><td>" + link(chart_href(d.chart->repository, v.version), v.version) +
         (v.deprecated ? " <span class=\"badge deprecated\">deprecated</span>" : "") + "</td><td>" +
         e(v.app_version) + "</td><td>" + e(date_of(v.created)) + "</td><td><code title=\"" +
         e(v.manifest_digest) + "\">" + e(short_digest(v.manifest_digest)) + "</code></td><td>" +
         e(human_size(v.size)) + "</td><td>" +
         (is_signed ? "<span class=\"badge signed\">signed</span>"
                    : "<span class=\"muted\">no</span>") +
         "</td>";
    if (d.may_delete)
      s += "<td><form method=\"post\" action=\"/-/delete\" data-confirm=\"Delete version " +
           e(v.version) + "?\">" + csrf_field(viewer) +
           "<input type=\"hidden\" name=\"repo\" value=\"" + e(d.chart->repository) +
           "\"><input type=\"hidden\" name=\"digest\" value=\"" + e(v.manifest_digest) +
           "\"><button type=\"submit\" class=\"danger\">Delete</button></form></td>";
    s += "</tr>";
  }
  return s + "</tbody></table></div>";
}

std::string artifact_table(const std::string& repository, const std::vector<ArtifactRow>& rows) {
  std::string s =
      "<div class=\"table-wrap\"><table class=\"artifacts\"><thead><tr><th scope=\"col\">Tag</th>"
      "<th scope=\"col\">Media type</th><th scope=\"col\">Artifact type</th>"
      "<th scope=\"col\">Size</th><th scope=\"col\">Referrers</th><th "
      "scope=\"col\">Digest</th></tr></thead><tbody>";
  for (const auto& r : rows)
    s += "<tr><td>" + e(r.tag) + "</td><td><code>" + e(r.media_type) + "</code></td><td><code>" +
         e(r.artifact_type) + "</code></td><td>" + e(human_size(r.size)) + "</td><td>" +
         std::to_string(r.referrers) + "</td><td>" +
         link("/" + url_path(repository) + "?digest=" + url_query(r.digest),
              short_digest(r.digest)) +
         "</td></tr>";
  return s + "</tbody></table></div>";
}

}  // namespace

std::string chart_page(const Viewer& viewer, const ChartPageData& d) {
  const ChartVersion& v = *d.version;
  std::string s = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Charts</a> / " +
                  e(d.chart->ns) + "</nav><div class=\"chart-head\">" +
                  icon_img(v.icon, d.chart->name) + "<div><h1>" + e(d.chart->name) +
                  " <span class=\"version\">" + e(v.version) + "</span></h1><p class=\"desc\">" +
                  e(v.description) + "</p></div></div>";
  if (v.deprecated)
    s += "<div class=\"banner deprecated\" role=\"alert\"><strong>Deprecated.</strong> This chart "
         "version is marked deprecated by its maintainers.</div>";
  if (&v != &d.chart->latest())
    s += "<p class=\"note\">Not the latest version: " +
         link(chart_href(d.chart->repository), "see " + d.chart->latest().version) + ".</p>";
  s += "<div class=\"chart-layout\"><div class=\"chart-main\"><nav class=\"tabs\" "
       "aria-label=\"Chart\"><ul>";
  s += tab_link(d, "readme", "README");
  s += tab_link(d, "values", "Values");
  if (d.content && d.content->schema) s += tab_link(d, "schema", "Values schema");
  s += tab_link(d, "templates", "Templates");
  s += tab_link(d, "dependencies", "Dependencies");
  s += tab_link(d, "versions", "Versions (" + std::to_string(d.chart->versions.size()) + ")");
  if (!d.artifacts.empty()) s += tab_link(d, "artifacts", "Other artifacts");
  s += "</ul></nav><section class=\"tab\" id=\"tab-" + e(d.tab) + "\">";
  if (!d.content && d.tab != "versions" && d.tab != "dependencies" && d.tab != "artifacts")
    s += "<p class=\"error\">The chart archive cannot be read.</p>";
  else if (d.tab == "values")
    s += d.content->values ? code_block("values.yaml", *d.content->values)
                           : "<p class=\"empty\">No values.yaml.</p>";
  else if (d.tab == "schema")
    s += schema_tab(d);
  else if (d.tab == "templates")
    s += templates_tab(d);
  else if (d.tab == "dependencies")
    s += dependencies_tab(d);
  else if (d.tab == "versions")
    s += versions_tab(viewer, d);
  else if (d.tab == "artifacts")
    s += "<p>Tags of this repository that are not chart versions (signatures, attestations, "
         "anything else pushed).</p>" +
         artifact_table(d.chart->repository, d.artifacts);
  else
    s += readme_tab(d);
  s += "</section></div><aside class=\"chart-side\">" + install_box(d) + "<section><h2>Chart</h2>" +
       metadata_box(d) + "</section></aside></div>";
  return layout(viewer, d.chart->name + " " + v.version, s);
}

std::string compare_page(const Viewer& viewer, const CompareData& d) {
  std::string base = "/-/compare/" + url_path(d.chart->repository) +
                     "?from=" + url_query(d.from->version) + "&to=" + url_query(d.to->version);
  std::string s = "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Charts</a> / " +
                  link(chart_href(d.chart->repository), d.chart->name) + "</nav><h1>Compare " +
                  e(d.chart->name) + " " + e(d.from->version) + " → " + e(d.to->version) + "</h1>";
  s += "<p class=\"views\">View: " +
       (d.split ? link(base, "inline") + " · <b>side by side</b>"
                : "<b>inline</b> · " + link(base + "&view=split", "side by side")) +
       "</p>";
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> files;
  files.push_back({"Chart.yaml", {d.a->chart_yaml, d.b->chart_yaml}});
  files.push_back({"values.yaml", {d.a->values.value_or(""), d.b->values.value_or("")}});
  std::map<std::string, std::pair<std::string, std::string>> templates;
  for (const auto& [n, t] : d.a->templates) templates[n].first = t;
  for (const auto& [n, t] : d.b->templates) templates[n].second = t;
  for (auto& [n, ab] : templates) files.push_back({n, ab});
  std::size_t changed = 0;
  std::string out;
  for (const auto& [name, ab] : files) {
    auto hunks = diff_lines(ab.first, ab.second);
    if (hunks.empty()) continue;
    ++changed;
    out += "<section class=\"diff-file\"><h2><code>" + e(name) + "</code></h2>" +
           (d.split ? render_side_by_side(hunks) : render_unified(hunks)) + "</section>";
  }
  s += "<p>" + std::to_string(changed) + " of " + std::to_string(files.size()) +
       " files differ.</p>" + out;
  return layout(viewer, "Compare " + d.chart->name, s);
}

std::string repo_page(const Viewer& viewer, const RepoData& d) {
  std::string s =
      "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Charts</a></nav><h1>" +
      e(d.repository) + "</h1>";
  if (d.manifest) {
    const ArtifactRow& m = *d.manifest;
    s += "<h2>Manifest <code>" + e(m.digest) +
         "</code></h2><dl class=\"facts\"><dt>Media type</dt><dd><code>" + e(m.media_type) +
         "</code></dd><dt>Artifact type</dt><dd><code>" + e(m.artifact_type) +
         "</code></dd><dt>Size</dt><dd>" + e(human_size(m.size)) + "</dd></dl>";
    s += "<figure class=\"code\"><figcaption>manifest</figcaption><pre><code>" +
         e(d.manifest_json) + "</code></pre></figure>";
    s += "<h2>Referrers</h2>";
    s += d.referrers.empty() ? "<p class=\"empty\">None.</p>"
                             : artifact_table(d.repository, d.referrers);
    s += "<p>" + link("/" + url_path(d.repository), "All tags of " + d.repository) + "</p>";
  } else {
    s += "<p>Not a chart repository: its tagged artifacts.</p>" +
         artifact_table(d.repository, d.rows);
    if (d.more) s += "<p class=\"note\">Only the first tags are shown.</p>";
  }
  return layout(viewer, d.repository, s);
}

std::string login_page(const Viewer& viewer, std::string_view next, std::string_view error) {
  std::string s = "<h1>Sign in</h1>";
  if (!error.empty()) s += "<p class=\"error\" role=\"alert\">" + e(error) + "</p>";
  s += "<form class=\"login\" method=\"post\" action=\"/-/login\">" + csrf_field(viewer) +
       "<input type=\"hidden\" name=\"next\" value=\"" + e(next) +
       "\"><label for=\"user\">User</label><input id=\"user\" name=\"user\" "
       "autocomplete=\"username\" required>"
       "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
       "type=\"password\" "
       "autocomplete=\"current-password\" required><button type=\"submit\">Sign in</button></form>";
  return layout(viewer, "Sign in", s);
}

std::string message_page(const Viewer& viewer, std::string_view title, std::string_view message) {
  return layout(
      viewer, title,
      "<h1>" + e(title) + "</h1><p>" + e(message) + "</p><p><a href=\"/\">All charts</a></p>");
}

}  // namespace ch::server::ui
