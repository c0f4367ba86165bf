package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Single-precision matrix multiply on row-major matrices, as {@code cblas_sgemm(CblasRowMajor, ...)}:
 * {@code C = alpha·op(A)·op(B) + beta·C} with C of size m×n, op(A) m×k and op(B) k×n, where {@code op(X) = Xᵀ} when
 * the matching {@code trans} flag is set. {@code lda}, {@code ldb}, {@code ldc} are the row strides (in elements) of
 * A, B and C as stored. When {@code beta == 0}, C is not read (NaNs in C do not propagate), as in BLAS; when
 * {@code alpha == 0} or {@code k == 0}, A and B are not read and C becomes {@code beta·C}. Implementations check the
 * arguments with {@link GemmArguments#check}.
 */
public interface Gemm {

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              MemorySegment a, int lda, MemorySegment b, int ldb,
              float beta, MemorySegment c, int ldc);

    /**
     * {@code batch} independent products; matrix {@code i} of A starts {@code i·strideA} elements after A's start
     * (likewise B and C). A stride of 0 broadcasts one matrix over the batch.
     */
    void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            MemorySegment a, int lda, long strideA,
                            MemorySegment b, int ldb, long strideB,
                            float beta, MemorySegment c, int ldc, long strideC, int batch);

    /**
     * {@code groups × batch} independent products in two levels, such as attention's heads (inner) within examples
     * (groups) read in place from a {@code [examples, seq, heads·d]} layout that no single stride describes: product
     * {@code (g, i)} of A starts {@code g·groupStrideA + i·strideA} elements after A's start (likewise B and C).
     * By default one {@link #gemmStridedBatched} per group; a provider where each call costs a launch overrides it
     * with one call for all of them.
     */
    default void gemmGroupedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    MemorySegment a, int lda, long strideA, long groupStrideA,
                                    MemorySegment b, int ldb, long strideB, long groupStrideB,
                                    float beta, MemorySegment c, int ldc, long strideC, long groupStrideC,
                                    int batch, int groups) {
        for (int g = 0; g < groups; g++) {
            gemmStridedBatched(transA, transB, m, n, k, alpha, floatsFrom(a, g * groupStrideA), lda, strideA,
                    floatsFrom(b, g * groupStrideB), ldb, strideB, beta, floatsFrom(c, g * groupStrideC), ldc, strideC,
                    batch);
        }
    }

    /** {@code segment} from float element {@code offset} on. */
    static MemorySegment floatsFrom(MemorySegment segment, long offset) {
        return offset == 0 ? segment : segment.asSlice(offset * Float.BYTES);
    }
}
