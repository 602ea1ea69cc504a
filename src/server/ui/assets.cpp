#include "server/ui/assets.hpp"

namespace ch::server::ui {

namespace {

constexpr std::string_view kCss = R"css(
:root{--bg:#fff;--fg:#1c2330;--muted:#5b6578;--line:#d8dee8;--card:#f6f8fb;--accent:#0b5cad;
--add:#e6ffec;--del:#ffebe9;--addfg:#116329;--delfg:#82071e;--code:#f3f5f8;--warn:#fff4d6;--warnfg:#6b4a00;
--k:#0b5cad;--s:#116329;--n:#8a3ffc;--c:#6e7781;--b:#b35900;--a:#a3155b}
@media (prefers-color-scheme:dark){:root{--bg:#0f1419;--fg:#e6e9ef;--muted:#9aa4b5;--line:#2c3440;
--card:#171d25;--accent:#6cb6ff;--add:#12321d;--del:#3d1519;--addfg:#7ee2a8;--delfg:#ffb3b8;
--code:#151b23;--warn:#3a2e0a;--warnfg:#f5d77a;--k:#6cb6ff;--s:#7ee2a8;--n:#c8a6ff;--c:#8b949e;--b:#f0a35e;--a:#f47fb5}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
header.top{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:10px 20px;border-bottom:1px solid var(--line)}
.brand{font-weight:700;font-size:1.2em;text-decoration:none;color:var(--fg)}
form.search{display:flex;flex:1;min-width:200px;gap:6px}form.search input{flex:1}
input,select,button{font:inherit;padding:6px 10px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{cursor:pointer;background:var(--card)}button.danger{color:var(--delfg)}
button.linkish{border:none;background:none;color:var(--accent);padding:0}
nav.account{display:flex;gap:10px;align-items:center}nav.account form{margin:0}
main{max-width:1200px;margin:0 auto;padding:16px 20px}footer{color:var(--muted);text-align:center;padding:20px;font-size:.9em}
ul.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.card{display:flex;gap:12px;padding:12px;border:1px solid var(--line);border-radius:8px;background:var(--card)}
.card h3{margin:0}.desc{margin:4px 0}.meta,.count,.muted,.note{color:var(--muted);font-size:.9em}
.icon{width:40px;height:40px;object-fit:contain;flex:none}.placeholder{display:flex;align-items:center;justify-content:center;
background:var(--line);border-radius:8px;font-weight:700;text-transform:uppercase}
.badge{display:inline-block;padding:0 6px;border-radius:10px;font-size:.8em;border:1px solid var(--line)}
.badge.deprecated,.banner.deprecated{background:var(--warn);color:var(--warnfg)}.badge.signed{background:var(--add);color:var(--addfg)}
.banner{padding:10px 14px;border-radius:8px;margin:10px 0}
.chart-head{display:flex;gap:14px;align-items:center}.chart-head h1{margin:0}.version{color:var(--muted);font-weight:400}
.chart-layout{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:24px}
@media (max-width:900px){.chart-layout{grid-template-columns:minmax(0,1fr)}}
nav.tabs ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px;padding:0;border-bottom:1px solid var(--line)}
nav.tabs a{display:block;padding:6px 12px;text-decoration:none;border-radius:6px 6px 0 0}
nav.tabs a.active{background:var(--card);border:1px solid var(--line);border-bottom-color:var(--card);font-weight:600}
dl.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;font-size:.92em}dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}.kw{background:var(--card);border-radius:4px;padding:0 4px}
.cmd{position:relative;margin:8px 0}.cmd-label{font-size:.85em;color:var(--muted)}
.cmd pre{margin:2px 0;padding:8px 60px 8px 8px;background:var(--code);border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere}
.cmd .copy{position:absolute;right:4px;top:22px;font-size:.8em;padding:2px 8px}
pre{overflow:auto}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
figure.code{margin:0 0 16px}figure.code figcaption{font-weight:600;margin-bottom:4px}
figure.code pre{background:var(--code);padding:12px;border-radius:6px;border:1px solid var(--line)}
.yk{color:var(--k)}.ys{color:var(--s)}.yn{color:var(--n)}.yc{color:var(--c);font-style:italic}.yb{color:var(--b)}.ya{color:var(--a)}.yp{color:var(--muted)}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
td.key.d1{padding-left:24px}td.key.d2{padding-left:40px}td.key.d3{padding-left:56px}td.key.d4{padding-left:72px}
td.key.d5,td.key.d6,td.key.d7,td.key.d8{padding-left:88px}.req{color:var(--delfg);font-size:.8em}
.split-view{display:grid;grid-template-columns:240px minmax(0,1fr);gap:16px}
@media (max-width:700px){.split-view{grid-template-columns:minmax(0,1fr)}}
nav.files ul{list-style:none;padding:0;margin:0}nav.files a[aria-current]{font-weight:700}
.markdown table{width:auto}.markdown img{max-width:100%}.markdown pre{background:var(--code);padding:12px;border-radius:6px}
table.diff{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;table-layout:fixed}
table.diff td{border:none;padding:0 6px;white-space:pre-wrap;overflow-wrap:anywhere}
table.diff td.ln{width:4em;color:var(--muted);text-align:right;user-select:none}
table.diff tr.add td,table.diff td.add{background:var(--add);color:var(--addfg)}
table.diff tr.del td,table.diff td.del{background:var(--del);color:var(--delfg)}
table.diff tr.hunk td{color:var(--muted);background:var(--card)}
.diff-file{margin:16px 0;border:1px solid var(--line);border-radius:8px;overflow:hidden}.diff-file h2{font-size:1em;margin:0;padding:6px 10px;background:var(--card)}
form.login{display:grid;max-width:320px;gap:6px}.error{color:var(--delfg)}
.pager{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
)css";

constexpr std::string_view kJs = R"js(
(function () {
  "use strict";
  // Search as you type: the server renders the result list (/?q=...&fragment=1).
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  if (input && results && window.fetch) {
    var timer = null, seq = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq;
        var params = new URLSearchParams(window.location.search);
        params.set("q", input.value);
        params.delete("page");
        params.set("fragment", "1");
        fetch("/?" + params.toString(), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (html === null || mine !== seq) return;
            var doc = new DOMParser().parseFromString(html, "text/html");
            var fresh = doc.getElementById("results");
            if (fresh) {
              results.replaceWith(fresh);
              results = fresh;
            }
            params.delete("fragment");
            history.replaceState(null, "", "/?" + params.toString());
          })
          .catch(function () {});
      }, 150);
    });
  }
  // Copy buttons.
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button.copy") : null;
    if (!b) return;
    var text = b.getAttribute("data-copy");
    var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = "Copy"; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () {});
  });
  // Confirmation before a delete.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var question = f.getAttribute && f.getAttribute("data-confirm");
    if (question && !window.confirm(question)) ev.preventDefault();
  });
})();
)js";

constexpr Asset kAssets[] = {
    {"text/css; charset=utf-8", kCss},
    {"text/javascript; charset=utf-8", kJs},
};

}  // namespace

const Asset* find_asset(std::string_view name) {
  if (name == "ui.css") return &kAssets[0];
  if (name == "ui.js") return &kAssets[1];
  return nullptr;
}

}  // namespace ch::server::ui
