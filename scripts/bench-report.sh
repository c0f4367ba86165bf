#!/usr/bin/env bash
# Prints Markdown tables (GFLOP/s with the ratio to OpenBLAS, GB/s with the ratio to copy) from JMH result files,
# read together as one run. Produce them with CSV output, e.g.:
#   scripts/bench.sh GemmBenchmark -rf csv -rff gemm.csv && scripts/bench-report.sh gemm.csv
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 RESULT.csv...   (JMH results written with -rf csv -rff FILE)" >&2
  exit 2
fi
results=()
for file in "$@"; do
  case "$file" in
    *.json) echo "error: $file is JSON; rerun JMH with -rf csv -rff FILE.csv (this report reads JMH's CSV format)" >&2; exit 2 ;;
  esac
  results+=("$(realpath "$file")")
done
cd "$(dirname "$0")/.."
source scripts/env.sh
sources=""
for dir in kernels/src engine/src jmh/src; do [ -d "$dir" ] && sources="$sources $dir"; done
if [ ! -f jmh/target/benchmarks.jar ] || [ -n "$(find $sources -newer jmh/target/benchmarks.jar -type f | head -n 1)" ]; then
  mvn -B -ntp -q -pl jmh -am package -DskipTests
fi
exec java -cp jmh/target/benchmarks.jar dev.slimfit.bench.BenchReport "${results[@]}"
