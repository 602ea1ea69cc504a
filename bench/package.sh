#!/usr/bin/env bash
# Benchmark: packaging a generated chart of 2,000 files / 50 MB with charthouse, against
# `tar -czf` of the same tree (the floor: no chart logic at all) and against the real
# `helm package` (3.17.3 and 4.1.4). Runs each tool alternately, 5 rounds, and reports
# medians and ratios. Results go to bench/results/package.{md,json}.
# Usage: bench/package.sh [path/to/charthouse]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/charthouse}")
rounds=${ROUNDS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results="$here/bench/results"
mkdir -p "$results"

chart="$work/big"
mkdir -p "$chart/templates" "$chart/files"
printf 'apiVersion: v2\nname: big\nversion: 1.0.0\ndescription: generated benchmark chart\n' >"$chart/Chart.yaml"
printf 'replicaCount: 1\n' >"$chart/values.yaml"
# 2,000 files of ~25 KB: half templates, half plain files; base64 text compresses like YAML.
for i in $(seq 1 1000); do
  head -c 19000 /dev/urandom | base64 -w 76 >"$chart/templates/t$i.yaml"
  head -c 19000 /dev/urandom | base64 -w 76 >"$chart/files/f$i.txt"
done
size=$(du -sb "$chart" | cut -f1)
count=$(find "$chart" -type f | wc -l)
echo "chart: $count files, $((size / 1000000)) MB"

export HELM_CONFIG_HOME="$work/hc" HELM_CACHE_HOME="$work/hk" HELM_DATA_HOME="$work/hd"
declare -A cmds=(
  [charthouse]="$bin package $chart -d $work/out-ch"
  [tar-czf]="tar -czf $work/out-tar.tgz -C $work big"
  [helm-3.17.3]="$here/tools/helm-3.17.3/helm package $chart -d $work/out-h3"
  [helm-4.1.4]="$here/tools/helm-4.1.4/helm package $chart -d $work/out-h4"
)
order=(charthouse tar-czf helm-3.17.3 helm-4.1.4)
declare -A times
for r in $(seq 1 "$rounds"); do
  for tool in "${order[@]}"; do
    [[ $tool == helm-* && ! -x $here/tools/${tool}/helm ]] && continue
    start=$(date +%s%N)
    ${cmds[$tool]} >/dev/null
    end=$(date +%s%N)
    times[$tool]+="$(( (end - start) / 1000 )) "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ch_us=$(echo "${times[charthouse]}" | median)
{
  echo "# package benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $count files, $((size / 1000000)) MB, $rounds rounds)"
  echo
  echo "| tool | median ms | charthouse / tool |"
  echo "|---|---:|---:|"
  for tool in "${order[@]}"; do
    [[ -n "${times[$tool]:-}" ]] || continue
    us=$(echo "${times[$tool]}" | median)
    ratio=$(awk -v a="$ch_us" -v b="$us" 'BEGIN {printf "%.2f", a / b}')
    echo "| $tool | $((us / 1000)) | $ratio |"
  done
  echo
  echo "A ratio below 1.00 means charthouse is faster than that tool."
} | tee "$results/package.md"
{
  echo "{"
  first=1
  for tool in "${order[@]}"; do
    [[ -n "${times[$tool]:-}" ]] || continue
    us=$(echo "${times[$tool]}" | median)
    [[ $first == 1 ]] || echo ","
    first=0
    printf '  "%s": {"median_us": %s, "samples_us": [%s]}' "$tool" "$us" "$(echo ${times[$tool]} | tr ' ' ',')"
  done
  echo
  echo "}"
} >"$results/package.json"
