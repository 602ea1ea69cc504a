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
#   5. three charthouse nodes behind nginx (round robin) against one node: manifest GET at 64
#      connections and chart pulls (the one node is the "ceiling" column there)
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
head -c $((256 << 20)) /dev/urandom >"$work/blob"
bdigest=sha256:$(sha256sum "$work/blob" | cut -c1-64)
for t in charthouse docker-registry; do
  "$lg" push-charts --addr "${addr[$t]}" --dir "$work/g1" --namespace bench --row setup --target "$t" >/dev/null
done
step "content ready"

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
done
step "1. manifest GET"

# --- 2. chart pulls, 4 interleaved blocks of 500.
for r in 1 2 3 4; do
  for t in $(order "$r"); do
    load pull --addr "${addr[$t]}" --repo bench/grafana --tag "$gver" --count 500 --max-seconds 120 \
      --row "2. chart pull (2,000)" --order 20 --target "$t"
  done
done
step "2. chart pulls"

# --- 3. 500 chart pushes; 4. 256 MiB push and GET.
for r in $(seq 1 "$rounds"); do
  for t in $(order "$r"); do
    load push-charts --addr "${addr[$t]}" --dir "$work/charts500" --namespace "push$r" \
      --row "3. push 500 charts" --order 30 --target "$t"
    load push-blob --addr "${addr[$t]}" --repo "blobs/mono$r" --file "$work/blob" --digest "$bdigest" \
      --row "4. push 256 MiB blob" --order 40 --target "$t"
  done
done
step "3/4. pushes"
for r in $(seq 1 "$rounds"); do
  for t in $(order "$r"); do
    load blob-get --addr "${addr[$t]}" --path "/v2/blobs/mono1/blobs/$bdigest" --expect-bytes $((256 << 20)) \
      --reps 2 --row "4. GET 256 MiB blob" --order 41 --target "$t"
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
lbport=$(free_port)
mkdir -p "$work/lb"
{
  [[ $(id -u) == 0 ]] && echo "user root;"
  echo "master_process off; worker_processes 1; error_log $work/lb/error.log; pid $work/lb/nginx.pid;"
  echo "events { worker_connections 1024; }"
  echo "http { access_log off; client_max_body_size 0;"
  echo "  client_body_temp_path $work/lb/b; proxy_temp_path $work/lb/p; fastcgi_temp_path $work/lb/f; uwsgi_temp_path $work/lb/u; scgi_temp_path $work/lb/s;"
  echo "  upstream nodes { $(for a in "${nodes[@]}"; do printf 'server %s; ' "$a"; done) keepalive 64; }"
  echo "  server { listen 127.0.0.1:$lbport; location / { proxy_pass http://nodes; proxy_http_version 1.1;"
  echo "    proxy_set_header Connection \"\"; proxy_set_header Host \$http_host; proxy_request_buffering off; proxy_buffering off; } } }"
} >"$work/lb/nginx.conf"
/usr/sbin/nginx -p "$work/lb" -c "$work/lb/nginx.conf" -g 'daemon off;' 2>"$work/lb.err" &
pids+=($!)
wait_http "http://127.0.0.1:$lbport/v2/"
"$lg" push-charts --addr "127.0.0.1:$lbport" --dir "$work/g1" --namespace bench --row setup --target x >/dev/null
for r in $(seq 1 "$rounds"); do
  load get --addr "127.0.0.1:$lbport" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
    --max-seconds 4 --row "5. manifest GET, 64 conn: 3 nodes + nginx (ceiling column: 1 node)" --order 50 --target charthouse
  load get --addr "$dr" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
    --max-seconds 4 --row "5. manifest GET, 64 conn: 3 nodes + nginx (ceiling column: 1 node)" --order 50 --target docker-registry
  load get --addr "${nodes[0]}" --path "/v2/bench/grafana/manifests/$gver" --conns 64 --requests 100000 \
    --max-seconds 4 --row "5. manifest GET, 64 conn: 3 nodes + nginx (ceiling column: 1 node)" --order 50 --target "charthouse, 1 node"
  load pull --addr "127.0.0.1:$lbport" --repo bench/grafana --tag "$gver" --count 500 --max-seconds 120 \
    --row "5. chart pull: 3 nodes + nginx (ceiling column: 1 node)" --order 51 --target charthouse
  load pull --addr "$dr" --repo bench/grafana --tag "$gver" --count 500 --max-seconds 120 \
    --row "5. chart pull: 3 nodes + nginx (ceiling column: 1 node)" --order 51 --target docker-registry
  load pull --addr "${nodes[0]}" --repo bench/grafana --tag "$gver" --count 500 --max-seconds 120 \
    --row "5. chart pull: 3 nodes + nginx (ceiling column: 1 node)" --order 51 --target "charthouse, 1 node"
done
step "5. three nodes"

# --- 6. memory of the first node with 10,000 and 100,000 stored manifests (one per repository).
ch_first=${nodes[0]}; ch_first_pid=${node_pids[0]}
# RSS_MANIFESTS="" skips this part (populating 100,000 manifests takes 10-20 minutes).
for total in ${RSS_MANIFESTS-10000 100000}; do
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
