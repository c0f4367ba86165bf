package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.LayerNorm;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link LayerNorm}. */
public final class RefLayerNorm implements LayerNorm {

    @Override
    public void forward(int rows, int cols, float eps, MemorySegment x, MemorySegment gamma, MemorySegment beta, MemorySegment y, MemorySegment mean, MemorySegment rstd) {
        throw new UnsupportedOperationException("RefLayerNorm.forward not implemented yet");
    }

    @Override
    public void backward(int rows, int cols, MemorySegment x, MemorySegment mean, MemorySegment rstd, MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta) {
        throw new UnsupportedOperationException("RefLayerNorm.backward not implemented yet");
    }

    @Override
    public void backwardFromNormalized(int rows, int cols, MemorySegment xhat, MemorySegment rstd, MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta) {
        throw new UnsupportedOperationException("RefLayerNorm.backwardFromNormalized not implemented yet");
    }
}
