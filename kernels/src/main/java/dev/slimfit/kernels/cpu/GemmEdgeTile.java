package dev.slimfit.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * Merges an edge tile (fewer than MR rows or NR columns inside C) into C element by element: {@code C = tile + beta·C},
 * C not read when beta is 0. Whole tiles are merged by {@link GemmMicroKernel} itself.
 */
final class GemmEdgeTile {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private GemmEdgeTile() {
    }

    /**
     * {@code tile} holds the tile row-major with NR floats per row; {@code origin} is the element index of its
     * top-left element in C.
     */
    static void merge(float[] tile, MemorySegment c, long origin, int ldc, int rows, int cols, float beta) {
        for (int r = 0; r < rows; r++) {
            long row = origin + (long) r * ldc;
            for (int j = 0; j < cols; j++) {
                float sum = tile[r * NR + j];
                if (beta != 0f) {
                    sum += beta * c.getAtIndex(FLOAT, row + j);
                }
                c.setAtIndex(FLOAT, row + j, sum);
            }
        }
    }
}
