package dev.slimfit.model.checkpoint.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies a row-major float matrix into its transpose, tile by tile: each tile's rows come in with bulk copies, are
 * transposed in a small heap buffer, and go out as bulk copies of the target's rows. This runs about twice as fast
 * as element-wise segment access (MiniLM's 36 weights: ~15 ms instead of ~30 ms).
 */
final class Transposition {

    /** Side of a square tile: two 64 × 64 float buffers are 32 KiB, within L1/L2. */
    private static final int TILE = 64;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Transposition() {
    }

    /** {@code target[c][r] = source[r][c]} for a {@code rows × cols} source. */
    static void transpose(MemorySegment source, int rows, int cols, MemorySegment target) {
        float[] in = new float[TILE * TILE];
        float[] out = new float[TILE * TILE];
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int height = Math.min(TILE, rows - r0);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int width = Math.min(TILE, cols - c0);
                for (int r = 0; r < height; r++) {
                    long from = ((long) (r0 + r) * cols + c0) * Float.BYTES;
                    MemorySegment.copy(source, FLOAT, from, in, r * TILE, width);
                }
                for (int r = 0; r < height; r++) {
                    for (int c = 0; c < width; c++) {
                        out[c * TILE + r] = in[r * TILE + c];
                    }
                }
                for (int c = 0; c < width; c++) {
                    long to = ((long) (c0 + c) * rows + r0) * Float.BYTES;
                    MemorySegment.copy(out, c * TILE, target, FLOAT, to, height);
                }
            }
        }
    }
}
