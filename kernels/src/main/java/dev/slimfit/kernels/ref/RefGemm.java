package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Gemm;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Gemm}. */
public final class RefGemm implements Gemm {

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        throw new UnsupportedOperationException("RefGemm.gemm not implemented yet");
    }

    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB, float beta, MemorySegment c, int ldc, long strideC, int batch) {
        throw new UnsupportedOperationException("RefGemm.gemmStridedBatched not implemented yet");
    }
}
