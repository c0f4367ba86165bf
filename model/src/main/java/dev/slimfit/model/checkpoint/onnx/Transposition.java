package dev.slimfit.model.checkpoint.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Copies a row-major float matrix into its transpose, tile by tile so that both sides stay in cache. */
final class Transposition {

    /** Side of a square tile: 32 × 32 floats are 4 KiB per side, well inside L1. */
    private static final int TILE = 32;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Transposition() {
    }

    /** {@code target[c][r] = source[r][c]} for a {@code rows × cols} source. */
    static void transpose(MemorySegment source, long rows, long cols, MemorySegment target) {
        for (long r0 = 0; r0 < rows; r0 += TILE) {
            long r1 = Math.min(rows, r0 + TILE);
            for (long c0 = 0; c0 < cols; c0 += TILE) {
                long c1 = Math.min(cols, c0 + TILE);
                for (long r = r0; r < r1; r++) {
                    for (long c = c0; c < c1; c++) {
                        target.setAtIndex(FLOAT, c * rows + r, source.getAtIndex(FLOAT, r * cols + c));
                    }
                }
            }
        }
    }
}
