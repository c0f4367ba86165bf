package dev.slimfit.kernels.cuda;

import java.util.Arrays;

/**
 * A strided copy's dimensions after simplification, as the kernels' {@code slimfit::StridedLayout} struct receives
 * them: size-1 dimensions dropped and neighbours merged where both sides' strides allow it, so that most copies reach
 * the kernel with one or two dimensions. Rank 0 (a scalar) becomes one dimension of extent 1.
 */
record StridedLayout(long[] shape, long[] srcStrides, long[] dstStrides) {

    /** The most dimensions the kernel takes (the contract's rank limit). */
    static final int MAX_RANK = 8;
    /** rank, shape[8], src_strides[8], dst_strides[8], as int64. */
    static final int BYTES = (1 + 3 * MAX_RANK) * Long.BYTES;

    /**
     * Simplifies a copy of {@code shape} from {@code srcStrides} to {@code dstStrides} (null: contiguous row-major
     * destination). Returns null when the copy is empty.
     *
     * @throws IllegalArgumentException when more than {@link #MAX_RANK} dimensions remain after merging
     */
    static StridedLayout simplify(String kernel, long[] shape, long[] srcStrides, long[] dstStrides) {
        long[] dst = dstStrides != null ? dstStrides : contiguousStrides(shape);
        int rank = shape.length;
        long[] outShape = new long[Math.max(1, rank)];
        long[] outSrc = new long[outShape.length];
        long[] outDst = new long[outShape.length];
        int kept = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 0) {
                return null;
            }
            if (shape[d] == 1) {
                continue; // contributes no offset
            }
            if (kept > 0 && outSrc[kept - 1] == shape[d] * srcStrides[d] && outDst[kept - 1] == shape[d] * dst[d]) {
                // the previous dimension steps exactly over this one on both sides: one longer dimension
                outShape[kept - 1] *= shape[d];
                outSrc[kept - 1] = srcStrides[d];
                outDst[kept - 1] = dst[d];
                continue;
            }
            outShape[kept] = shape[d];
            outSrc[kept] = srcStrides[d];
            outDst[kept] = dst[d];
            kept++;
        }
        if (kept == 0) { // a scalar, or only size-1 dimensions: one element
            return new StridedLayout(new long[] {1}, new long[] {0}, new long[] {0});
        }
        if (kept > MAX_RANK) {
            throw new IllegalArgumentException(kernel + ": " + kept + " dimensions remain after merging "
                    + Arrays.toString(shape) + "; the CUDA copy takes at most " + MAX_RANK);
        }
        return new StridedLayout(Arrays.copyOf(outShape, kept), Arrays.copyOf(outSrc, kept),
                Arrays.copyOf(outDst, kept));
    }

    int rank() {
        return shape.length;
    }

    long elements() {
        long count = 1;
        for (long extent : shape) {
            count *= extent;
        }
        return count;
    }

    long innerExtent() {
        return shape[shape.length - 1];
    }

    /** The struct's 25 int64 fields: rank, shape, source strides, destination strides (unused entries 0). */
    long[] packed() {
        long[] fields = new long[1 + 3 * MAX_RANK];
        fields[0] = rank();
        for (int d = 0; d < rank(); d++) {
            fields[1 + d] = shape[d];
            fields[1 + MAX_RANK + d] = srcStrides[d];
            fields[1 + 2 * MAX_RANK + d] = dstStrides[d];
        }
        return fields;
    }

    private static long[] contiguousStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }
}
