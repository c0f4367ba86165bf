#!/usr/bin/env bash
# Compiles every kernel of native/src into one fatbin: sm_80 and sm_90 machine code plus compute_90 PTX (which the
# driver compiles for newer GPUs). Usage: build-fatbin.sh OUTPUT_DIR. The fatbin lands in
# OUTPUT_DIR/dev/slimfit/kernels/cuda/, which kernels/ packages as a resource. Without nvcc the build goes on and the
# CUDA device reports "kernels not built"; with nvcc, a kernel that does not compile, or compiles with a warning, fails
# the build (and so CI).
# The fatbin is not compressed: its kernel names and PTX parameter lists stay readable, so the tests can check them
# against the Java launchers (dev.slimfit.kernels.cuda.FatbinContentsTest) without cuobjdump.
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
fatbin="$out/slimfit_kernels.fatbin"
# Rebuild only when a source is newer than the fatbin (nvcc takes ~20 s for the three images).
if [ -f "$fatbin" ] && [ -z "$(find src build-fatbin.sh -newer "$fatbin" -type f | head -n 1)" ]; then
  echo "[native] $fatbin is up to date"
  exit 0
fi
# One translation unit that includes every kernel file, so that nvcc emits a single fatbin.
"$NVCC" -O3 -std=c++17 -fatbin --no-compress --Werror all-warnings \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -o "$fatbin.tmp" src/slimfit_kernels.cu
mv "$fatbin.tmp" "$fatbin"
echo "[native] built $fatbin ($(stat -c %s "$fatbin") bytes)"
