package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Dropout;
import dev.slimfit.kernels.Philox;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference of {@link Dropout}: the definition read literally, one {@link Philox#uniform} call per element
 * (which computes a whole Philox block for each word: slow and obviously right).
 */
public final class RefDropout implements Dropout {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public void forward(long n, float p, long seed, long offset, MemorySegment x, MemorySegment y) {
        apply("RefDropout.forward", n, p, seed, offset, x, y);
    }

    @Override
    public void backward(long n, float p, long seed, long offset, MemorySegment dy, MemorySegment dx) {
        apply("RefDropout.backward", n, p, seed, offset, dy, dx);
    }

    /** Forward and backward are the same map: keep-and-rescale or zero, by the mask of (seed, offset + i). */
    private static void apply(String kernel, long n, float p, long seed, long offset, MemorySegment in,
                              MemorySegment out) {
        checkProbability(kernel, p);
        double keepScale = 1 / (1 - (double) p);
        for (long i = 0; i < n; i++) {
            boolean keep = Philox.uniform(seed, offset + i) >= p;
            double value = keep ? in.getAtIndex(FLOAT, i) * keepScale : 0;
            out.setAtIndex(FLOAT, i, (float) value);
        }
    }

    static void checkProbability(String kernel, float p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(kernel + ": drop probability must be in [0, 1), got " + p);
        }
    }
}
