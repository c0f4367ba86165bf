package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Elementwise;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Elementwise}. */
public final class CpuElementwise implements Elementwise {

    private final Parallel parallel;

    public CpuElementwise(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void add(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        throw new UnsupportedOperationException("CpuElementwise.add not implemented yet");
    }

    @Override
    public void mul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        throw new UnsupportedOperationException("CpuElementwise.mul not implemented yet");
    }

    @Override
    public void scale(long n, float alpha, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuElementwise.scale not implemented yet");
    }

    @Override
    public void axpy(long n, float alpha, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("CpuElementwise.axpy not implemented yet");
    }

    @Override
    public void fill(long n, float value, MemorySegment out) {
        throw new UnsupportedOperationException("CpuElementwise.fill not implemented yet");
    }

    @Override
    public void addBias(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment out) {
        throw new UnsupportedOperationException("CpuElementwise.addBias not implemented yet");
    }

    @Override
    public void biasResidual(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment residual, MemorySegment out) {
        throw new UnsupportedOperationException("CpuElementwise.biasResidual not implemented yet");
    }

    @Override
    public void copyStrided(long[] shape, long[] srcStrides, MemorySegment src, MemorySegment dst, int elementBytes) {
        throw new UnsupportedOperationException("CpuElementwise.copyStrided not implemented yet");
    }
}
