package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Elementwise float32 arithmetic over contiguous buffers, and the strided copy behind {@code contiguous()}.
 * Outputs may alias inputs of the same size (in-place use).
 */
public interface Elementwise {

    /** {@code out = a + b}. */
    void add(long n, MemorySegment a, MemorySegment b, MemorySegment out);

    /** {@code out = a ⊙ b}. */
    void mul(long n, MemorySegment a, MemorySegment b, MemorySegment out);

    /** {@code out = alpha·x}. */
    void scale(long n, float alpha, MemorySegment x, MemorySegment out);

    /** {@code y += alpha·x}: gradient accumulation and residual updates in place. */
    void axpy(long n, float alpha, MemorySegment x, MemorySegment y);

    /** {@code out = value} for every element. */
    void fill(long n, float value, MemorySegment out);

    /** {@code out[r, c] = x[r, c] + bias[c]}, x and out {@code rows × cols}, bias {@code cols}. */
    void addBias(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment out);

    /**
     * The post-projection residual of a transformer layer: {@code out[r, c] = x[r, c] + bias[c] + residual[r, c]}.
     * {@code bias} may be null (no bias).
     */
    void biasResidual(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment residual,
                      MemorySegment out);

    /**
     * Gathers a strided view into a contiguous row-major buffer: for every index tuple {@code i} of {@code shape},
     * {@code dst[rowMajor(i)] = src[Σ i_d·srcStrides[d]]}. Strides are in elements (may be 0 for broadcast);
     * {@code elementBytes} is 1, 2, 4 or 8 (the bytes are copied as they are, whatever they encode).
     */
    void copyStrided(long[] shape, long[] srcStrides, MemorySegment src, MemorySegment dst, int elementBytes);
}
