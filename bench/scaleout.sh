#!/usr/bin/env bash
# Benchmark of the scale-out stores: `charthouse serve --storage s3:// --metadata postgres://`
# side by side with Debian's docker-registry (CNCF distribution 2.8) and its s3-aws driver, on
# the same Ceph RGW (scripts/s3-server), each in a bucket of its own; charthouse's metadata in a
# PostgreSQL 15 with durable settings (scripts/postgres-server). Same load generator as
# bench/registry.sh, A/B interleaved, medians and ratios charthouse/peer.
#   1. manifest GET by tag at 1, 16 and 64 connections
#   2. 2,000 Helm-style chart pulls (HEAD manifest, GET manifest, config, layer; new connection
#      each), no auth on either
#   3. 500 chart pushes
#   4. a 256 MiB blob pushed monolithically, and GET back
#   5. three charthouse nodes behind nginx (round robin) against one node behind the same nginx:
#      manifest GET at 64 connections and chart pulls 16 at once (the one node is the
#      "ceiling" column there)
#   5b. the same with each node limited to half a core (cgroup CPU quota)
#   6. memory of one node: RSS with 10,000 and with 100,000 stored manifests (after reads);
#      RSS_MANIFESTS="" skips it
# Results: bench/results/scaleout.{jsonl,json,md}; docs/benchmarks.md quotes them.
# Usage: bench/scaleout.sh [path/to/charthouse [path/to/ch-loadgen]]   ROUNDS=n (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/charthouse}")
lg=$(realpath "${2:-$(dirname "$bin")/ch-loadgen}")
rounds=${ROUNDS:-3}
source "$here/bench/common.sh"
out="$results/scaleout.jsonl"
: >"$out"
started=$(date +%s)
step() { printf '[%4ds] %s\n' $(($(date +%s) - started)) "$*"; }
load() { timeout 300 "$lg" "$@" --out "$out" >/dev/null; }
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
# ROWS="4 5" runs only those rows (default: all; row 6 also follows RSS_MANIFESTS).
want() { [[ " ${ROWS:-1 2 3 4 5 6} " == *" $1 "* ]]; }

# --- The stores.
# (PostgreSQL runs as the postgres user: its directory must not sit under $work, which is
# private to the user running the benchmark.)
s3dir=$work/rgw; pgdir=$(mktemp -d /tmp/ch-bench-pg.XXXXXX)
stop_stores() {
  "$here/scripts/postgres-server" stop "$pgdir" || true
  rm -rf "$pgdir"
  "$here/scripts/s3-server" stop "$s3dir" || true
}
trap 'stop_stores; cleanup' EXIT  # set before starting them: a failed start stops the other
"$here/scripts/s3-server" start "$s3dir" "$(free_port)" "$(free_port)" >/dev/null
source "$s3dir/env"
pgurl=$("$here/scripts/postgres-server" start "$pgdir" "$(free_port)")
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
mkbucket() {
  curl -sf -o /dev/null -X PUT --aws-sigv4 "aws:amz:$S3_REGION:s3" -u "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "$S3_ENDPOINT/$1"
}
mkdb() { psql -q "$pgurl" -c "CREATE DATABASE $1" >/dev/null; }
mkbucket charthouse; mkbucket dist; mkbucket scale; mkdb charthouse; mkdb scale

ch_flags=(--storage s3://charthouse --s3-endpoint "$S3_ENDPOINT" --metadata "${pgurl%/postgres}/charthouse" --gc-interval 0)
start_serve "$bin" charthouse "${ch_flags[@]}"
ch=$serve_addr; ch_pid=$serve_pid

dport=$(free_port)
# The s3-aws recipe of Debian's distribution 2.8 (AWS_CA_BUNDLE crashes it at start).
cat >"$work/dist.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  s3:
    region: $S3_REGION
    regionendpoint: $S3_ENDPOINT
    bucket: dist
    accesskey: "$S3_ACCESS_KEY"
    secretkey: "$S3_SECRET_KEY"
    secure: false
    v4auth: true
    chunksize: 5242880
    rootdirectory: /reg
  cache:
    blobdescriptor: inmemory
  delete:
    enabled: true
  redirect:
    disable: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$dport
YAML
env -u AWS_CA_BUNDLE docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
dr_pid=$!; pids+=($dr_pid)
dr=127.0.0.1:$dport
wait_http "http://$dr/v2/"

declare -A addr=([charthouse]=$ch [docker-registry]=$dr)
order() { if (($1 % 2)); then echo "docker-registry charthouse"; else echo "charthouse docker-registry"; fi; }
step "charthouse $ch (RGW + PostgreSQL), docker-registry $dr (RGW), $rounds rounds, $(nproc) cores"

# --- Content.
"$bin" package "$here/tests/fixtures/charts/grafana-community/grafana" -d "$work/grafana" >/dev/null
gtgz=$(ls "$work"/grafana/*.tgz)
gver=$(basename "$gtgz" .tgz); gver=${gver#grafana-}
mkdir -p "$work/charts500" "$work/g1"
for i in $(seq -w 1 500); do
  d="$work/src/bench-$i"
  mkdir -p "$d/templates"
  printf 'apiVersion: v2\nname: bench-%s\nversion: 1.0.%d\ndescription: benchmark chart %s\n' "$i" "$((10#$i))" "$i" >"$d/Chart.yaml"
  printf 'replicas: %d\n' "$((10#$i))" >"$d/values.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n' >"$d/templates/cm.yaml"
done
"$bin" package "$work"/src/bench-* -d "$work/charts500" >/dev/null
cp "$gtgz" "$work/g1/"
# One 256 MiB blob per round, so that each round's first GET on charthouse finds no local copy.
declare -A bdigest
for r in $(seq 1 "$rounds"); do
  head -c $((256 << 20)) /dev/urandom >"$work/blob$r"
  bdigest[$r]=sha256:$(sha256sum "$work/blob$r" | cut -c1-64)
done
for t in charthouse docker-registry; do
  "$lg" push-charts --addr "${addr[$t]}" --dir "$work/g1" --namespace bench --row setup --target "$t" >/dev/null
done
step "content ready"

# --- 1. manifest GET by tag.
ci=0
want 1 && for conns in 1 16 64; do
  ci=$((ci + 1))
  for r in $(seq 1 "$rounds"); do
    for t in $(order "$r"); do
      load get --addr "${addr[$t]}" --path "/v2/bench/grafana/manifests/$gver" --conns "$conns" \
        --requests 50000 --max-seconds 3 --row "1. manifest GET by tag, $conns conn" --order $((10 + ci)) --target "$t"
    done
  done
done
step "1. manifest GET"

# --- 2. chart pulls, 4 interleaved blocks of 500.
want 2 && for r in 1 2 3 4; do
  for t in $(order "$r"); do
    load pull --addr "${addr[$t]}" --repo bench/grafana --tag "$gver" --count 500 --max-seconds 120 \
      --row "2. chart pull (2,000)" --order 20 --target "$t"
  done
done
step "2. chart pulls"

# --- 3. 500 chart pushes; 4. 256 MiB push and GET.
for r in $(seq 1 "$rounds"); do
  for t in $(order "$r"); do
    want 3 && load push-charts --addr "${addr[$t]}" --dir "$work/charts500" --namespace "push$r" \
      --row "3. push 500 charts" --order 30 --target "$t"
    want 4 && load push-blob --addr "${addr[$t]}" --repo "blobs/mono$r" --file "$work/blob$r" --digest "${bdigest[$r]}" \
      --row "4. push 256 MiB blob" --order 40 --target "$t"
  done
done
step "3/4. pushes"
# The first GET of a blob on a node streams it from the store (and, on charthouse, queues the
# node's copy, made in the background); later GETs of it on that node are sent from the copy.
# The "again" row starts once the copy exists (a second download usually comes later than
# this loop would send it). docker-registry reads from the store every time, so its two rows
# measure the same path.
fills() { curl -s "http://$ch/metrics" | awk '$1 == "charthouse_blob_cache_fills_total" {print $2}'; }
want 4 && for r in $(seq 1 "$rounds"); do
  for t in $(order "$r"); do
    before=$(fills)
    load blob-get --addr "${addr[$t]}" --path "/v2/blobs/mono$r/blobs/${bdigest[$r]}" --expect-bytes $((256 << 20)) \
      --reps 1 --row "4. GET 256 MiB blob, first on the node" --order 41 --target "$t"
    if [[ $t == charthouse ]]; then
      for _ in $(seq 1 600); do [[ $(fills) -gt $before ]] && break; sleep 0.1; done
    fi
    load blob-get --addr "${addr[$t]}" --path "/v2/blobs/mono$r/blobs/${bdigest[$r]}" --expect-bytes $((256 << 20)) \
      --reps 3 --row "4. GET 256 MiB blob, again" --order 42 --target "$t"
  done
done
step "4. 256 MiB GETs"

# --- 5. three nodes behind nginx against one node (both on the "scale" bucket and database).
scale_flags=(--storage s3://scale --s3-endpoint "$S3_ENDPOINT" --metadata "${pgurl%/postgres}/scale" --gc-interval 0)
nodes=(); node_pids=()
for n in 1 2 3; do
  start_serve "$bin" "scale$n" "${scale_flags[@]}"
  nodes+=("$serve_addr"); node_pids+=("$serve_pid")
done
# nginx balancing round-robin over the given nodes (the same settings for one node and three).
start_lb() {  # name node-addr...
  local name=$1; shift
  local port; port=$(free_port)
  mkdir -p "$work/$name"
  {
    [[ $(id -u) == 0 ]] && echo "user root;"
    echo "master_process off; worker_processes 1; error_log $work/$name/error.log; pid $work/$name/nginx.pid;"
    echo "events { worker_connections 1024; }"
    echo "http { access_log off; client_max_body_size 0;"
    echo "  client_body_temp_path $work/$name/b; proxy_temp_path $work/$name/p; fastcgi_temp_path $work/$name/f; uwsgi_temp_path $work/$name/u; scgi_temp_path $work/$name/s;"
    echo "  upstream nodes { $(for a in "$@"; do printf 'server %s; ' "$a"; done) keepalive 64; }"
    echo "  server { listen 127.0.0.1:$port; location / { proxy_pass http://nodes; proxy_http_version 1.1;"
    echo "    proxy_set_header Connection \"\"; proxy_set_header Host \$http_host; proxy_request_buffering off; proxy_buffering off; } } }"
  } >"$work/$name/nginx.conf"
  /usr/sbin/nginx -p "$work/$name" -c "$work/$name/nginx.conf" -g 'daemon off;' 2>"$work/$name.err" &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/v2/"
  lb_addr=127.0.0.1:$port
}
start_lb lb3 "${nodes[@]}"; lb3=$lb_addr
start_lb lb1 "${nodes[0]}"; lb1=$lb_addr
"$lg" push-charts --addr "$lb3" --dir "$work/g1" --namespace bench --row setup --target x >/dev/null
# The ceiling column is one node behind the same nginx: the same hop, a third of the nodes.
# Chart pulls run 16 at once (each on a new connection), so there is parallel work to spread.
row5m="5. manifest GET, 64 conn: 3 nodes + nginx (ceiling column: 1 node + nginx)"
row5p="5. chart pull, 16 at once: 3 nodes + nginx (ceiling column: 1 node + nginx)"
want 5 && for r in $(seq 1 "$rounds"); do
  load get --addr "$lb3" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
    --max-seconds 4 --row "$row5m" --order 50 --target charthouse
  load get --addr "$dr" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
    --max-seconds 4 --row "$row5m" --order 50 --target docker-registry
  load get --addr "$lb1" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
    --max-seconds 4 --row "$row5m" --order 50 --target "charthouse, 1 node"
  load pull --addr "$lb3" --repo bench/grafana --tag "$gver" --count 2000 --conns 16 --max-seconds 60 \
    --row "$row5p" --order 51 --target charthouse
  load pull --addr "$dr" --repo bench/grafana --tag "$gver" --count 2000 --conns 16 --max-seconds 60 \
    --row "$row5p" --order 51 --target docker-registry
  load pull --addr "$lb1" --repo bench/grafana --tag "$gver" --count 2000 --conns 16 --max-seconds 60 \
    --row "$row5p" --order 51 --target "charthouse, 1 node"
done
# 5b. The same with every node limited to half a core (a cgroup CPU quota, as a pod's CPU
# limit does), so that a node's own capacity, not the two cores everything shares, is what
# three nodes multiply. Skipped where cgroup v1's cpu controller is not writable.
cg=/sys/fs/cgroup/cpu
if ! want 5; then
  :
elif [[ -w $cg ]] && mkdir -p "$cg/ch-bench-$$" 2>/dev/null; then
  for i in 0 1 2; do
    mkdir -p "$cg/ch-bench-$$/n$i"
    echo 100000 >"$cg/ch-bench-$$/n$i/cpu.cfs_period_us"
    echo 50000 >"$cg/ch-bench-$$/n$i/cpu.cfs_quota_us"
    echo "${node_pids[$i]}" >"$cg/ch-bench-$$/n$i/cgroup.procs"
  done
  row5bm="5b. manifest GET, 64 conn, each node half a core: 3 nodes + nginx (ceiling column: 1 node + nginx)"
  row5bp="5b. chart pull, 16 at once, each node half a core: 3 nodes + nginx (ceiling column: 1 node + nginx)"
  for r in $(seq 1 "$rounds"); do
    load get --addr "$lb3" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
      --max-seconds 4 --row "$row5bm" --order 52 --target charthouse
    load get --addr "$lb1" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
      --max-seconds 4 --row "$row5bm" --order 52 --target "charthouse, 1 node"
    load pull --addr "$lb3" --repo bench/grafana --tag "$gver" --count 2000 --conns 16 --max-seconds 60 \
      --row "$row5bp" --order 53 --target charthouse
    load pull --addr "$lb1" --repo bench/grafana --tag "$gver" --count 2000 --conns 16 --max-seconds 60 \
      --row "$row5bp" --order 53 --target "charthouse, 1 node"
  done
  for i in 0 1 2; do  # back to the root group, then the groups go
    echo "${node_pids[$i]}" >"$cg/cgroup.procs"
    rmdir "$cg/ch-bench-$$/n$i"
  done
  rmdir "$cg/ch-bench-$$"
else
  echo "5b skipped: $cg is not writable (cgroup v1 cpu controller needed)" >&2
fi
step "5. three nodes"

# --- 6. memory of the first node with 10,000 and 100,000 stored manifests (one per repository).
ch_first=${nodes[0]}; ch_first_pid=${node_pids[0]}
# RSS_MANIFESTS="" skips this part (populating 100,000 manifests takes 10-20 minutes).
want 6 && for total in ${RSS_MANIFESTS-10000 100000}; do
  have=$(psql -tA "${pgurl%/postgres}/scale" -c "SELECT count(*) FROM manifests" 2>/dev/null || echo 0)
  timeout 1800 "$lg" populate --addr "$ch_first" --repo "mem$total/m" --chart "$gtgz" --repos $((total - have)) --conns 8 >/dev/null
  # Reads over all of it: the tag of every 10th repository, the catalog, the classic index.
  for i in $(seq 0 10 $((total - have - 1))); do printf '/v2/mem%d/m-r%05d/manifests/%s\n' "$total" "$i" "$gver"; done >"$work/paths"
  curl -s -o /dev/null "http://$ch_first/v2/_catalog?n=1000" || true
  head -2000 "$work/paths" | while read -r p; do curl -s -o /dev/null -I "http://$ch_first$p"; done
  "$lg" record --row "6. RSS of one node, $total stored manifests" --order 60 --target charthouse --metric rss_mib \
    --value "$(awk -v k="$(rss_kib "$ch_first_pid" VmRSS)" 'BEGIN {print k / 1024}')" --better lower --out "$out" >/dev/null
  step "6. RSS at $total manifests: $(rss_kib "$ch_first_pid" VmRSS) KiB"
done

machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)"
"$lg" report --in "$out" --out-dir "$results" --name scaleout --date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --machine "$machine"
step "done"
