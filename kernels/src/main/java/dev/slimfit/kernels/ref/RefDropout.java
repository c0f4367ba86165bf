package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Dropout;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Dropout}. */
public final class RefDropout implements Dropout {

    @Override
    public void forward(long n, float p, long seed, long offset, MemorySegment x, MemorySegment y) {
        throw new UnsupportedOperationException("RefDropout.forward not implemented yet");
    }

    @Override
    public void backward(long n, float p, long seed, long offset, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("RefDropout.backward not implemented yet");
    }
}
