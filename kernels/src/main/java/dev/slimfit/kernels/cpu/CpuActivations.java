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

    /** Below this |x| tanh uses its Taylor series (coefficients of x³ … x¹³ below). */
    private static final float TANH_SERIES_LIMIT = 0.3f;
    private static final float TANH_C3 = (float) (-1.0 / 3);
    private static final float TANH_C5 = (float) (2.0 / 15);
    private static final float TANH_C7 = (float) (-17.0 / 315);
    private static final float TANH_C9 = (float) (62.0 / 2835);
    private static final float TANH_C11 = (float) (-1382.0 / 155925);
    private static final float TANH_C13 = (float) (21844.0 / 6081075);

    /** Elements per GELU tile: 4 KiB of φ scratch, so the second pass reads it from L1. */
    private static final int TILE = 1024;

    private final Parallel parallel;

    public CpuActivations(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void geluForward(long n, MemorySegment x, MemorySegment y) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            float[] density = new float[TILE];
            for (long tile = start; tile < end; tile += TILE) {
                int count = (int) Math.min(TILE, end - tile);
                densityPass(x, tile, count, density);
                int j = 0;
                for (int bound = FLOATS.loopBound(count); j < bound; j += LANES) {
                    long offset = (tile + j) * Float.BYTES;
                    gelu(load(x, offset), FloatVector.fromArray(FLOATS, density, j))
                            .intoMemorySegment(y, offset, ORDER);
                }
                if (j < count) {
                    VectorMask<Float> inRange = FLOATS.indexInRange(j, count);
                    long offset = (tile + j) * Float.BYTES;
                    gelu(load(x, offset, inRange), FloatVector.fromArray(FLOATS, density, j))
                            .intoMemorySegment(y, offset, ORDER, inRange);
                }
            }
        });
    }

    @Override
    public void geluBackward(long n, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            float[] density = new float[TILE];
            for (long tile = start; tile < end; tile += TILE) {
                int count = (int) Math.min(TILE, end - tile);
                densityPass(x, tile, count, density);
                int j = 0;
                for (int bound = FLOATS.loopBound(count); j < bound; j += LANES) {
                    long offset = (tile + j) * Float.BYTES;
                    FloatVector derivative = geluDerivative(load(x, offset), FloatVector.fromArray(FLOATS, density, j));
                    load(dy, offset).mul(derivative).intoMemorySegment(dx, offset, ORDER);
                }
                if (j < count) {
                    VectorMask<Float> inRange = FLOATS.indexInRange(j, count);
                    long offset = (tile + j) * Float.BYTES;
                    FloatVector derivative = geluDerivative(load(x, offset, inRange),
                            FloatVector.fromArray(FLOATS, density, j));
                    load(dy, offset, inRange).mul(derivative).intoMemorySegment(dx, offset, ORDER, inRange);
                }
            }
        });
    }

    /**
     * First pass over a tile: φ(x) into {@code density} (whole vectors; lanes past {@code count} hold φ(0)). Φ and
     * φ in one loop body are more Vector API calls than C2 inlines into one compilation; past that limit it stops
     * inlining and every intermediate vector is boxed on the heap, ten times slower. Two passes over an L1-sized
     * tile keep each loop within the limit.
     */
    private static void densityPass(MemorySegment x, long tile, int count, float[] density) {
        int j = 0;
        for (int bound = FLOATS.loopBound(count); j < bound; j += LANES) {
            FloatVector xv = load(x, (tile + j) * Float.BYTES);
            NormalCdfVectors.densityOfClamped(NormalCdfVectors.clampedAbs(xv)).intoArray(density, j);
        }
        if (j < count) {
            FloatVector xv = load(x, (tile + j) * Float.BYTES, FLOATS.indexInRange(j, count));
            NormalCdfVectors.densityOfClamped(NormalCdfVectors.clampedAbs(xv)).intoArray(density, j);
        }
    }

    @Override
    public void tanhForward(long n, MemorySegment x, MemorySegment y) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                tanh(load(x, offset)).intoMemorySegment(y, offset, ORDER);
            }
            if (i < end) {
                VectorMask<Float> inRange = FLOATS.indexInRange(i, end);
                long offset = i * Float.BYTES;
                tanh(load(x, offset, inRange)).intoMemorySegment(y, offset, ORDER, inRange);
            }
        });
    }

    /**
     * tanh in plain arithmetic, so the result is the same before and after the JIT compiles the loop (the Vector API's
     * {@code TANH} intrinsic and its Java fallback differ in the last bits, which made runs differ between JVMs).
     * For |x| ≥ {@value #TANH_SERIES_LIMIT}: sign(x)·(1 − e)/(1 + e) with e = e^(−2|x|) from {@link VectorExp}; below,
     * where 1 − e would cancel, the odd Taylor series to x¹³ (its first omitted term is under 1e-9 relative there).
     */
    private static FloatVector tanh(FloatVector x) {
        FloatVector e = VectorExp.exp(x.abs().mul(-2f));
        FloatVector magnitude = e.neg().add(1f).div(e.add(1f));
        FloatVector large = magnitude.blend(magnitude.neg(), x.compare(VectorOperators.LT, 0f));
        FloatVector x2 = x.mul(x);
        FloatVector series = x2.fma(TANH_C13, TANH_C11).fma(x2, FloatVector.broadcast(FLOATS, TANH_C9))
                .fma(x2, FloatVector.broadcast(FLOATS, TANH_C7)).fma(x2, FloatVector.broadcast(FLOATS, TANH_C5))
                .fma(x2, FloatVector.broadcast(FLOATS, TANH_C3));
        FloatVector small = x.mul(x2).fma(series, x);
        return large.blend(small, x.abs().compare(VectorOperators.LT, TANH_SERIES_LIMIT));
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

    /** x·Φ(x), given φ(x). */
    static FloatVector gelu(FloatVector x, FloatVector density) {
        return x.mul(NormalCdfVectors.distribution(x, NormalCdfVectors.clampedAbs(x), density));
    }

    /** Φ(x) + x·φ(x), given φ(x). */
    static FloatVector geluDerivative(FloatVector x, FloatVector density) {
        return x.fma(density, NormalCdfVectors.distribution(x, NormalCdfVectors.clampedAbs(x), density));
    }

    /** 1 − y², from the tanh output y. */
    private static FloatVector tanhDerivative(FloatVector y) {
        return y.fma(y.neg(), FloatVector.broadcast(FLOATS, 1f));
    }

    private static FloatVector load(MemorySegment segment, long offset) {
        return FloatVector.fromMemorySegment(FLOATS, segment, offset, ORDER);
    }

    private static FloatVector load(MemorySegment segment, long offset, VectorMask<Float> inRange) {
        return FloatVector.fromMemorySegment(FLOATS, segment, offset, ORDER, inRange);
    }
}
