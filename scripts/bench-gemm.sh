#!/usr/bin/env bash
# Runs GemmBenchmark one shape and thread count at a time, so that ours and OpenBLAS of the same row are measured
# minutes apart rather than a whole run apart (JMH runs every configuration of one implementation first, which on a
# shared or throttling machine biases the ratio), then prints the report. Extra arguments go to JMH.
# Example: scripts/bench-gemm.sh results/gemm -f 1 -wi 3 -i 5 -w 2 -r 3
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: $0 OUTPUT_PREFIX [JMH args...]" >&2
  exit 2
fi
prefix=$1
shift
shapes=$(sed -n '/@Param({$/,/})/p' jmh/src/main/java/dev/slimfit/bench/GemmBenchmark.java | grep -o '"[^"]*"' | tr -d '"')
files=()
for shape in $shapes; do
  for threads in 1 2; do
    file="$prefix-$shape-t$threads.csv"
    scripts/bench.sh GemmBenchmark -p shape="$shape" -p threads="$threads" -rf csv -rff "$file" "$@" >/dev/null
    files+=("$file")
  done
done
scripts/bench-report.sh "${files[@]}"
