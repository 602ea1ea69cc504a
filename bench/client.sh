#!/usr/bin/env bash
# Benchmark: the client as CI pipelines and Argo CD run it, a whole process per command,
# charthouse side by side with the real Helm 3.17.3 and 4.1.4.
#   1. start-up (RUNS runs each, 30 by default): `version`; `show chart` of a local 1 kB chart
#      archive; against `charthouse serve` on 127.0.0.1 over plain HTTP, `show chart`, `pull`
#      and `push` with --plain-http, and `pull` without it (the loopback fallback: a TLS
#      handshake answered in plain HTTP, then plain HTTP; Helm 4 has no such fallback); against
#      a second `charthouse serve` with TLS (a test CA made with openssl) on this machine's
#      own non-loopback address (Helm 3 never uses TLS on loopback), `pull` and `push` with
#      --ca-file.
#   2. a real chart (grafana from the fixtures, ROUNDS rounds, 7 by default): push, pull
#      (exact version), pull (version range: adds the tag listing) and show, on `charthouse
#      serve` and on Debian's docker-registry (CNCF distribution), both over plain HTTP.
# Every command runs with fresh, empty Helm homes (so charts are really downloaded) and every
# push goes to a fresh namespace (so blobs are really uploaded). Tools alternate within each
# round, in an order rotated every round. Reported: median wall time (process start to exit,
# measured without forking a clock), median CPU time (user+system of the process, from
# wait4), the ratios charthouse/helm of both, and for the start-up rows whether the goals of
# the start-up work are met (`version` under 3 ms; pull, show and push at most a tenth of
# Helm 3.17.3's time). bench/results/client.md (tables) and bench/results/client.json
# (medians and every sample).
# Usage: bench/client.sh [path/to/charthouse]   RUNS=n (start-up), ROUNDS=n (real chart)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/charthouse}")
runs=${RUNS:-30}
rounds=${ROUNDS:-7}
source "$here/bench/common.sh"
helm3="$here/tools/helm-3.17.3/helm"
helm4="$here/tools/helm-4.1.4/helm"

# --- Charts: a 1 kB one written here, and grafana from the fixtures.
mkdir -p "$work/tiny/templates" "$work/pkg"
cat >"$work/tiny/Chart.yaml" <<'YAML'
apiVersion: v2
name: tiny
description: A chart of about one kilobyte for timing the client's own cost
type: application
version: 0.1.0
appVersion: "1.0.0"
keywords: [bench, startup]
maintainers:
  - name: charthouse
    email: bench@example.com
YAML
cat >"$work/tiny/values.yaml" <<'YAML'
# Values for the tiny benchmark chart.
replicaCount: 1
image:
  repository: registry.example.com/tiny
  tag: "1.0.0"
  pullPolicy: IfNotPresent
message: hello from a chart of about one kilobyte
YAML
cat >"$work/tiny/templates/configmap.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-tiny
  labels:
    app.kubernetes.io/name: tiny
    app.kubernetes.io/instance: {{ .Release.Name }}
data:
  message: {{ .Values.message | quote }}
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
  replicas: {{ .Values.replicaCount | quote }}
YAML
cat >"$work/tiny/README.md" <<'MD'
# tiny

A chart of about one kilobyte: pulling, showing or pushing it costs the client its start-up,
a handful of registry round trips and almost nothing else, which is what this benchmark times.
MD
"$bin" package "$work/tiny" -d "$work/pkg" >/dev/null
tiny="$work/pkg/tiny-0.1.0.tgz"

src="$here/tests/fixtures/charts/grafana-community/grafana"
[[ -d $src ]] || src=$(find "$here/tests/fixtures/charts" -name Chart.yaml -path '*grafana*' -printf '%h\n' | head -1)
"$bin" package "$src" -d "$work/pkg" >/dev/null
tgz=$(ls "$work"/pkg/*.tgz | grep -v '/tiny-0.1.0.tgz$')
name=$(basename "$tgz" | sed 's/-[0-9].*//')
version=$(basename "$tgz" .tgz | sed "s/^$name-//")

# --- The TLS registry listens on this machine's own non-loopback address: Helm 3 speaks
# plain HTTP to any 127.0.0.0/8 or localhost registry, TLS flags or not. A test CA and a
# certificate for that address (as tests/integration/registry_auth_test.cpp makes them).
tls_host=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -m1 '^[0-9][0-9.]*$' || true)
tls_host=${tls_host:-127.0.0.1}
mkdir -p "$work/pki"
(
  cd "$work/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=bench-ca
  openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=$tls_host"
  echo "subjectAltName=IP:$tls_host" >ext.cnf
  openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 2 \
    -extfile ext.cnf
) >/dev/null 2>&1
ca="$work/pki/ca.crt"

# --- The registries.
start_serve "$bin" serve
serve=$serve_addr
SERVE_HOST=$tls_host start_serve "$bin" serve-tls --tls-cert "$work/pki/srv.crt" --tls-key "$work/pki/srv.key"
tls=$serve_addr
port=$(free_port)  # docker-registry cannot report a port it picked itself
cat >"$work/dist.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/dist
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
pids+=($!)
dist=127.0.0.1:$port
wait_http "http://$dist/v2/"

# The charts every pull and show reads (pushed once, with charthouse).
HELM_CONFIG_HOME="$work/seed" "$bin" push "$tiny" "oci://$serve/startup" --plain-http >/dev/null 2>&1
HELM_CONFIG_HOME="$work/seed" "$bin" push "$tiny" "oci://$tls/startup" --ca-file "$ca" >/dev/null 2>&1

libs=$(ldd "$bin" | grep -c '=>' || true)
echo "charthouse: $(basename "$bin"), $libs shared libraries; $(nproc) cores; $runs runs (start-up), $rounds rounds (real chart)"
echo "charts: tiny-0.1.0.tgz ($(stat -c %s "$tiny") bytes), $(basename "$tgz") ($(stat -c %s "$tgz") bytes)"

# --- The measurements: one Python process forks every command, so no clock process is
# forked inside a measured interval. {ns} is a namespace fresh for each run of each tool,
# {dest} a fresh empty directory, {home} fresh Helm homes (set in the environment too).
export bin helm3 helm4 work serve tls dist ca tiny tgz name version results runs rounds libs
python3 - <<'PY'
import json, os, shutil, statistics, sys, tempfile, time

e = os.environ
results, runs, rounds, libs = e["results"], int(e["runs"]), int(e["rounds"]), e["libs"]
tools = {"charthouse": e["bin"], "helm-3.17.3": e["helm3"], "helm-4.1.4": e["helm4"]}
order = list(tools)
work = e["work"]
serve, tls, dist, ca, tiny = e["serve"], e["tls"], e["dist"], e["ca"], e["tiny"]
tgz, name, version = e["tgz"], e["name"], e["version"]

# (key, label, argv after the tool, goal) — the goal is the issue's: version under 3 ms;
# pull, show and push at most a tenth of Helm 3.17.3's wall time.
startup = [
    ("version", "version", ["version"], "ms<3"),
    ("show-local", "show chart (local .tgz)", ["show", "chart", tiny], "tenth"),
    ("show-plain", "show chart, --plain-http", ["show", "chart", f"oci://{serve}/startup/tiny", "--version", "0.1.0", "--plain-http"], "tenth"),
    ("pull-plain", "pull, --plain-http", ["pull", f"oci://{serve}/startup/tiny", "--version", "0.1.0", "-d", "{dest}", "--plain-http"], "tenth"),
    ("pull-fallback", "pull, plain HTTP without the flag (loopback fallback)", ["pull", f"oci://{serve}/startup/tiny", "--version", "0.1.0", "-d", "{dest}"], "tenth"),
    ("pull-tls", "pull, TLS with --ca-file (own address)", ["pull", f"oci://{tls}/startup/tiny", "--version", "0.1.0", "-d", "{dest}", "--ca-file", ca], "tenth"),
    ("push-plain", "push, --plain-http", ["push", tiny, f"oci://{serve}/{{ns}}", "--plain-http"], "tenth"),
    ("push-tls", "push, TLS with --ca-file (own address)", ["push", tiny, f"oci://{tls}/{{ns}}", "--ca-file", ca], "tenth"),
]
def real_chart(host):
    ref = f"oci://{host}/{{ns}}/{name}"
    return [
        ("push", "push", ["push", tgz, f"oci://{host}/{{ns}}", "--plain-http"], None),
        ("pull", "pull", ["pull", ref, "--version", version, "-d", "{dest}", "--plain-http"], None),
        ("pull-range", "pull, version range", ["pull", ref, "--version", ">=0.0.0", "-d", "{dest}", "--plain-http"], None),
        ("show", "show chart", ["show", "chart", ref, "--version", version, "--plain-http"], None),
    ]
groups = [
    ("startup", "start-up: a 1 kB chart, charthouse serve on 127.0.0.1", startup, runs),
    ("serve", "a real chart on charthouse serve", real_chart(serve), rounds),
    ("dist", "a real chart on docker-registry", real_chart(dist), rounds),
]

load_before = open("/proc/loadavg").read().split()[0]
samples = {}   # "group/key/tool" -> [(wall_us, cpu_us)]
failed = {}    # "group/key/tool" -> first error output

def run(group, key, tool, argv, ns, dest):
    home = tempfile.mkdtemp(prefix="home-", dir=work)
    env = dict(os.environ, HELM_CONFIG_HOME=f"{home}/c", HELM_CACHE_HOME=f"{home}/k",
               HELM_DATA_HOME=f"{home}/d", DOCKER_CONFIG=f"{home}/docker")
    args = [tools[tool]] + [a.replace("{ns}", ns).replace("{dest}", dest) for a in argv]
    out = os.open(f"{work}/last.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    start = time.perf_counter_ns()
    pid = os.posix_spawn(args[0], args, env, file_actions=[
        (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, out, 2)])
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter_ns() - start) // 1000
    os.close(out)
    shutil.rmtree(home)
    k = f"{group}/{key}/{tool}"
    if os.waitstatus_to_exitcode(status) != 0:
        text = open(f"{work}/last.out").read()
        if tool == "charthouse":
            sys.exit(f"charthouse failed: {' '.join(args)}\n{text}")
        failed.setdefault(k, text.strip().splitlines()[-1] if text.strip() else "exit status")
        return
    samples.setdefault(k, []).append((wall, int((usage.ru_utime + usage.ru_stime) * 1e6)))

for group, _, steps, n in groups:
    for r in range(n):
        rotated = order[r % 3:] + order[:r % 3]
        for tool in rotated:
            ns = f"bench-{group}-{tool.replace('.', '-')}-{r}"
            for key, _, argv, _ in steps:
                if f"{group}/{key}/{tool}" in failed:
                    continue
                dest = tempfile.mkdtemp(prefix="dest-", dir=work)
                run(group, key, tool, argv, ns, dest)
                shutil.rmtree(dest)

def med(k, i):
    s = samples.get(k)
    return statistics.median(x[i] for x in s) if s else None
def ms(us):
    return "fails" if us is None else f"{us / 1000:.1f}"
def ratio(a, b):
    return "–" if a is None or b is None else f"{a / b:.3f}" if a / b < 0.1 else f"{a / b:.2f}"

def cell(k):
    w, c = med(k, 0), med(k, 1)
    return "fails" if w is None else f"{w / 1000:.1f} ({c / 1000:.1f})"
def ratios(a, b):
    if med(a, 0) is None or med(b, 0) is None:
        return "–"
    return f"{ratio(med(a, 0), med(b, 0))} ({ratio(med(a, 1), med(b, 1))})"
def best(k):
    s = samples.get(k)
    return min(x[0] for x in s) if s else None
def verdict(goal, c, h3):
    # The issue's goals are for an idle machine; on a busy one the fastest run of each tool
    # (the one least delayed by other processes) is the nearest to that, so both are judged.
    def ok(get):
        if goal == "ms<3":
            return get(c) < 3000
        return get(h3) is not None and get(c) <= get(h3) / 10
    name = "under 3 ms" if goal == "ms<3" else "≤ 0.10 × helm 3"
    word = lambda b: "met" if b else "missed"
    return f"{name}: median {word(ok(lambda k: med(k, 0)))}, fastest {word(ok(best))}"

load = open("/proc/loadavg").read().split()[0]
lines = [f"# client benchmark ({time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} cores, "
         f"charthouse with {libs} shared libraries)", "",
         "Each cell: median wall time in ms, process start to exit (median CPU time, user + system,",
         "in parentheses). Ratios charthouse/helm of those medians; below 1 means charthouse is",
         f"faster. Load average {load_before} before the runs, {load} after: on a busy machine",
         "wall times include waiting for a CPU, CPU times do not. The goal column judges the",
         "median and the fastest run of each tool (wall).", ""]
for group, title, steps, n in groups:
    lines += [f"## {title} (median of {n})", "",
              "| workload | charthouse | helm 3.17.3 | helm 4.1.4 | ch / helm3 | ch / helm4 |"
              + (" goal |" if group == "startup" else ""),
              "|---|---:|---:|---:|---:|---:|" + ("---|" if group == "startup" else "")]
    for key, label, _, goal in steps:
        c, h3, h4 = (f"{group}/{key}/{t}" for t in order)
        row = f"| {label} | {cell(c)} | {cell(h3)} | {cell(h4)} | {ratios(c, h3)} | {ratios(c, h4)} |"
        if group == "startup":
            row += f" {verdict(goal, c, h3)} |"
        lines.append(row)
    if group == "startup":
        lines += ["", "Fastest run (wall ms; charthouse / helm 3.17.3 / helm 4.1.4): " + "; ".join(
            f"{key} " + " / ".join("–" if best(f"{group}/{key}/{t}") is None
                                   else f"{best(f'{group}/{key}/{t}') / 1000:.1f}" for t in order)
            for key, _, _, _ in steps) + "."]
    lines.append("")
for k, why in sorted(failed.items()):
    lines.append(f"- `{k}` fails: {why}")
text = "\n".join(lines) + "\n"
open(f"{results}/client.md", "w").write(text)
print(text, end="")
json.dump({k: {"median_wall_us": med(k, 0), "median_cpu_us": med(k, 1),
               "wall_us": [x[0] for x in v], "cpu_us": [x[1] for x in v]}
           for k, v in sorted(samples.items())} | {"failed": failed},
          open(f"{results}/client.json", "w"), indent=1)
PY
