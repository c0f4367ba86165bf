package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Activations;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Activations}. */
public final class CpuActivations implements Activations {

    private final Parallel parallel;

    public CpuActivations(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void geluForward(long n, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("CpuActivations.geluForward not implemented yet");
    }

    @Override
    public void geluBackward(long n, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("CpuActivations.geluBackward not implemented yet");
    }

    @Override
    public void tanhForward(long n, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("CpuActivations.tanhForward not implemented yet");
    }

    @Override
    public void tanhBackward(long n, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("CpuActivations.tanhBackward not implemented yet");
    }
}
