#!/usr/bin/env bash
# Builds the kit that runs the CUDA checks on the GPU machine, which has no Java, no Maven and no registry, into
# dist/gpu-kit/ (ignored by git; carry it to the device tool with carry=["dist/gpu-kit"]):
#   slimfit-gpu.jar        the project and its runtime dependencies in one jar: no OpenBLAS, no MiniLM model jar (the
#                          BERT-base step uses random weights), and of JavaCPP's CUDA presets only the cudart, cuBLAS
#                          and NVRTC JNI glue (the CUDA libraries themselves come from the GPU machine)
#   slimfit-gpu-tests.jar  the test classes of kernels and engine, and slimfit's CUDA training test
#   junit-console.jar      JUnit's standalone console launcher (runs the tests without Maven)
#   runtime.tar.xz         a jlink'ed JDK 25 with just the modules the jar needs (44 MiB unpacked, ~25 MiB packed:
#                          gpu-run.sh unpacks it on the GPU machine)
# Then checks that the jar starts on that runtime (CudaCheck prints "CUDA unavailable: <reason>" here), that the
# console launcher runs tests from the kit, and that kit + working tree fit the device tool's 64 MiB.
# Usage: scripts/gpu-kit.sh        (then, on the GPU machine: bash scripts/gpu-run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

KIT=dist/gpu-kit
LIMIT_BYTES=$((64 * 1024 * 1024))
JUNIT_PLATFORM_VERSION=1.14.1   # the platform release of the JUnit 5.14.1 BOM in pom.xml
# What the run needs from the JDK: java.management (the CLI's child JVMs read their parent's flags), jdk.unsupported
# (JavaCPP), java.sql (Jackson's date handlers), jdk.zipfs (JUnit scans the test jar for packages), jdk.jfr (the
# flight recording of gpu-run.sh's profile phase, and its jfr tool). java.desktop
# (AWT, 6 MiB; only the PNG plots of `finetune` use it) is left out, although jdeps lists it for JFreeChart: on the
# kit, `finetune` writes its reports and warns that the plot was not drawn.
MODULES=java.base,java.management,jdk.unsupported,jdk.incubator.vector,java.logging,java.sql,jdk.zipfs,jdk.jfr
JAVA_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

echo "[gpu-kit] building the project (tests compiled, not run)"
mvn -B -ntp -q -pl slimfit -am package -DskipTests
kernels_jar=$(ls kernels/target/slimfit-kernels-*.jar | grep -v -- -tests.jar)
if ! unzip -Z1 "$kernels_jar" | grep -Fx dev/slimfit/kernels/cuda/slimfit_kernels.fatbin >/dev/null; then
  echo "[gpu-kit] error: $kernels_jar has no CUDA fatbin (nvcc missing?): the kit would be useless on a GPU" >&2
  exit 1
fi

rm -rf "$KIT"
mkdir -p "$KIT"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT

echo "[gpu-kit] assembling slimfit-gpu.jar"
mkdir -p "$staging/classes"
module_jars=$(ls kernels/target/slimfit-kernels-*.jar engine/target/slimfit-engine-*.jar \
  model/target/slimfit-model-*.jar slimfit/target/slimfit-slimfit-*.jar | grep -v -- '-tests.jar')
for jar in $(tr ':' '\n' < slimfit/target/runtime-classpath.txt) $module_jars; do
  case "$(basename "$jar")" in
    *.jar) ;;
    *) continue ;;  # the native module is a pom (build order only)
  esac
  case "$(basename "$jar")" in
    langchain4j-embeddings-all-minilm*|openblas*) continue ;;  # the model weights (90 MB) and the CPU BLAS
    cuda-*-linux-x86_64.jar)
      # JNI glue of the three libraries the CUDA provider binds (all presets' glue would add ~30 MB)
      unzip -qo "$jar" 'org/bytedeco/cuda/linux-x86_64/libjnicudart.so' \
        'org/bytedeco/cuda/linux-x86_64/libjnicublas.so' 'org/bytedeco/cuda/linux-x86_64/libjninvrtc.so' \
        -d "$staging/classes" ;;
    *) unzip -qo "$jar" -d "$staging/classes" -x 'META-INF/*.SF' 'META-INF/*.DSA' 'META-INF/*.RSA' \
         'META-INF/MANIFEST.MF' 'module-info.class' 'META-INF/versions/*/module-info.class' \
         2> >(grep -v 'excluded filename not matched' >&2) ;;
  esac
done
printf 'Main-Class: dev.slimfit.cli.SlimFitCli\nEnable-Native-Access: ALL-UNNAMED\n' > "$staging/manifest.txt"
jar --create --file "$KIT/slimfit-gpu.jar" --manifest "$staging/manifest.txt" -C "$staging/classes" .

echo "[gpu-kit] assembling slimfit-gpu-tests.jar and fetching the JUnit console launcher"
mkdir -p "$staging/tests/dev/slimfit/train"
cp -r kernels/target/test-classes/. engine/target/test-classes/. "$staging/tests/"
cp -r slimfit/target/test-classes/dev/slimfit/train/cuda "$staging/tests/dev/slimfit/train/"
rm -rf "$staging/tests/META-INF"  # the compiler's jpms.args, not needed on a class path
jar --create --file "$KIT/slimfit-gpu-tests.jar" -C "$staging/tests" .
mvn -B -ntp -q -N dependency:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_PLATFORM_VERSION" \
  -DoutputDirectory="$staging" -Dmdep.stripVersion=true
cp "$staging/junit-platform-console-standalone.jar" "$KIT/junit-console.jar"

echo "[gpu-kit] linking the JDK 25 runtime"
runtime="$staging/runtime"
jlink --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$runtime"
echo "[gpu-kit] runtime modules: $MODULES"

echo "[gpu-kit] self-check on this machine"
"$runtime/bin/java" "${JAVA_FLAGS[@]}" -jar "$KIT/slimfit-gpu.jar" --version
set +e
check=$("$runtime/bin/java" "${JAVA_FLAGS[@]}" -cp "$KIT/slimfit-gpu.jar" dev.slimfit.kernels.cuda.CudaCheck 2>&1)
check_exit=$?
set -e
echo "  $check"
if [ "$check_exit" -ne 0 ] && [ "$check_exit" -ne 3 ]; then
  echo "[gpu-kit] error: CudaCheck failed on the kit's runtime (exit $check_exit)" >&2
  exit 1
fi
"$runtime/bin/java" "${JAVA_FLAGS[@]}" -jar "$KIT/junit-console.jar" execute --disable-banner \
  --details=summary --class-path "$KIT/slimfit-gpu.jar:$KIT/slimfit-gpu-tests.jar" \
  --select-class dev.slimfit.kernels.cuda.FatbinContentsTest --select-class dev.slimfit.kernels.cuda.CudaLaunchersTest \
  --select-class dev.slimfit.kernels.cuda.CudaAvailabilityTest 2>&1 | grep -E 'tests (successful|failed|skipped)' \
  | sed 's/^/  /'

# the kit's BERT entry point end to end on the CPU (picocli, Jackson, a child JVM on the jlink'ed runtime)
"$runtime/bin/java" "${JAVA_FLAGS[@]}" -jar "$KIT/slimfit-gpu.jar" memory --device cpu --config minilm --batch 1 \
  --seq 8 --modes full 2>&1 | grep -E '^ *full +done' | sed 's/^/  memory on the kit runtime:/'

echo "[gpu-kit] packing the runtime"
tar -C "$staging" -cJf "$KIT/runtime.tar.xz" runtime

kit_bytes=$(du -sb "$KIT" | cut -f1)
tree_bytes=$(git ls-files -z | du --files0-from=- -cb 2>/dev/null | tail -n 1 | cut -f1)
total=$((kit_bytes + tree_bytes))
printf '[gpu-kit] %s: %.1f MiB (jar %.1f, tests %.1f, junit %.1f, runtime.tar.xz %.1f); with the working tree (%.1f MiB) %.1f of 64 MiB\n' \
  "$KIT" "$(echo "$kit_bytes / 1048576" | bc -l)" \
  "$(echo "$(stat -c %s "$KIT/slimfit-gpu.jar") / 1048576" | bc -l)" \
  "$(echo "$(stat -c %s "$KIT/slimfit-gpu-tests.jar") / 1048576" | bc -l)" \
  "$(echo "$(stat -c %s "$KIT/junit-console.jar") / 1048576" | bc -l)" \
  "$(echo "$(stat -c %s "$KIT/runtime.tar.xz") / 1048576" | bc -l)" \
  "$(echo "$tree_bytes / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)"
if [ "$total" -gt "$LIMIT_BYTES" ]; then
  echo "[gpu-kit] error: the kit and the working tree exceed the device tool's 64 MiB" >&2
  exit 1
fi
