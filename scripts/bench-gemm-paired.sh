#!/usr/bin/env bash
# Ours against OpenBLAS on GemmBenchmark's shapes in one JVM, alternating round by round (GemmPairedRun): tighter
# ratios than separate JMH runs on a shared machine. Arguments: [rounds] [threads,...] [shape,...].
# Example: scripts/bench-gemm-paired.sh 9 1,2 fwd_NT_4096x768x768,dW_TN_768x768x4096
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ ! -f jmh/target/benchmarks.jar ] || [ -n "$(find kernels/src engine/src model/src jmh/src -newer jmh/target/benchmarks.jar -type f | head -n 1)" ]; then
  mvn -B -ntp -q -pl jmh -am package -DskipTests
fi
exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp jmh/target/benchmarks.jar dev.slimfit.bench.GemmPairedRun "$@"
