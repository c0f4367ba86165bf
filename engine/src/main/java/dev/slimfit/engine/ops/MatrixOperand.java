package dev.slimfit.engine.ops;

import dev.slimfit.engine.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * How a tensor [..., rows, cols] is handed to GEMM without copying: row-major with leading dimension {@code ld}, or
 * column-major (then GEMM's transpose flag is set), with one stride between the matrices of its batch dimensions.
 * Views that are neither (or whose batch dimensions cannot be merged into one stride) have no operand form and are
 * made contiguous first.
 */
record MatrixOperand(MemorySegment base, int ld, boolean transposed, long batchStride, int batch) {

    /** The operand form of {@code t}, or null when its layout needs a copy. */
    static MatrixOperand of(Tensor t) {
        int rank = t.rank();
        int[] dims = t.dims();
        long[] strides = t.strides();
        int rows = dims[rank - 2];
        int cols = dims[rank - 1];
        long rowStride = strides[rank - 2];
        long colStride = strides[rank - 1];
        long ld;
        boolean transposed;
        if ((cols <= 1 || colStride == 1) && (rows <= 1 || rowStride >= Math.max(cols, 1))) {
            transposed = false;
            ld = rows <= 1 ? Math.max(cols, 1) : rowStride;
        } else if ((rows <= 1 || rowStride == 1) && (cols <= 1 || colStride >= Math.max(rows, 1))) {
            transposed = true;
            ld = cols <= 1 ? Math.max(rows, 1) : colStride;
        } else {
            return null;
        }
        if (ld > Integer.MAX_VALUE) {
            return null;
        }
        // batch dimensions must merge into one stride: stride[i] == stride[i+1]·dims[i+1] over dims of size > 1
        int batch = 1;
        long batchStride = 0;
        long expected = -1;
        for (int d = rank - 3; d >= 0; d--) {
            if (dims[d] == 1) {
                continue;
            }
            if (expected < 0) {
                batchStride = strides[d];
            } else if (strides[d] != expected) {
                return null;
            }
            expected = strides[d] * dims[d];
            batch *= dims[d];
        }
        return new MatrixOperand(t.baseSegment(), (int) ld, transposed, batchStride, batch);
    }
}
