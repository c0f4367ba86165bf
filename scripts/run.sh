#!/usr/bin/env bash
# The main job. Until the SlimFit trainer lands (issue 4) this trains a one-layer transformer on generated data with
# the engine's CPU kernels and prints loss, accuracy, time per step and the memory ledger's peak by category.
# Usage: scripts/run.sh [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mvn -B -ntp -q -pl slimfit -am package -DskipTests
classpath="$(ls kernels/target/slimfit-kernels-*.jar engine/target/slimfit-engine-*.jar \
  slimfit/target/slimfit-slimfit-*.jar | grep -v -- '-tests.jar' | tr '\n' ':')"
exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$classpath" dev.slimfit.demo.TinyTransformerDemo "${1:-600}"
