#!/usr/bin/env bash
# Compiles every kernel of native/src into one fatbin: sm_80 and sm_90 machine code plus compute_90 PTX.
# Usage: build-fatbin.sh OUTPUT_DIR. The fatbin lands in OUTPUT_DIR/dev/slimfit/kernels/cuda/, which kernels/
# packages as a resource. Without nvcc the build goes on and the CUDA device reports "kernels not built".
set -euo pipefail
cd "$(dirname "$0")"
out="$1/dev/slimfit/kernels/cuda"
mkdir -p "$out"
NVCC="${NVCC:-nvcc}"
if ! command -v "$NVCC" >/dev/null 2>&1; then
  echo "[native] nvcc not found: CUDA kernels not built (the CPU paths are unaffected)."
  rm -f "$out/slimfit_kernels.fatbin"
  exit 0
fi
# One translation unit that includes every kernel file, so that nvcc emits a single fatbin.
"$NVCC" -O3 -std=c++17 -fatbin \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -o "$out/slimfit_kernels.fatbin.tmp" src/slimfit_kernels.cu
mv "$out/slimfit_kernels.fatbin.tmp" "$out/slimfit_kernels.fatbin"
echo "[native] built $out/slimfit_kernels.fatbin ($(stat -c %s "$out/slimfit_kernels.fatbin") bytes)"
