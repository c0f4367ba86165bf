package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.LayerNorm;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link LayerNorm}. */
public final class CpuLayerNorm implements LayerNorm {

    private final Parallel parallel;

    public CpuLayerNorm(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(int rows, int cols, float eps, MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment y, MemorySegment mean, MemorySegment rstd) {
        throw new UnsupportedOperationException("CpuLayerNorm.forward not implemented yet");
    }

    @Override
    public void backward(int rows, int cols, MemorySegment x, MemorySegment mean, MemorySegment rstd, MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta) {
        throw new UnsupportedOperationException("CpuLayerNorm.backward not implemented yet");
    }

    @Override
    public void backwardFromNormalized(int rows, int cols, MemorySegment xhat, MemorySegment rstd, MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta) {
        throw new UnsupportedOperationException("CpuLayerNorm.backwardFromNormalized not implemented yet");
    }
}
