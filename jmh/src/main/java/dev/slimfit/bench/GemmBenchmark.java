package dev.slimfit.bench;

import dev.slimfit.kernels.Gemm;
import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.kernels.cpu.NativeMemory;
import org.bytedeco.javacpp.FloatPointer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * SGEMM on the shapes of BERT-base training with 4096 tokens (batch × sequence), ours (CpuKernels) and OpenBLAS side
 * by side at 1 and 2 threads. Linear weights are stored [out, in] as in PyTorch, so the forward is Y = X·Wᵀ (NT),
 * the input gradient dX = dY·W (NN) and the weight gradient dW = dYᵀ·X (TN); attention runs 384 = 32 sequences × 12
 * heads products of 128 tokens × 64 head dims as a strided batch. The {@code flops} counter gives FLOP/s;
 * {@code scripts/bench-report.sh} turns a CSV result into GFLOP/s tables with the ours/OpenBLAS ratio.
 *
 * <p>Shape names: {@code role_TRANSPOSES_MxNxK} and {@code _bBATCH} for batches, e.g. {@code fwdQKV_NT_4096x768x768}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class GemmBenchmark {

    @Param({
            "fwd_NT_4096x768x768", "fwd_NT_4096x3072x768", "fwd_NT_4096x768x3072",
            "dX_NN_4096x768x768", "dX_NN_4096x768x3072", "dX_NN_4096x3072x768",
            "dW_TN_768x768x4096", "dW_TN_3072x768x4096", "dW_TN_768x3072x4096",
            "attnQK_NT_128x128x64_b384", "attnPV_NN_128x64x128_b384"})
    public String shape;

    /** {@code slimfit}: our CPU kernels; {@code openblas}: cblas_sgemm. */
    @Param({"slimfit", "openblas"})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    private GemmShape gemmShape;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private Runnable call;

    @Setup(Level.Trial)
    public void setUp() {
        gemmShape = GemmShape.parse(shape);
        GemmShape s = gemmShape;
        a = randomMatrix(s.strideA() * s.batch(), 1);
        b = randomMatrix(s.strideB() * s.batch(), 2);
        c = randomMatrix(s.strideC() * s.batch(), 3);
        switch (impl) {
            case "slimfit" -> call = slimfitCall(new CpuKernels(threads).gemm());
            case "openblas" -> {
                OpenBlasGemm.setThreads(threads);
                call = openBlasCall();
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl + " (slimfit or openblas)");
        }
        call.run();
        verifySomeEntries();
    }

    /**
     * Spot-checks C after one call against dot products in double, so that a wrong binding (an argument order, a
     * stride type of a downcall) cannot produce fast numbers for a wrong result.
     */
    private void verifySomeEntries() {
        GemmShape s = gemmShape;
        SplittableRandom random = new SplittableRandom(42);
        for (int check = 0; check < 32; check++) {
            int matrix = random.nextInt(s.batch());
            int i = random.nextInt(s.m());
            int j = random.nextInt(s.n());
            double dot = 0;
            double magnitude = 0;
            for (int p = 0; p < s.k(); p++) {
                long aIndex = matrix * s.strideA() + (s.transA() ? (long) p * s.lda() + i : (long) i * s.lda() + p);
                long bIndex = matrix * s.strideB() + (s.transB() ? (long) j * s.ldb() + p : (long) p * s.ldb() + j);
                double product = (double) a.getAtIndex(ValueLayout.JAVA_FLOAT, aIndex)
                        * b.getAtIndex(ValueLayout.JAVA_FLOAT, bIndex);
                dot += product;
                magnitude += Math.abs(product);
            }
            float actual = c.getAtIndex(ValueLayout.JAVA_FLOAT, matrix * s.strideC() + (long) i * s.ldc() + j);
            // float32 accumulation of k terms: far below 1e-4 of the summed magnitudes
            if (!(Math.abs(actual - dot) <= 1e-4 * magnitude)) {
                throw new IllegalStateException(impl + " " + shape + ": C[" + matrix + "][" + i + "][" + j + "] = "
                        + actual + ", expected " + dot);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        NativeMemory.INSTANCE.free(a);
        NativeMemory.INSTANCE.free(b);
        NativeMemory.INSTANCE.free(c);
    }

    @Benchmark
    public void gemm(WorkCounters counters) {
        call.run();
        counters.flops += gemmShape.flops();
    }

    private Runnable slimfitCall(Gemm gemm) {
        GemmShape s = gemmShape;
        if (s.batch() == 1) {
            return () -> gemm.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, s.lda(), b, s.ldb(), 0f, c,
                    s.ldc());
        }
        return () -> gemm.gemmStridedBatched(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f,
                a, s.lda(), s.strideA(), b, s.ldb(), s.strideB(), 0f, c, s.ldc(), s.strideC(), s.batch());
    }

    private Runnable openBlasCall() {
        GemmShape s = gemmShape;
        FloatPointer pa = OpenBlasGemm.pointerTo(a);
        FloatPointer pb = OpenBlasGemm.pointerTo(b);
        FloatPointer pc = OpenBlasGemm.pointerTo(c);
        if (s.batch() == 1) {
            return () -> OpenBlasGemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, pa, s.lda(), pb, s.ldb(),
                    0f, pc, s.ldc());
        }
        return () -> OpenBlasGemm.sgemmStridedBatched(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f,
                pa, s.lda(), (int) s.strideA(), pb, s.ldb(), (int) s.strideB(), 0f, pc, s.ldc(), (int) s.strideC(),
                s.batch());
    }

    /** Uniform values in [-1, 1) in a fresh native buffer (finite, non-zero: no denormal or zero shortcuts). */
    private static MemorySegment randomMatrix(long floats, long seed) {
        MemorySegment segment = NativeMemory.INSTANCE.allocate(floats * Float.BYTES);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < floats; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (2 * random.nextDouble() - 1));
        }
        return segment;
    }

    /** One benchmark shape, densely stored (leading dimensions are the stored row lengths). */
    record GemmShape(boolean transA, boolean transB, int m, int n, int k, int batch) {

        static GemmShape parse(String name) {
            String[] parts = name.split("_");
            if (parts.length < 3 || parts[1].length() != 2) {
                throw new IllegalArgumentException("shape '" + name + "' is not role_TT_MxNxK[_bBATCH]");
            }
            String[] dims = parts[2].split("x");
            int batch = parts.length > 3 ? Integer.parseInt(parts[3].substring(1)) : 1;
            return new GemmShape(parts[1].charAt(0) == 'T', parts[1].charAt(1) == 'T',
                    Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]), batch);
        }

        int lda() {
            return transA ? m : k;
        }

        int ldb() {
            return transB ? k : n;
        }

        int ldc() {
            return n;
        }

        long strideA() {
            return (long) m * k;
        }

        long strideB() {
            return (long) k * n;
        }

        long strideC() {
            return (long) m * n;
        }

        double flops() {
            return 2.0 * m * n * k * batch;
        }
    }
}
