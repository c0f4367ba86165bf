package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Activations;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Activations}. */
public final class RefActivations implements Activations {

    @Override
    public void geluForward(long n, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("RefActivations.geluForward not implemented yet");
    }

    @Override
    public void geluBackward(long n, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("RefActivations.geluBackward not implemented yet");
    }

    @Override
    public void tanhForward(long n, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("RefActivations.tanhForward not implemented yet");
    }

    @Override
    public void tanhBackward(long n, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("RefActivations.tanhBackward not implemented yet");
    }
}
