package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Gemm;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Gemm}. */
public final class CpuGemm implements Gemm {

    private final Parallel parallel;

    public CpuGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        throw new UnsupportedOperationException("CpuGemm.gemm not implemented yet");
    }

    @Override
    public void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB, float beta, MemorySegment c, int ldc, long strideC, int batch) {
        throw new UnsupportedOperationException("CpuGemm.gemmStridedBatched not implemented yet");
    }
}
