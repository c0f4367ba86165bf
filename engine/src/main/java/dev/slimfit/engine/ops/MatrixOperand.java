package dev.slimfit.engine.ops;

import dev.slimfit.engine.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * How a tensor [..., rows, cols] is handed to GEMM without copying: row-major with leading dimension {@code ld}, or
 * column-major (then GEMM's transpose flag is set). Its batch dimensions merge into at most two strides: {@code batch}
 * matrices {@code batchStride} apart, repeated {@code outer} times {@code outerStride} apart — attention's heads
 * split from [B, S, H·d] are H matrices d apart, B times S·H·d apart. Views that fit neither form are made
 * contiguous first.
 */
record MatrixOperand(MemorySegment base, int ld, boolean transposed, long batchStride, int batch, long outerStride,
                     int outer) {

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
        // batch dimensions merge into a run while stride[i] == stride[i+1]·dims[i+1] (over dims of size > 1); a
        // second run becomes the outer level, a third needs a copy
        long[] runStride = new long[2];
        int[] runCount = {1, 1};
        int run = 0;
        long expected = -1;
        for (int d = rank - 3; d >= 0; d--) {
            if (dims[d] == 1) {
                continue;
            }
            if (expected < 0) {
                runStride[run] = strides[d];
            } else if (strides[d] != expected) {
                if (++run == runStride.length) {
                    return null;
                }
                runStride[run] = strides[d];
            }
            expected = strides[d] * dims[d];
            runCount[run] *= dims[d];
        }
        return new MatrixOperand(t.baseSegment(), (int) ld, transposed, runStride[0], runCount[0], runStride[1],
                runCount[1]);
    }

    /** Matrices in all: {@code batch · outer}. */
    long count() {
        return (long) batch * outer;
    }

    /**
     * Whether this operand can be walked as groups of {@code inner} matrices one {@link #batchStride} apart: always
     * when its batch is one run (groups then lie {@code inner · batchStride} apart), else only for its own split.
     */
    boolean splitsInto(int inner) {
        return outer == 1 ? batch % inner == 0 : batch == inner;
    }

    /** Elements between consecutive groups of {@code inner} matrices (given {@link #splitsInto}). */
    long groupStride(int inner) {
        return outer == 1 ? batchStride * inner : outerStride;
    }
}
