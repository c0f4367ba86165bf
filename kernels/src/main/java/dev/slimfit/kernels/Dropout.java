package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Inverted dropout whose mask is a pure function of {@code (seed, offset + i)} through {@link Philox}, so backward
 * regenerates it instead of storing it, and every device draws the same mask for the same seed and offset.
 * Element {@code i} is kept when {@link Philox#uniform(long, long)}{@code (seed, offset + i) >= p}; kept elements
 * are scaled by {@code 1/(1 − p)}. {@code p} is in [0, 1); {@code p = 0} copies.
 */
public interface Dropout {

    void forward(long n, float p, long seed, long offset, MemorySegment x, MemorySegment y);

    void backward(long n, float p, long seed, long offset, MemorySegment dy, MemorySegment dx);
}
