package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Gemm;
import dev.slimfit.kernels.GemmArguments;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The textbook triple loop: every element of C is one dot product accumulated in double, then
 * {@code alpha·dot + beta·C} rounded once to float. As in BLAS, C is not read when {@code beta == 0}, and A and B are
 * not read when {@code alpha == 0} or {@code k == 0} (C becomes {@code beta·C}).
 */
public final class RefGemm implements Gemm {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, int lda, MemorySegment b, int ldb,
                     float beta, MemorySegment c, int ldc) {
        GemmArguments.check("RefGemm.gemm", transA, transB, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0, 1);
        multiply(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
    }

    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   MemorySegment a, int lda, long strideA,
                                   MemorySegment b, int ldb, long strideB,
                                   float beta, MemorySegment c, int ldc, long strideC, int batch) {
        GemmArguments.check("RefGemm.gemmStridedBatched", transA, transB, m, n, k,
                a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batch);
        for (int i = 0; i < batch; i++) {
            multiply(transA, transB, m, n, k, alpha, a, i * strideA, lda, b, i * strideB, ldb,
                    beta, c, i * strideC, ldc);
        }
    }

    /** One product; {@code a0}, {@code b0}, {@code c0} are the element offsets of the matrices. */
    private static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 MemorySegment a, long a0, int lda, MemorySegment b, long b0, int ldb,
                                 float beta, MemorySegment c, long c0, int ldc) {
        boolean readsProduct = alpha != 0 && k > 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double product = 0;
                if (readsProduct) {
                    double dot = 0;
                    for (int p = 0; p < k; p++) {
                        dot += (double) opA(a, a0, lda, transA, i, p) * opB(b, b0, ldb, transB, p, j);
                    }
                    product = alpha * dot;
                }
                long cIndex = c0 + (long) i * ldc + j;
                double previous = beta == 0 ? 0 : (double) beta * c.getAtIndex(FLOAT, cIndex);
                c.setAtIndex(FLOAT, cIndex, (float) (product + previous));
            }
        }
    }

    /** Element (i, p) of op(A), which is m×k. */
    private static float opA(MemorySegment a, long a0, int lda, boolean transA, int i, int p) {
        return a.getAtIndex(FLOAT, transA ? a0 + (long) p * lda + i : a0 + (long) i * lda + p);
    }

    /** Element (p, j) of op(B), which is k×n. */
    private static float opB(MemorySegment b, long b0, int ldb, boolean transB, int p, int j) {
        return b.getAtIndex(FLOAT, transB ? b0 + (long) j * ldb + p : b0 + (long) p * ldb + j);
    }
}
