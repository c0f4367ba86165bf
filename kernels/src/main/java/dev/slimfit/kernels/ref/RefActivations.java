package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Activations;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference of {@link Activations} in double: GELU through {@link Erf} (so {@code x·Φ(x)} stays accurate
 * relative to itself far into the negative tail), tanh through {@link Math#tanh}.
 */
public final class RefActivations implements Activations {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public void geluForward(long n, MemorySegment x, MemorySegment y) {
        for (long i = 0; i < n; i++) {
            double xi = x.getAtIndex(FLOAT, i);
            y.setAtIndex(FLOAT, i, (float) (xi * Erf.standardNormalCdf(xi)));
        }
    }

    @Override
    public void geluBackward(long n, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        for (long i = 0; i < n; i++) {
            double xi = x.getAtIndex(FLOAT, i);
            double derivative = Erf.standardNormalCdf(xi) + xi * Erf.standardNormalPdf(xi);
            dx.setAtIndex(FLOAT, i, (float) (dy.getAtIndex(FLOAT, i) * derivative));
        }
    }

    @Override
    public void tanhForward(long n, MemorySegment x, MemorySegment y) {
        for (long i = 0; i < n; i++) {
            y.setAtIndex(FLOAT, i, (float) Math.tanh(x.getAtIndex(FLOAT, i)));
        }
    }

    @Override
    public void tanhBackward(long n, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        for (long i = 0; i < n; i++) {
            double yi = y.getAtIndex(FLOAT, i);
            dx.setAtIndex(FLOAT, i, (float) (dy.getAtIndex(FLOAT, i) * (1 - yi * yi)));
        }
    }
}
