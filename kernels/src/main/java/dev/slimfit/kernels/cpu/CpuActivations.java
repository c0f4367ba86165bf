package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Activations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;
import static dev.slimfit.kernels.cpu.VectorLoops.LANES;
import static dev.slimfit.kernels.cpu.VectorLoops.MIN_ELEMENTS_PER_THREAD;
import static dev.slimfit.kernels.cpu.VectorLoops.ORDER;

/**
 * {@link Activations} with the Vector API. GELU uses {@link NormalCdfVectors} for Φ and φ; tanh uses the Vector
 * API's TANH. The last partial vector of each chunk is processed as a masked vector rather than by a scalar loop, so
 * that every element goes through the same approximation (a scalar twin of the polynomial would be a second
 * implementation to keep in step).
 */
public final class CpuActivations implements Activations {

    private final Parallel parallel;

    public CpuActivations(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void geluForward(long n, MemorySegment x, MemorySegment y) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                gelu(load(x, offset)).intoMemorySegment(y, offset, ORDER);
            }
            if (i < end) {
                VectorMask<Float> inRange = FLOATS.indexInRange(i, end);
                long offset = i * Float.BYTES;
                gelu(load(x, offset, inRange)).intoMemorySegment(y, offset, ORDER, inRange);
            }
        });
    }

    @Override
    public void geluBackward(long n, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                load(dy, offset).mul(geluDerivative(load(x, offset))).intoMemorySegment(dx, offset, ORDER);
            }
            if (i < end) {
                VectorMask<Float> inRange = FLOATS.indexInRange(i, end);
                long offset = i * Float.BYTES;
                load(dy, offset, inRange).mul(geluDerivative(load(x, offset, inRange)))
                        .intoMemorySegment(dx, offset, ORDER, inRange);
            }
        });
    }

    @Override
    public void tanhForward(long n, MemorySegment x, MemorySegment y) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                load(x, offset).lanewise(VectorOperators.TANH).intoMemorySegment(y, offset, ORDER);
            }
            if (i < end) {
                VectorMask<Float> inRange = FLOATS.indexInRange(i, end);
                long offset = i * Float.BYTES;
                load(x, offset, inRange).lanewise(VectorOperators.TANH).intoMemorySegment(y, offset, ORDER, inRange);
            }
        });
    }

    @Override
    public void tanhBackward(long n, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                load(dy, offset).mul(tanhDerivative(load(y, offset))).intoMemorySegment(dx, offset, ORDER);
            }
            if (i < end) {
                VectorMask<Float> inRange = FLOATS.indexInRange(i, end);
                long offset = i * Float.BYTES;
                load(dy, offset, inRange).mul(tanhDerivative(load(y, offset, inRange)))
                        .intoMemorySegment(dx, offset, ORDER, inRange);
            }
        });
    }

    /** x·Φ(x). */
    static FloatVector gelu(FloatVector x) {
        return x.mul(NormalCdfVectors.distribution(x, NormalCdfVectors.density(x)));
    }

    /** Φ(x) + x·φ(x). */
    static FloatVector geluDerivative(FloatVector x) {
        FloatVector density = NormalCdfVectors.density(x);
        return x.fma(density, NormalCdfVectors.distribution(x, density));
    }

    /** 1 − y², from the tanh output y. */
    private static FloatVector tanhDerivative(FloatVector y) {
        return y.fma(y.neg(), y.broadcast(1f));
    }

    private static FloatVector load(MemorySegment segment, long offset) {
        return FloatVector.fromMemorySegment(FLOATS, segment, offset, ORDER);
    }

    private static FloatVector load(MemorySegment segment, long offset, VectorMask<Float> inRange) {
        return FloatVector.fromMemorySegment(FLOATS, segment, offset, ORDER, inRange);
    }
}
