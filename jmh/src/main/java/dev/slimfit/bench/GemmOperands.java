package dev.slimfit.bench;

import dev.slimfit.kernels.Gemm;
import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.kernels.cpu.NativeMemory;
import org.bytedeco.javacpp.FloatPointer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The native A, B and C of one {@link GemmShape} (uniform values in [-1, 1): finite, non-zero, so no denormal or zero
 * shortcuts), and calls of ours or OpenBLAS on them. Freed by {@link #close()}.
 */
final class GemmOperands implements AutoCloseable {

    /** Products spot-checked after a first call, so that a wrong binding cannot produce fast numbers. */
    private static final int CHECKED_ENTRIES = 32;

    private final GemmShape shape;
    private final MemorySegment a;
    private final MemorySegment b;
    private final MemorySegment c;

    GemmOperands(GemmShape shape) {
        this.shape = shape;
        this.a = randomMatrix(shape.strideA() * shape.batch(), 1);
        this.b = randomMatrix(shape.strideB() * shape.batch(), 2);
        this.c = randomMatrix(shape.strideC() * shape.batch(), 3);
    }

    /**
     * C = A·B by {@code impl} ({@code slimfit}: our CPU kernels; {@code openblas}: cblas_sgemm) on {@code threads}
     * threads. OpenBLAS's thread count is global to its library: set again before each call, so that calls of
     * different thread counts can alternate.
     */
    Runnable call(String impl, int threads) {
        return switch (impl) {
            case "slimfit" -> slimfitCall(new CpuKernels(threads).gemm());
            case "openblas" -> {
                Runnable call = openBlasCall();
                yield () -> {
                    OpenBlasGemm.setThreads(threads);
                    call.run();
                };
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl + " (slimfit or openblas)");
        };
    }

    /** Checks entries of C (after a call) against dot products in double; {@code who} names the call in the error. */
    void verifySomeEntries(String who) {
        GemmShape s = shape;
        SplittableRandom random = new SplittableRandom(42);
        for (int check = 0; check < CHECKED_ENTRIES; check++) {
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
                throw new IllegalStateException(who + ": C[" + matrix + "][" + i + "][" + j + "] = " + actual
                        + ", expected " + dot);
            }
        }
    }

    @Override
    public void close() {
        NativeMemory.INSTANCE.free(a);
        NativeMemory.INSTANCE.free(b);
        NativeMemory.INSTANCE.free(c);
    }

    private Runnable slimfitCall(Gemm gemm) {
        GemmShape s = shape;
        if (s.batch() == 1) {
            return () -> gemm.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, s.lda(), b, s.ldb(), 0f, c,
                    s.ldc());
        }
        return () -> gemm.gemmStridedBatched(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f,
                a, s.lda(), s.strideA(), b, s.ldb(), s.strideB(), 0f, c, s.ldc(), s.strideC(), s.batch());
    }

    private Runnable openBlasCall() {
        GemmShape s = shape;
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

    private static MemorySegment randomMatrix(long floats, long seed) {
        MemorySegment segment = NativeMemory.INSTANCE.allocate(floats * Float.BYTES);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < floats; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (2 * random.nextDouble() - 1));
        }
        return segment;
    }
}
