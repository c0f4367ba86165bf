package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Dropout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;
import static dev.slimfit.kernels.cpu.VectorLoops.LANES;
import static dev.slimfit.kernels.cpu.VectorLoops.MIN_ELEMENTS_PER_THREAD;
import static dev.slimfit.kernels.cpu.VectorLoops.ORDER;

/**
 * {@link Dropout} on the CPU. Each thread walks its chunk in tiles: {@link PhiloxStream} writes the tile's 24-bit
 * uniform integers k into a scratch array, then a vector pass keeps the elements with {@code k ≥ ⌈p·2²⁴⌉} (the
 * same test as {@code k·2⁻²⁴ ≥ p}, exactly, since both sides are multiples of 2⁻²⁴ in float) and scales them.
 * Dropped elements are set to 0 by a blend, not a multiplication, so a dropped inf or NaN becomes 0 as in the
 * reference.
 */
public final class CpuDropout implements Dropout {

    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** Elements per tile: 8 KiB of scratch, small enough to stay in L1 between the two passes. */
    private static final int TILE = 2048;
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
            int[] uniformBits = new int[TILE];
            for (long tileStart = start; tileStart < end; tileStart += TILE) {
                int count = (int) Math.min(TILE, end - tileStart);
                PhiloxStream.uniformBits(seed, offset + tileStart, count, uniformBits);
                applyTile(tileStart, count, uniformBits, threshold, scale, in, out);
            }
        });
    }

    private static void applyTile(long first, int count, int[] uniformBits, int threshold, float scale,
                                  MemorySegment in, MemorySegment out) {
        FloatVector zero = FloatVector.zero(FLOATS);
        int j = 0;
        for (int bound = FLOATS.loopBound(count); j < bound; j += LANES) {
            long offset = (first + j) * Float.BYTES;
            VectorMask<Float> keep = IntVector.fromArray(INTS, uniformBits, j)
                    .compare(VectorOperators.GE, threshold).cast(FLOATS);
            FloatVector scaled = FloatVector.fromMemorySegment(FLOATS, in, offset, ORDER).mul(scale);
            zero.blend(scaled, keep).intoMemorySegment(out, offset, ORDER);
        }
        for (; j < count; j++) {
            long i = first + j;
            out.setAtIndex(FLOAT, i, uniformBits[j] >= threshold ? in.getAtIndex(FLOAT, i) * scale : 0f);
        }
    }
}
