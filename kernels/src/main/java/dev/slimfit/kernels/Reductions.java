package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Sum, mean and max of float32 data: over a whole buffer (one float written to {@code out[0]}), over the last
 * dimension of a {@code rows × cols} matrix ({@code rows} floats) or over its first dimension ({@code cols}
 * floats, e.g. a bias gradient). Sums accumulate with more precision than float32 (double, or float lanes combined
 * in double). The max of nothing is −∞; the mean of nothing is NaN, as 0/0.
 */
public interface Reductions {

    void sum(long n, MemorySegment x, MemorySegment out);

    void mean(long n, MemorySegment x, MemorySegment out);

    void max(long n, MemorySegment x, MemorySegment out);

    void sumLastDim(int rows, int cols, MemorySegment x, MemorySegment out);

    void meanLastDim(int rows, int cols, MemorySegment x, MemorySegment out);

    void maxLastDim(int rows, int cols, MemorySegment x, MemorySegment out);

    void sumFirstDim(int rows, int cols, MemorySegment x, MemorySegment out);
}
