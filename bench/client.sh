#!/usr/bin/env bash
# Benchmark: the registry client end to end — push, pull (exact version), pull (version
# range: adds the tag listing) and show — charthouse against the real Helm 3.17.3 and
# 4.1.4, on the same registries: `charthouse serve` and Debian's docker-registry (CNCF
# distribution), both on 127.0.0.1 over plain HTTP. Every tool pushes to its own fresh
# namespace each round (so blobs are really uploaded) and pulls with an empty cache home
# (so charts are really downloaded). Tools alternate within each round; medians and the
# ratio charthouse/helm are reported. Results go to bench/results/client.{md,json}.
# Usage: bench/client.sh [path/to/charthouse]   (ROUNDS=n to change the 7 rounds)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/charthouse}")
rounds=${ROUNDS:-7}
source "$here/bench/common.sh"

# A real chart: grafana from the fixtures (packaged once, reused by every tool).
src="$here/tests/fixtures/charts/grafana-community/grafana"
[[ -d $src ]] || src=$(find "$here/tests/fixtures/charts" -name Chart.yaml -path '*grafana*' -printf '%h\n' | head -1)
"$bin" package "$src" -d "$work/pkg" >/dev/null
tgz=$(ls "$work"/pkg/*.tgz)
name=$(basename "$tgz" | sed 's/-[0-9].*//')
version=$(basename "$tgz" .tgz | sed "s/^$name-//")
echo "chart: $(basename "$tgz") ($(stat -c %s "$tgz") bytes), $rounds rounds, $(nproc) cores"

# The registries.
start_serve "$bin" serve
serve=$serve_addr
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

declare -A tools=([charthouse]="$bin" [helm-3.17.3]="$here/tools/helm-3.17.3/helm"
                  [helm-4.1.4]="$here/tools/helm-4.1.4/helm")
order=(charthouse helm-3.17.3 helm-4.1.4)
workloads=(push pull pull-range show)
declare -A times

# run_timed KEY CMD...: runs CMD with a fresh Helm home, appends its wall time (µs) to KEY.
run_timed() {
  local key=$1
  shift
  local home="$work/home-$RANDOM$RANDOM"
  mkdir -p "$home"
  local start end
  start=$(date +%s%N)
  if ! HELM_CONFIG_HOME="$home/c" HELM_CACHE_HOME="$home/k" HELM_DATA_HOME="$home/d" \
    DOCKER_CONFIG="$home/docker" "$@" >"$work/last.out" 2>&1; then
    echo "failed: $*" >&2
    cat "$work/last.out" >&2
    exit 1
  fi
  end=$(date +%s%N)
  times[$key]+="$(((end - start) / 1000)) "
  rm -rf "$home"
}

for registry in serve dist; do
  host=${!registry}
  for r in $(seq 1 "$rounds"); do
    # Rotate the order each round so no tool always runs first.
    rotated=("${order[@]:$((r % 3))}" "${order[@]:0:$((r % 3))}")
    for tool in "${rotated[@]}"; do
      t=${tools[$tool]}
      ns="oci://$host/bench-${tool//./-}-$r"
      dest="$work/out-$tool-$r"
      mkdir -p "$dest"
      run_timed "$registry/push/$tool" "$t" push "$tgz" "$ns" --plain-http
      run_timed "$registry/pull/$tool" "$t" pull "$ns/$name" --version "$version" -d "$dest" --plain-http
      rm -f "$dest"/*.tgz
      run_timed "$registry/pull-range/$tool" "$t" pull "$ns/$name" --version ">=0.0.0" -d "$dest" --plain-http
      cmp -s "$dest/$name-$version.tgz" "$tgz" || { echo "$tool pulled different bytes" >&2; exit 1; }
      run_timed "$registry/show/$tool" "$t" show chart "$ns/$name" --version "$version" --plain-http
      rm -rf "$dest"
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
{
  echo "# registry client benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(basename "$tgz"), $rounds rounds)"
  echo
  echo "| registry | workload | charthouse ms | helm 3.17.3 ms | helm 4.1.4 ms | ch / helm3 | ch / helm4 |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for registry in serve dist; do
    label=$([[ $registry == serve ]] && echo "charthouse serve" || echo "docker-registry")
    for w in "${workloads[@]}"; do
      c=$(echo "${times[$registry/$w/charthouse]}" | median)
      h3=$(echo "${times[$registry/$w/helm-3.17.3]}" | median)
      h4=$(echo "${times[$registry/$w/helm-4.1.4]}" | median)
      echo "| $label | $w | $(ms "$c") | $(ms "$h3") | $(ms "$h4") | $(ratio "$c" "$h3") | $(ratio "$c" "$h4") |"
    done
  done
  echo
  echo "Wall time of one command (process start to exit), median of $rounds. A ratio below 1.00"
  echo "means charthouse is faster."
} | tee "$results/client.md"
{
  echo "{"
  first=1
  for key in $(echo "${!times[@]}" | tr ' ' '\n' | sort); do
    [[ $first == 1 ]] || echo ","
    first=0
    printf '  "%s": {"median_us": %s, "samples_us": [%s]}' "$key" \
      "$(echo "${times[$key]}" | median)" "$(echo ${times[$key]} | tr ' ' ',')"
  done
  echo
  echo "}"
} >"$results/client.json"
