#!/usr/bin/env bash
# Benchmark for dependencies and the classic view:
#  1. GET /<ns>/index.yaml from `charthouse serve` for namespaces holding 10, 1,000 and
#     10,000 chart versions, beside nginx (Debian) serving the same index as a static file
#     (the floor: no work at all per request). 200 GETs each over one keep-alive connection
#     (curl), median and p99 latency.
#  2. `dependency update` of a chart with 30 oci:// dependencies (version ranges, so every
#     dependency lists tags), charthouse against the real Helm 3.17.3 and 4.1.4, 5 rounds,
#     fresh charts/ and caches each time.
# Results: bench/results/deps.{md,json}. All load stays on 127.0.0.1.
# Usage: bench/deps.sh [path/to/charthouse]   (ROUNDS=n, GETS=n to change 5 and 200)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/charthouse}")
rounds=${ROUNDS:-5}
gets=${GETS:-200}
source "$here/bench/common.sh"

start_serve "$bin" store
host=$serve_addr

# A chart archive per version, written with tar (fast), uploaded through the ChartMuseum API.
make_chart() {  # name version dir
  mkdir -p "$3/$1"
  printf 'apiVersion: v2\nname: %s\nversion: %s\ndescription: benchmark chart %s\nappVersion: "1.0"\n' \
    "$1" "$2" "$1" >"$3/$1/Chart.yaml"
  printf 'replicas: 1\n' >"$3/$1/values.yaml"
  tar -czf "$3/$1-$2.tgz" -C "$3" "$1"
  rm -rf "${3:?}/$1"
}
populate() {  # namespace count
  local dir="$work/gen-$1"
  mkdir -p "$dir"
  for i in $(seq 1 "$2"); do
    local name="chart$((i % 100))" version="1.$((i / 100)).0"
    make_chart "$name" "$version" "$dir"
    curl -sf --data-binary @"$dir/$name-$version.tgz" "http://$host/api/$1/charts" >/dev/null
    rm -f "$dir/$name-$version.tgz"
  done
}

# One keep-alive connection, $gets GETs; prints per-request seconds.
timed_gets() {
  local url=$1 args=()
  for _ in $(seq 1 "$gets"); do args+=(-o /dev/null "$url"); done
  curl -s -w '%{time_total}\n' "${args[@]}"
}
pct() {  # percentile of seconds on stdin, in ms
  sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.5); if (i<1) i=1; if (i>NR) i=NR; printf "%.3f", a[i]*1000}'
}

port=$(free_port)
mkdir -p "$work/static"
start_nginx "$port" "$work/static"

declare -A idx
for n in 10 1000 10000; do
  echo "populating a namespace with $n chart versions..." >&2
  populate "ns$n" "$n"
  mkdir -p "$work/static/ns$n"
  curl -sf "http://$host/ns$n/index.yaml" >"$work/static/ns$n/index.yaml"
  size=$(stat -c %s "$work/static/ns$n/index.yaml")
  timed_gets "http://$host/ns$n/index.yaml" >"$work/ch-$n.txt"
  timed_gets "http://127.0.0.1:$port/ns$n/index.yaml" >"$work/ng-$n.txt"
  idx[$n]="$size $(pct 50 <"$work/ch-$n.txt") $(pct 99 <"$work/ch-$n.txt") $(pct 50 <"$work/ng-$n.txt") $(pct 99 <"$work/ng-$n.txt")"
done

# 30 oci:// dependencies, three versions each, resolved by range.
echo "pushing 90 dependency charts..." >&2
for i in $(seq 1 30); do
  for v in 1.0.0 1.1.0 2.0.0; do
    make_chart "dep$i" "$v" "$work/deps"
    "$bin" push "$work/deps/dep$i-$v.tgz" "oci://$host/deps" --plain-http >/dev/null 2>&1
  done
done
parent="$work/parent"
mkdir -p "$parent"
{
  printf 'apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n'
  for i in $(seq 1 30); do printf -- '- name: dep%s\n  version: "^1.0.0"\n  repository: oci://%s/deps\n' "$i" "$host"; done
} >"$parent/Chart.yaml"
declare -A tools=([charthouse]="$bin" [helm-3.17.3]="$here/tools/helm-3.17.3/helm"
                  [helm-4.1.4]="$here/tools/helm-4.1.4/helm")
order=(charthouse helm-3.17.3 helm-4.1.4)
declare -A times
for r in $(seq 1 "$rounds"); do
  rotated=("${order[@]:$((r % 3))}" "${order[@]:0:$((r % 3))}")
  for tool in "${rotated[@]}"; do
    rm -rf "$parent/charts" "$parent/Chart.lock" "$work/home"
    mkdir -p "$work/home"
    start=$(date +%s%N)
    HELM_CONFIG_HOME="$work/home/c" HELM_CACHE_HOME="$work/home/k" HELM_DATA_HOME="$work/home/d" \
      DOCKER_CONFIG="$work/home/docker" "${tools[$tool]}" dependency update "$parent" --plain-http \
      >"$work/last.out" 2>&1 || { cat "$work/last.out" >&2; exit 1; }
    end=$(date +%s%N)
    [[ $(ls "$parent/charts" | wc -l) == 30 ]] || { echo "$tool: wrong charts/" >&2; exit 1; }
    times[$tool]+="$(((end - start) / 1000)) "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
{
  echo "# dependencies and classic view benchmark ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "## GET index.yaml ($gets requests on one connection)"
  echo
  echo "| chart versions | index bytes | charthouse p50 ms | p99 ms | nginx (static file) p50 ms | p99 ms | p50 charthouse / nginx |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  for n in 10 1000 10000; do
    read -r size c50 c99 n50 n99 <<<"${idx[$n]}"
    echo "| $n | $size | $c50 | $c99 | $n50 | $n99 | $(awk -v a="$c50" -v b="$n50" 'BEGIN {printf "%.2f", a / b}') |"
  done
  echo
  echo "## dependency update, 30 oci:// dependencies by range (median of $rounds)"
  echo
  ch=$(echo "${times[charthouse]}" | median)
  echo "| tool | median ms | charthouse / tool |"
  echo "|---|---:|---:|"
  for tool in "${order[@]}"; do
    us=$(echo "${times[$tool]}" | median)
    echo "| $tool | $((us / 1000)) | $(awk -v a="$ch" -v b="$us" 'BEGIN {printf "%.2f", a / b}') |"
  done
  echo
  echo "A ratio below 1.00 means charthouse is faster."
} | tee "$results/deps.md"
{
  echo "{"
  for n in 10 1000 10000; do
    read -r size c50 c99 n50 n99 <<<"${idx[$n]}"
    echo "  \"index_$n\": {\"bytes\": $size, \"charthouse_p50_ms\": $c50, \"charthouse_p99_ms\": $c99, \"nginx_p50_ms\": $n50, \"nginx_p99_ms\": $n99},"
  done
  first=1
  for tool in "${order[@]}"; do
    [[ $first == 1 ]] || echo ","
    first=0
    printf '  "dependency_update_%s": {"median_us": %s, "samples_us": [%s]}' "$tool" \
      "$(echo "${times[$tool]}" | median)" "$(echo ${times[$tool]} | tr ' ' ',')"
  done
  echo
  echo "}"
} >"$results/deps.json"
