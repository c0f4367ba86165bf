#!/usr/bin/env bash
# Ours against OpenBLAS on GemmBenchmark's shapes in one JVM, alternating round by round (GemmPairedRun): tighter
# ratios than separate JMH runs on a shared machine. Arguments: [rounds] [threads,...] [shape,...].
# Example: scripts/bench-gemm-paired.sh 9 1,2 fwd_NT_4096x768x768,dW_TN_768x768x4096
set -euo pipefail
BENCH_MAIN=dev.slimfit.bench.GemmPairedRun exec "$(dirname "$0")/bench.sh" "$@"
