#!/usr/bin/env bash
# Benchmark of the web UI: the server time of every kind of page with 10,000 chart versions
# stored (100 charts x 100 versions, plus the real grafana chart), read from the Server-Timing
# header each UI response carries (the time from the request's arrival to its response being
# ready), and the whole request as curl sees it. Each page is requested REPS times (default 30)
# after one cold request (chart content not yet cached), on a server restarted after the pushes;
# median and max are reported. No peer:
# none of the registries we compare with has a chart UI. Target: every page under 50 ms.
# Results: bench/results/ui.{json,md}; docs/benchmarks.md quotes them.
# Usage: bench/ui.sh [path/to/charthouse [path/to/ch-loadgen]]   CHARTS=100 VERSIONS=100 REPS=30
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/charthouse}")
lg=$(realpath "${2:-$(dirname "$bin")/ch-loadgen}")
charts=${CHARTS:-100}; versions=${VERSIONS:-100}; reps=${REPS:-30}
source "$here/bench/common.sh"
started=$(date +%s)
step() { printf '[%4ds] %s\n' $(($(date +%s) - started)) "$*"; }

start_serve "$bin" ui
addr=$serve_addr

# Chart sources: each chart has a README with a table, a 60-line values.yaml, three templates.
mkdir -p "$work/src" "$work/tgz"
for c in $(seq -w 0 $((charts - 1))); do
  for v in $(seq 0 $((versions - 1))); do
    d="$work/src/bench-$c-$v"
    mkdir -p "$d/templates"
    printf 'apiVersion: v2\nname: bench-%s\nversion: 1.0.%d\nappVersion: "2.%d"\ndescription: benchmark chart %s\nkeywords: [bench, ui]\nmaintainers:\n  - name: team-%s\n' \
      "$c" "$v" "$v" "$c" "$c" >"$d/Chart.yaml"
    { printf '# bench-%s\n\n| Parameter | Description | Default |\n|---|---|---|\n' "$c"
      for k in $(seq 1 20); do printf '| `key%d` | setting %d | `%d` |\n' "$k" "$k" "$k"; done; } >"$d/README.md"
    { printf 'replicas: %d\nimage:\n  repository: example/app\n  tag: "2.%d"\n' "$v" "$v"
      for k in $(seq 1 56); do printf 'key%d: value-%d # setting %d\n' "$k" "$k" "$k"; done; } >"$d/values.yaml"
    for t in deployment service configmap; do
      printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-%s\ndata:\n  replicas: "{{ .Values.replicas }}"\n' "$t" >"$d/templates/$t.yaml"
    done
  done
done
step "$((charts * versions)) chart sources"
ls -d "$work"/src/bench-* | xargs -n 500 "$bin" package -d "$work/tgz" >/dev/null
"$bin" package "$here/tests/fixtures/charts/grafana-community/grafana" -d "$work/tgz" >/dev/null
step "packaged"
"$lg" push-charts --addr "$addr" --dir "$work/tgz" --namespace bench --row setup --target charthouse \
  --out "$work/push.jsonl" >/dev/null
step "pushed $(ls "$work/tgz" | wc -l) chart versions"
# Restarted, as after a deploy: the pages are then measured against a fresh process (the chart
# list is built while it starts), from one second after it answers.
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
start_serve "$bin" ui
addr=$serve_addr
sleep 1
step "restarted"

last=$((versions - 1)); prev=$((versions - 2))
python3 - "$addr" "$reps" "$results" "$charts" "$versions" <<PY
import http.client, json, statistics, sys, time
addr, reps, results, charts, versions = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
host, port = addr.rsplit(":", 1)
pages = [
    ("home", "/"),
    ("home, sorted by last update", "/?sort=updated"),
    ("home, page 2", "/?page=2"),
    ("search (plain form)", "/?q=bench-42"),
    ("search as you type (fragment)", "/?q=team-07&fragment=1"),
    ("chart page: README", "/bench/bench-42"),
    ("chart page: values", "/bench/bench-42?tab=values"),
    ("chart page: templates", "/bench/bench-42?tab=templates"),
    ("chart page: dependencies", "/bench/bench-42?tab=dependencies"),
    ("chart page: $versions versions (signed or not)", "/bench/bench-42?tab=versions"),
    ("chart page: an older version", "/bench/bench-42/1.0.3"),
    ("compare two versions", "/-/compare/bench/bench-42?from=1.0.$prev&to=1.0.$last"),
    ("compare, side by side", "/-/compare/bench/bench-42?from=1.0.$prev&to=1.0.$last&view=split"),
    ("grafana: README", "/bench/grafana"),
    ("grafana: values", "/bench/grafana?tab=values"),
]
conn = http.client.HTTPConnection(host, int(port))
def get(path):
    t0 = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    total = (time.perf_counter() - t0) * 1000
    if r.status != 200:
        raise SystemExit("GET %s: %d" % (path, r.status))
    st = r.getheader("Server-Timing", "")
    app = float(st.split("dur=")[1]) if "dur=" in st else float("nan")
    return app, total, len(body)
rows = []
for name, path in pages:
    cold_app, cold_total, size = get(path)
    apps, totals = [], []
    for _ in range(reps):
        a, t, _ = get(path)
        apps.append(a); totals.append(t)
    rows.append({"page": name, "path": path, "bytes": size, "cold_server_ms": cold_app,
                 "server_ms_median": statistics.median(apps), "server_ms_max": max(apps),
                 "request_ms_median": statistics.median(totals)})
worst = max(max(r["server_ms_max"], r["cold_server_ms"]) for r in rows)
json.dump({"chart_versions": charts * versions + 1, "reps": reps, "rows": rows, "worst_server_ms": worst},
          open(results + "/ui.json", "w"), indent=1)
with open(results + "/ui.md", "w") as f:
    f.write("Web UI with %d chart versions stored (%d charts x %d versions + grafana); %d requests per page after one cold one.\n\n"
            % (charts * versions + 1, charts, versions, reps))
    f.write("| Page | size | cold: server ms | server ms, median | server ms, max | request ms, median (curl-like) |\n|---|---|---|---|---|---|\n")
    for r in rows:
        f.write("| %s | %.0f KB | %.1f | %.1f | %.1f | %.1f |\n" % (r["page"], r["bytes"] / 1000, r["cold_server_ms"],
                r["server_ms_median"], r["server_ms_max"], r["request_ms_median"]))
    f.write("\nSlowest server time of any page, cold or warm: %.1f ms (target: under 50 ms).\n" % worst)
print(open(results + "/ui.md").read())
PY
step "done"
