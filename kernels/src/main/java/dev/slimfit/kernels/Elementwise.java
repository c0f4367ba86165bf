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

    /**
     * Copies between two strided views: for every index tuple {@code i} of {@code shape},
     * {@code dst[Σ i_d·dstStrides[d]] = src[Σ i_d·srcStrides[d]]}. Destination elements must not overlap (no zero
     * destination stride over a dimension of size > 1). This default runs one contiguous-destination copy per
     * innermost row (per element when the destination's innermost stride is not 1); implementations may do better.
     */
    default void copyStridedToStrided(long[] shape, long[] srcStrides, MemorySegment src, long[] dstStrides,
                                      MemorySegment dst, int elementBytes) {
        int rank = shape.length;
        if (rank == 0) {
            copyStrided(shape, srcStrides, src, dst, elementBytes);
            return;
        }
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        boolean innerContiguous = dstStrides[rank - 1] == 1;
        long runLength = innerContiguous ? shape[rank - 1] : 1;
        int outerRank = innerContiguous ? rank - 1 : rank;
        long[] index = new long[outerRank];
        long runs = total / runLength;
        for (long run = 0; run < runs; run++) {
            long srcOffset = 0;
            long dstOffset = 0;
            for (int d = 0; d < outerRank; d++) {
                srcOffset += index[d] * srcStrides[d];
                dstOffset += index[d] * dstStrides[d];
            }
            long[] rowShape = {runLength};
            long[] rowStrides = {innerContiguous ? srcStrides[rank - 1] : 1};
            copyStrided(rowShape, rowStrides, src.asSlice(srcOffset * elementBytes),
                    dst.asSlice(dstOffset * elementBytes, runLength * elementBytes), elementBytes);
            for (int d = outerRank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }
}
