#!/usr/bin/env bash
# Benchmark: `charthouse serve` side by side with Debian's docker-registry (CNCF
# distribution 2.8), each on fresh storage in the same directory (same disk), both over plain
# HTTP on 127.0.0.1, driven by the same load generator (build/ch-loadgen), A/B interleaved
# (the order flips every round) and repeated; medians and ratios charthouse/peer.
#   1. manifest GET by tag at 1, 16 and 64 connections: requests/s, p50/p99
#   2. a chart pull as Helm does it, on a new connection each time (HEAD manifest by tag, GET
#      manifest by digest, config, chart layer), 2,000 times; charthouse with token auth (a
#      token fetched with Basic credentials for every pull), docker-registry without auth
#   3. GET of a 256 MiB blob: MB/s, beside nginx (Debian) serving the same file from the same
#      disk with sendfile, the practical ceiling; (a) the client copies the body as a real one
#      does, (b) its kernel drops it unread (MSG_TRUNC), which leaves the server's sending
#   4. pushes: 500 distinct charts (helm push's requests), a 256 MiB blob monolithically and
#      in 8 MiB PATCH chunks: charts/s and MB/s, beside `openssl speed -evp sha256` (one core)
#   5. listing: tags of a repository with 10,000 tags and _catalog of 10,000 repositories,
#      first page (n=100) and full walk (n=1000 pages, following Link)
#   6. memory: resident set size idle after start, and peak (VmHWM) after workloads 1-4
# Results: bench/results/registry.{jsonl,json,md}, registry-ratios.png (gnuplot).
# Usage: bench/registry.sh [path/to/charthouse [path/to/ch-loadgen]]   ROUNDS=n (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/charthouse}")
lg=$(realpath "${2:-$(dirname "$bin")/ch-loadgen}")
rounds=${ROUNDS:-3}
source "$here/bench/common.sh"
out="$results/registry.jsonl"
: >"$out"
started=$(date +%s)
step() { printf '[%4ds] %s\n' $(($(date +%s) - started)) "$*"; }
# Every load generator run is bounded in time as well as in count.
load() { timeout 300 "$lg" "$@" --out "$out" >/dev/null; }

# --- The servers.
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

start_serve "$bin" charthouse --gc-interval 0
ch=$serve_addr; ch_pid=$serve_pid

# The token-auth instance of workload 2 (its own storage; the chart is pushed to it below).
htpasswd -bcB "$work/htpasswd" bench bench-password 2>/dev/null
start_serve "$bin" charthouse-token --gc-interval 0 --auth token --htpasswd "$work/htpasswd"
cht=$serve_addr

dport=$(free_port)
# Debian's packaged configuration (in-memory blob descriptor cache), access log off as for
# charthouse.
cat >"$work/dist.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: $work/dist
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$dport
YAML
docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
dr_pid=$!; pids+=($dr_pid)
dr=127.0.0.1:$dport

nport=$(free_port)
mkdir -p "$work/static"
start_nginx "$nport" "$work/static" "sendfile on; tcp_nopush on;"
wait_http "http://$dr/v2/"
sleep 1
declare -A idle=([charthouse]=$(rss_kib $ch_pid VmRSS) [docker-registry]=$(rss_kib $dr_pid VmRSS))

declare -A addr=([charthouse]=$ch [docker-registry]=$dr)
# A/B order of round $1: flips every round.
order() { if (($1 % 2)); then echo "docker-registry charthouse"; else echo "charthouse docker-registry"; fi; }
nproc_=$(nproc)
step "charthouse $ch, charthouse (token auth) $cht, docker-registry $dr, nginx 127.0.0.1:$nport; $rounds rounds, $nproc_ cores"

# --- Content: a real chart (grafana, 42 kB) and 500 distinct charts derived from a small one.
"$bin" package "$here/tests/fixtures/charts/grafana-community/grafana" -d "$work/grafana" >/dev/null
gtgz=$(ls "$work"/grafana/*.tgz)
gver=$(basename "$gtgz" .tgz); gver=${gver#grafana-}
mkdir -p "$work/charts500"
for i in $(seq -w 1 500); do
  d="$work/src/bench-$i"
  mkdir -p "$d/templates"
  printf 'apiVersion: v2\nname: bench-%s\nversion: 1.0.%d\ndescription: benchmark chart %s\ntype: application\n' "$i" "$((10#$i))" "$i" >"$d/Chart.yaml"
  printf 'replicas: %d\nimage: nginx\n' "$((10#$i))" >"$d/values.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\ndata:\n  n: "%s"\n' "$i" >"$d/templates/cm.yaml"
done
"$bin" package "$work"/src/bench-* -d "$work/charts500" >/dev/null
head -c $((256 << 20)) /dev/urandom >"$work/static/blob"
bdigest=sha256:$(sha256sum "$work/static/blob" | cut -c1-64)
step "content ready: grafana $gver, $(ls "$work/charts500" | wc -l) charts, 256 MiB blob"

for t in charthouse docker-registry; do
  mkdir -p "$work/g1"; cp "$gtgz" "$work/g1/"
  "$lg" push-charts --addr "${addr[$t]}" --dir "$work/g1" --namespace bench --row setup --target "$t" >/dev/null
done
"$lg" push-charts --addr "$cht" --dir "$work/g1" --namespace bench --user bench --password bench-password \
  --row setup --target charthouse >/dev/null

# --- 1. manifest GET by tag.
ci=0
for conns in 1 16 64; do
  ci=$((ci + 1))
  for r in $(seq 1 "$rounds"); do
    for t in $(order "$r"); do
      load get --addr "${addr[$t]}" --path "/v2/bench/grafana/manifests/$gver" --conns "$conns" \
        --requests 50000 --max-seconds 3 --row "1. manifest GET by tag, $conns conn" --order $((10 + ci)) --target "$t"
    done
  done
  step "1. manifest GET, $conns connections"
done

# --- 2. chart pulls (2,000 per registry, in 4 interleaved blocks of 500).
for r in 1 2 3 4; do
  load pull --addr "$cht" --repo bench/grafana --tag "$gver" --count 500 --max-seconds 120 \
    --user bench --password bench-password --row "2. chart pull (token auth on charthouse)" --order 20 --target charthouse
  load pull --addr "$dr" --repo bench/grafana --tag "$gver" --count 500 --max-seconds 120 \
    --row "2. chart pull (token auth on charthouse)" --order 20 --target docker-registry
done
step "2. chart pulls"

# --- 4 (first, so that 3 has the blob). 256 MiB monolithic and chunked, 500 charts.
openssl speed -evp sha256 -bytes 1048576 -seconds 2 2>/dev/null >"$work/speed.txt" || true
sha=$(awk '/^sha256/ {v=$NF; sub(/k$/, "", v); print v / 1000}' "$work/speed.txt")
for r in $(seq 1 "$rounds"); do
  for t in $(order "$r"); do
    sync  # nobody pays for the other's dirty pages: docker-registry does not fsync, so its
          # writeback would otherwise land in charthouse's fsyncs
    load push-blob --addr "${addr[$t]}" --repo "blobs/mono$r" --file "$work/static/blob" --digest "$bdigest" \
      --row "4. push 256 MiB blob, monolithic" --order 41 --target "$t"
    load push-blob --addr "${addr[$t]}" --repo "blobs/chunked$r" --file "$work/static/blob" --digest "$bdigest" \
      --chunk $((8 << 20)) --row "4. push 256 MiB blob, 8 MiB chunks" --order 42 --target "$t"
  done
done
if [[ -n $sha ]]; then
  for row in "4. push 256 MiB blob, monolithic" "4. push 256 MiB blob, 8 MiB chunks"; do
    "$lg" record --row "$row" --target "sha256 (openssl, 1 core)" --metric mb_per_s --value "$sha" --better higher --out "$out" >/dev/null
  done
fi
step "4. 256 MiB pushes (sha256 one core: ${sha:-?} MB/s)"
for r in $(seq 1 "$rounds"); do
  for t in $(order "$r"); do
    sync  # nobody pays for the other's dirty pages: docker-registry does not fsync, so its
          # writeback would otherwise land in charthouse's fsyncs
    load push-charts --addr "${addr[$t]}" --dir "$work/charts500" --namespace "push$r" \
      --row "4. push 500 charts" --order 40 --target "$t"
  done
done
step "4. 500 chart pushes"

# --- 3. 256 MiB blob GET (from the repository it was pushed to) and nginx's static file, as
# a client that copies the body (3a) and as one whose kernel drops it unread (3b, recv
# MSG_TRUNC: the server's sending alone). Each copy is read once untimed first, so all three
# serve from the page cache (charthouse writes large uploads through it, see docs).
size=$((256 << 20))
blob_at() { if [[ $1 == nginx ]]; then echo "127.0.0.1:$nport /blob"; else echo "${addr[$1]} /v2/blobs/mono1/blobs/$bdigest"; fi; }
for t in charthouse docker-registry nginx; do
  read -r a p < <(blob_at "$t")
  "$lg" blob-get --addr "$a" --path "$p" --expect-bytes $size --row warm-up --target "$t" --out /dev/null >/dev/null
done
three=(charthouse docker-registry nginx)
for r in $(seq 1 $((2 * rounds + 1))); do
  for i in 0 1 2; do  # the three rotate: each goes first, second and last as often
    t=${three[$(((r + i) % 3))]}
    read -r a p < <(blob_at "$t")
    load blob-get --addr "$a" --path "$p" --expect-bytes $size --reps 5 --row "3a. GET 256 MiB blob" --order 30 --target "$t"
    load blob-get --addr "$a" --path "$p" --expect-bytes $size --reps 5 --in-kernel 1 \
      --row "3b. GET 256 MiB blob, body dropped by the client's kernel" --order 31 --target "$t"
  done
done
step "3. 256 MiB blob GETs"

# --- 6. memory.
for t in charthouse docker-registry; do
  pid=$ch_pid; [[ $t == docker-registry ]] && pid=$dr_pid
  "$lg" record --row "6. RSS idle after start" --order 60 --target "$t" --metric rss_mib \
    --value "$(awk -v k="${idle[$t]}" 'BEGIN {print k / 1024}')" --out "$out" >/dev/null
  "$lg" record --row "6. RSS peak during 1-4" --order 61 --target "$t" --metric rss_mib \
    --value "$(awk -v k="$(rss_kib $pid VmHWM)" 'BEGIN {print k / 1024}')" --out "$out" >/dev/null
done

# --- 5. listing.
for t in charthouse docker-registry; do
  timeout 600 "$lg" populate --addr "${addr[$t]}" --repo list/tags --chart "$gtgz" --tags 10000 --conns 4
  timeout 600 "$lg" populate --addr "${addr[$t]}" --repo list/repo --chart "$gtgz" --repos 10000 --conns 4
done
step "5. populated 10,000 tags and 10,000 repositories"
for r in $(seq 1 "$rounds"); do
  for t in $(order "$r"); do
    load list --addr "${addr[$t]}" --path /v2/list/tags/tags/list --page 100 --row "5. tag list (10,000 tags), first page" --order 50 --target "$t"
    load list --addr "${addr[$t]}" --path /v2/list/tags/tags/list --page 1000 --walk 1 --expect 10000 --reps 3 \
      --row "5. tag list (10,000 tags), full walk" --order 51 --target "$t"
    load list --addr "${addr[$t]}" --path /v2/_catalog --page 100 --row "5. _catalog (10,000 repositories), first page" --order 52 --target "$t"
    load list --addr "${addr[$t]}" --path /v2/_catalog --page 1000 --walk 1 --min 10000 --reps 3 \
      --row "5. _catalog (10,000 repositories), full walk" --order 53 --target "$t"
  done
done
step "5. listing"

machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $nproc_ cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr), $(df -T "$work" | awk 'NR==2 {print $2}') on $(df "$work" | awk 'NR==2 {print $1}')"
"$lg" report --in "$out" --out-dir "$results" --date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --machine "$machine"
if command -v gnuplot >/dev/null; then
  gnuplot "$results/registry-ratios.gp" && echo "chart: $results/registry-ratios.png"
fi
echo "machine: $machine; charthouse $("$bin" version 2>/dev/null | head -1); $(docker-registry --version)"
step "done"
