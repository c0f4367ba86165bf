#!/usr/bin/env bash
# Builds the JMH benchmarks jar and runs it; arguments go to JMH (e.g. a benchmark regex, -p shape=..., -t 2).
# Example: scripts/bench.sh 'GemmBenchmark' -f 1 -wi 2 -i 3
# With BENCH_MAIN set, runs that main class of the jar instead of JMH (see scripts/bench-gemm-paired.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ ! -f jmh/target/benchmarks.jar ] || [ -n "$(find kernels/src engine/src model/src jmh/src -newer jmh/target/benchmarks.jar -type f | head -n 1)" ]; then
  mvn -B -ntp -q -pl jmh -am package -DskipTests
fi
java_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
if [ -n "${BENCH_MAIN:-}" ]; then
  exec java "${java_flags[@]}" -cp jmh/target/benchmarks.jar "$BENCH_MAIN" "$@"
fi
exec java "${java_flags[@]}" -jar jmh/target/benchmarks.jar "$@"
