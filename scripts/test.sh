#!/usr/bin/env bash
# Builds every module and runs every test (CUDA tests are skipped, visibly, without a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec mvn -B -ntp verify "$@"
