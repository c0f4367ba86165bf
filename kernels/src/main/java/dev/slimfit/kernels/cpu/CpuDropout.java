package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Dropout;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Dropout}. */
public final class CpuDropout implements Dropout {

    private final Parallel parallel;

    public CpuDropout(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(long n, float p, long seed, long offset, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("CpuDropout.forward not implemented yet");
    }

    @Override
    public void backward(long n, float p, long seed, long offset, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("CpuDropout.backward not implemented yet");
    }
}
