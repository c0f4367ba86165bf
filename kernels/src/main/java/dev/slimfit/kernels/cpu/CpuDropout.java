package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Dropout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;
import static dev.slimfit.kernels.cpu.VectorLoops.LANES;
import static dev.slimfit.kernels.cpu.VectorLoops.MIN_ELEMENTS_PER_THREAD;
import static dev.slimfit.kernels.cpu.VectorLoops.ORDER;

/**
 * {@link Dropout} on the CPU. Each thread walks its chunk in tiles: {@link PhiloxStream} writes one keep-bit per
 * element of the tile, set when the top 24 bits k of its Philox word satisfy {@code k ≥ ⌈p·2²⁴⌉} (exactly the
 * reference's {@code k·2⁻²⁴ ≥ p}: p·2²⁴ is exact for a float p and k is an integer), then a vector pass turns
 * each vector's bits into a lane mask, scales the kept elements and zeroes the others. Dropped elements are zeroed
 * by a blend, not a multiplication, so a dropped inf or NaN becomes 0 as in the reference.
 */
public final class CpuDropout implements Dropout {

    /** Elements per tile: a multiple of 64 (whole words of keep-bits) and of every vector length. */
    private static final int TILE = 4096;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final Parallel parallel;

    public CpuDropout(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(long n, float p, long seed, long offset, MemorySegment x, MemorySegment y) {
        apply("CpuDropout.forward", n, p, seed, offset, x, y);
    }

    @Override
    public void backward(long n, float p, long seed, long offset, MemorySegment dy, MemorySegment dx) {
        apply("CpuDropout.backward", n, p, seed, offset, dy, dx);
    }

    private void apply(String kernel, long n, float p, long seed, long offset, MemorySegment in, MemorySegment out) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(kernel + ": drop probability must be in [0, 1), got " + p);
        }
        if (p == 0) {
            parallel.forRange(n * Float.BYTES, MIN_ELEMENTS_PER_THREAD * Float.BYTES,
                    (start, end) -> MemorySegment.copy(in, start, out, start, end - start));
            return;
        }
        int threshold = (int) Math.ceil(p * 0x1p24); // p·2²⁴ is exact: p is a float
        float scale = (float) (1 / (1 - (double) p));
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long[] keep = new long[TILE / Long.SIZE];
            for (long tileStart = start; tileStart < end; tileStart += TILE) {
                int count = (int) Math.min(TILE, end - tileStart);
                PhiloxStream.keepBits(seed, offset + tileStart, count, threshold, keep);
                applyTile(tileStart, count, keep, scale, in, out);
            }
        });
    }

    /** Vector j's lanes take bits j..j+LANES−1 of the tile: LANES divides 64, so they never straddle two words. */
    private static void applyTile(long first, int count, long[] keep, float scale, MemorySegment in,
                                  MemorySegment out) {
        FloatVector zero = FloatVector.zero(FLOATS);
        int j = 0;
        for (int bound = FLOATS.loopBound(count); j < bound; j += LANES) {
            long offset = (first + j) * Float.BYTES;
            VectorMask<Float> kept = VectorMask.fromLong(FLOATS, keep[j >>> 6] >>> (j & 63));
            FloatVector scaled = FloatVector.fromMemorySegment(FLOATS, in, offset, ORDER).mul(scale);
            zero.blend(scaled, kept).intoMemorySegment(out, offset, ORDER);
        }
        for (; j < count; j++) {
            long i = first + j;
            boolean kept = (keep[j >>> 6] >>> (j & 63) & 1) != 0;
            out.setAtIndex(FLOAT, i, kept ? in.getAtIndex(FLOAT, i) * scale : 0f);
        }
    }
}
