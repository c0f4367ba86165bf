package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Gemm;
import dev.slimfit.kernels.GemmArguments;

import java.lang.foreign.MemorySegment;

import static dev.slimfit.kernels.cpu.GemmBlocking.MC;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * Blocked, packed, register-tiled SGEMM (see {@link GemmLoops}). One product is shared by the threads in MC-row blocks
 * of C handed out dynamically, after they pack each panel of B together; a product too short for that is split into
 * column ranges instead. A strided batch with at least as many products as threads gives whole products to each
 * thread.
 */
public final class CpuGemm implements Gemm {

    /**
     * Smallest share of a product worth a thread: about 50 µs of work at the ~80 GFLOP/s one core reaches, well
     * above the cost of waking a worker.
     */
    private static final long MIN_FLOPS_PER_THREAD = 4L << 20;

    /** Runs loops inline: for products that a thread computes alone. */
    private static final Parallel SERIAL = Parallel.withThreads(1);

    private final Parallel parallel;

    public CpuGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, int lda, MemorySegment b, int ldb,
                     float beta, MemorySegment c, int ldc) {
        GemmArguments.check("CpuGemm.gemm", transA, transB, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0, 1);
        product(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc, true);
    }

    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   MemorySegment a, int lda, long strideA,
                                   MemorySegment b, int ldb, long strideB,
                                   float beta, MemorySegment c, int ldc, long strideC, int batch) {
        GemmArguments.check("CpuGemm.gemmStridedBatched", transA, transB, m, n, k,
                a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batch);
        if (batch >= parallel.threads() && parallel.threads() > 1) {
            long flopsPerProduct = 2L * m * n * Math.max(k, 1);
            long minProducts = Math.max(1, MIN_FLOPS_PER_THREAD / Math.max(1, flopsPerProduct));
            parallel.forRange(batch, minProducts, (first, end) -> {
                for (long i = first; i < end; i++) {
                    product(transA, transB, m, n, k, alpha, a, i * strideA, lda, b, i * strideB, ldb,
                            beta, c, i * strideC, ldc, false);
                }
            });
        } else {
            for (int i = 0; i < batch; i++) {
                product(transA, transB, m, n, k, alpha, a, i * strideA, lda, b, i * strideB, ldb,
                        beta, c, i * strideC, ldc, true);
            }
        }
    }

    /** One product; {@code splitOverThreads} is false when the caller already runs products in parallel. */
    private void product(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOrigin, int lda, MemorySegment b, long bOrigin, int ldb,
                         float beta, MemorySegment c, long cOrigin, int ldc, boolean splitOverThreads) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            GemmLoops.scale(m, n, beta, c, cOrigin, ldc);
            return;
        }
        long flops = 2L * m * n * k;
        if (!splitOverThreads || parallel.threads() == 1 || flops < 2 * MIN_FLOPS_PER_THREAD) {
            GemmLoops.multiply(SERIAL, transA, transB, m, n, k, alpha, a, aOrigin, lda, b, bOrigin, ldb,
                    beta, c, cOrigin, ldc);
        } else if (GemmPacking.ceilDiv(m, MC) >= parallel.threads()) {
            GemmLoops.multiply(parallel, transA, transB, m, n, k, alpha, a, aOrigin, lda, b, bOrigin, ldb,
                    beta, c, cOrigin, ldc);
        } else {
            // too few row blocks to share: each thread takes whole register-tile columns
            int units = GemmPacking.ceilDiv(n, NR);
            long minUnits = Math.max(1, MIN_FLOPS_PER_THREAD / (2L * NR * m * k));
            parallel.forRange(units, minUnits, (first, end) -> {
                int column = (int) first * NR;
                int columns = Math.min(n, (int) end * NR) - column;
                long bShare = transB ? bOrigin + (long) column * ldb : bOrigin + column;
                GemmLoops.multiply(SERIAL, transA, transB, m, columns, k, alpha, a, aOrigin, lda, b, bShare, ldb,
                        beta, c, cOrigin + column, ldc);
            });
        }
    }
}
