package dev.slimfit.kernels.cpu;

import dev.slimfit.bench.WorkCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;

import static dev.slimfit.kernels.cpu.GemmBlocking.KC;
import static dev.slimfit.kernels.cpu.GemmBlocking.MC;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * {@link GemmMicroKernel} alone: every register tile of one packed MC×KC block of A against one KC×NR sliver of B, as
 * {@code GemmLoops} runs them for one sliver, with the sliver in L1 and the block in L2, and nothing else (no packing,
 * no other slivers, sums kept in the tile buffer rather than merged into C). Its GFLOP/s, next to the whole product's in
 * {@code GemmBenchmark}, show how much of a GEMM's time is the micro-kernel itself. In this package (a split package
 * on the class path) because the micro-kernel is not public API.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(java.util.concurrent.TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmMicroKernelBenchmark {

    /** The A sliver layout: rows KC floats apart (plain A) or interleaved (transposed A). */
    @Param({"false", "true"})
    public boolean interleaved;

    private float[] packedA;
    private float[] packedB;
    private final float[] tile = new float[MR * NR];

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        packedA = new float[GemmPacking.packedASize(MC)];
        packedB = new float[KC * NR];
        for (int i = 0; i < packedA.length; i++) {
            packedA[i] = (float) (2 * random.nextDouble() - 1);
        }
        for (int i = 0; i < packedB.length; i++) {
            packedB[i] = (float) (2 * random.nextDouble() - 1);
        }
        verifyOneTile();
    }

    @Benchmark
    public float block(WorkCounters counters) {
        for (int ir = 0; ir < MC; ir += MR) {
            GemmMicroKernel.multiply(packedA, ir * KC, interleaved, packedB, 0, KC, null, 0, 0, 0f, tile);
        }
        counters.flops += 2.0 * MC * NR * KC;
        return tile[0];
    }

    /** The last tile against dot products in double, reading the packed layouts as the micro-kernel documents them. */
    private void verifyOneTile() {
        int ir = MC - MR;
        GemmMicroKernel.multiply(packedA, ir * KC, interleaved, packedB, 0, KC, null, 0, 0, 0f, tile);
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j++) {
                double dot = 0;
                double magnitude = 0;
                for (int p = 0; p < KC; p++) {
                    float a = interleaved ? packedA[ir * KC + p * MR + r] : packedA[ir * KC + r * KC + p];
                    double product = (double) a * packedB[p * NR + j];
                    dot += product;
                    magnitude += Math.abs(product);
                }
                if (!(Math.abs(tile[r * NR + j] - dot) <= 1e-5 * magnitude)) {
                    throw new IllegalStateException("micro-kernel tile[" + r + "][" + j + "] = " + tile[r * NR + j]
                            + ", expected " + dot + " (interleaved=" + interleaved + ")");
                }
            }
        }
    }
}
