#!/usr/bin/env bash
# The main job: fine-tunes the real pretrained all-MiniLM-L6-v2 on IMDB in full, slimfit (the reference) and
# slimfit+ modes with the same seed, data and steps, each in its own JVM, and prints the side-by-side table.
# Reports, step logs, checkpoints and memory-timeline plots go to out/main-job/ (replaced on every run).
# Extra arguments are passed to `slimfit finetune` (e.g. --steps 50 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/slimfit finetune --model minilm --task imdb --modes full,slimfit,slimfit+ --rate 0.8 --plus-rate 0.6 \
  --steps 200 --batch 16 --seq 128 --lr 1e-4 --eval-examples 2000 --seed 42 \
  --output out/main-job --overwrite "$@"
