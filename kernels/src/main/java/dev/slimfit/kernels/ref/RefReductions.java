package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Reductions;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference of {@link Reductions}: sums and means accumulate in double. The max propagates NaN (a NaN
 * anywhere in the reduced range makes the result NaN, as {@code torch.max} does), so a diverged activation cannot
 * hide behind a finite maximum; the max of nothing is −∞.
 */
public final class RefReductions implements Reductions {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public void sum(long n, MemorySegment x, MemorySegment out) {
        out.setAtIndex(FLOAT, 0, (float) sumOf(x, 0, n, 1));
    }

    @Override
    public void mean(long n, MemorySegment x, MemorySegment out) {
        out.setAtIndex(FLOAT, 0, (float) (sumOf(x, 0, n, 1) / n));
    }

    @Override
    public void max(long n, MemorySegment x, MemorySegment out) {
        out.setAtIndex(FLOAT, 0, maxOf(x, 0, n));
    }

    @Override
    public void sumLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        for (int r = 0; r < rows; r++) {
            out.setAtIndex(FLOAT, r, (float) sumOf(x, (long) r * cols, cols, 1));
        }
    }

    @Override
    public void meanLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        for (int r = 0; r < rows; r++) {
            out.setAtIndex(FLOAT, r, (float) (sumOf(x, (long) r * cols, cols, 1) / cols));
        }
    }

    @Override
    public void maxLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        for (int r = 0; r < rows; r++) {
            out.setAtIndex(FLOAT, r, maxOf(x, (long) r * cols, cols));
        }
    }

    @Override
    public void sumFirstDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        for (int c = 0; c < cols; c++) {
            out.setAtIndex(FLOAT, c, (float) sumOf(x, c, rows, cols));
        }
    }

    /** Σ of {@code count} elements starting at {@code first}, {@code stride} elements apart, in double. */
    private static double sumOf(MemorySegment x, long first, long count, long stride) {
        double sum = 0;
        for (long k = 0; k < count; k++) {
            sum += x.getAtIndex(FLOAT, first + k * stride);
        }
        return sum;
    }

    private static float maxOf(MemorySegment x, long first, long count) {
        float max = Float.NEGATIVE_INFINITY;
        for (long k = 0; k < count; k++) {
            float value = x.getAtIndex(FLOAT, first + k);
            if (Float.isNaN(value)) {
                return Float.NaN;
            }
            max = Math.max(max, value);
        }
        return max;
    }
}
