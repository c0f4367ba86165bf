package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.slimfit.kernels.cpu.GemmBlocking.LANES;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * Merges a finished register tile into C: {@code C = tile + beta·C}, where the first KC block of a product passes
 * the caller's beta and later blocks pass 1 to accumulate. With {@code beta == 0} C is only written, never read, so
 * NaNs already in C do not propagate. Edge tiles (fewer than MR rows or NR columns inside C) are written element by
 * element; whole tiles with vectors.
 */
final class GemmTileWriter {

    private static final VectorSpecies<Float> SPECIES = GemmBlocking.SPECIES;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private GemmTileWriter() {
    }

    /** {@code origin} is the element index of the tile's top-left element of C. */
    static void write(float[] tile, MemorySegment c, long origin, int ldc, int rows, int cols, float beta) {
        if (rows == MR && cols == NR) {
            writeWhole(tile, c, origin, ldc, beta);
        } else {
            writeEdge(tile, c, origin, ldc, rows, cols, beta);
        }
    }

    private static void writeWhole(float[] tile, MemorySegment c, long origin, int ldc, float beta) {
        FloatVector betaVector = FloatVector.broadcast(SPECIES, beta);
        for (int r = 0; r < MR; r++) {
            long rowBytes = (origin + (long) r * ldc) * Float.BYTES;
            for (int v = 0; v < NR; v += LANES) {
                long bytes = rowBytes + (long) v * Float.BYTES;
                FloatVector sum = FloatVector.fromArray(SPECIES, tile, r * NR + v);
                if (beta == 1f) {
                    sum = sum.add(FloatVector.fromMemorySegment(SPECIES, c, bytes, ORDER));
                } else if (beta != 0f) {
                    sum = FloatVector.fromMemorySegment(SPECIES, c, bytes, ORDER).fma(betaVector, sum);
                }
                sum.intoMemorySegment(c, bytes, ORDER);
            }
        }
    }

    private static void writeEdge(float[] tile, MemorySegment c, long origin, int ldc, int rows, int cols,
                                  float beta) {
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
