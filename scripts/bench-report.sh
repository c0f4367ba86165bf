#!/usr/bin/env bash
# Prints Markdown tables (GFLOP/s with the ratio to OpenBLAS, GB/s with the ratio to copy) from a JMH result file.
# Produce the file with CSV output, e.g.:
#   scripts/bench.sh GemmBenchmark -rf csv -rff gemm.csv && scripts/bench-report.sh gemm.csv
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 RESULT.csv   (a JMH result written with -rf csv -rff RESULT.csv)" >&2
  exit 2
fi
result=$(realpath "$1")
case "$result" in
  *.json) echo "error: $1 is JSON; rerun JMH with -rf csv -rff FILE.csv (this report reads JMH's CSV format)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
source scripts/env.sh
sources=$(ls -d kernels/src engine/src jmh/src 2>/dev/null)
if [ ! -f jmh/target/benchmarks.jar ] || [ -n "$(find $sources -newer jmh/target/benchmarks.jar -type f | head -n 1)" ]; then
  mvn -B -ntp -q -pl jmh -am package -DskipTests
fi
exec java -cp jmh/target/benchmarks.jar dev.slimfit.bench.BenchReport "$result"
