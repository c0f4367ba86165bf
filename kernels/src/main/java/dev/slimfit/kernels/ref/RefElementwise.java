package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Elementwise;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Elementwise}. */
public final class RefElementwise implements Elementwise {

    @Override
    public void add(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        throw new UnsupportedOperationException("RefElementwise.add not implemented yet");
    }

    @Override
    public void mul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        throw new UnsupportedOperationException("RefElementwise.mul not implemented yet");
    }

    @Override
    public void scale(long n, float alpha, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefElementwise.scale not implemented yet");
    }

    @Override
    public void axpy(long n, float alpha, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("RefElementwise.axpy not implemented yet");
    }

    @Override
    public void fill(long n, float value, MemorySegment out) {
        throw new UnsupportedOperationException("RefElementwise.fill not implemented yet");
    }

    @Override
    public void addBias(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment out) {
        throw new UnsupportedOperationException("RefElementwise.addBias not implemented yet");
    }

    @Override
    public void biasResidual(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment residual, MemorySegment out) {
        throw new UnsupportedOperationException("RefElementwise.biasResidual not implemented yet");
    }

    @Override
    public void copyStrided(long[] shape, long[] srcStrides, MemorySegment src, MemorySegment dst, int elementBytes) {
        throw new UnsupportedOperationException("RefElementwise.copyStrided not implemented yet");
    }
}
