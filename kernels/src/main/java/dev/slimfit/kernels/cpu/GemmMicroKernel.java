package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.slimfit.kernels.cpu.GemmBlocking.KC;
import static dev.slimfit.kernels.cpu.GemmBlocking.LANES;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * The register tile: an MR×NR block of C (4 rows × 2 vectors) accumulated over kc rank-1 updates, each one vector
 * load pair from the packed B sliver and four broadcasts from the packed A sliver, entirely in registers, then merged
 * into C. The eight accumulators are separate locals (not an array) and the merge is written out in the same method:
 * vectors that cross a call C2 does not inline are boxed, which costs more than the whole tile.
 *
 * <p>Why 4×16 on AVX2: C2 issues every load of an iteration before its FMAs, so the tile needs 8 accumulators + 2 B
 * vectors + 4 broadcasts = 14 of the 16 ymm registers; 5 or 6 rows (the textbook 6×16) spill an accumulator and run
 * at half speed, and unrolling the depth loop by hand spills the same way.
 *
 * <p>Packed layouts (see {@link GemmPacking}): the B sliver holds its kc rows of NR floats one after another; the A
 * sliver holds its MR rows either KC floats apart or interleaved (MR consecutive values per depth step), whichever
 * makes packing a plain copy; both keep the four broadcast addresses at constant offsets from one index.
 */
final class GemmMicroKernel {

    private static final VectorSpecies<Float> SPECIES = GemmBlocking.SPECIES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;

    static {
        if (MR != 4 || NR != 2 * LANES) {
            throw new AssertionError("GemmMicroKernel is written for a 4 × 2-vector tile");
        }
    }

    private GemmMicroKernel() {
    }

    /**
     * Computes {@code Σ_p A[r][p]·B[p][j]} for the MR×NR tile (kc ≥ 1) and merges it into C as {@code C = tile +
     * beta·C} (C not read when beta is 0) at byte offset {@code cOffset} with a row stride of {@code ldcBytes}; when
     * {@code tile} is not null the sums go to it instead (row-major, NR floats per row), for edge tiles that only
     * partly lie inside C.
     */
    static void multiply(float[] packedA, int aOffset, boolean aInterleaved, float[] packedB, int bOffset, int kc,
                         MemorySegment c, long cOffset, long ldcBytes, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES);
        FloatVector c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES);
        FloatVector c31 = FloatVector.zero(SPECIES);
        int b = bOffset;
        if (aInterleaved) {
            // A sliver as MR consecutive values per depth step
            int end = aOffset + kc * MR;
            for (int a = aOffset; a < end; a += MR, b += NR) {
                FloatVector b0 = FloatVector.fromArray(SPECIES, packedB, b);
                FloatVector b1 = FloatVector.fromArray(SPECIES, packedB, b + LANES);
                FloatVector a0 = FloatVector.broadcast(SPECIES, packedA[a]);
                c00 = a0.fma(b0, c00);
                c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(SPECIES, packedA[a + 1]);
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(SPECIES, packedA[a + 2]);
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(SPECIES, packedA[a + 3]);
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
            }
        } else {
            // A sliver as MR rows KC floats apart
            int end = aOffset + kc;
            for (int a = aOffset; a < end; a++, b += NR) {
                FloatVector b0 = FloatVector.fromArray(SPECIES, packedB, b);
                FloatVector b1 = FloatVector.fromArray(SPECIES, packedB, b + LANES);
                FloatVector a0 = FloatVector.broadcast(SPECIES, packedA[a]);
                c00 = a0.fma(b0, c00);
                c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(SPECIES, packedA[a + KC]);
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(SPECIES, packedA[a + 2 * KC]);
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(SPECIES, packedA[a + 3 * KC]);
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
            }
        }
        if (tile != null) {
            c00.intoArray(tile, 0);
            c01.intoArray(tile, LANES);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + LANES);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + LANES);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + LANES);
        } else {
            // written out rather than in helper methods: a helper C2 declines to inline would box all eight vectors
            long row0 = cOffset;
            long row1 = cOffset + ldcBytes;
            long row2 = cOffset + 2 * ldcBytes;
            long row3 = cOffset + 3 * ldcBytes;
            if (beta != 0f) {
                FloatVector betaVector = FloatVector.broadcast(SPECIES, beta);
                c00 = FloatVector.fromMemorySegment(SPECIES, c, row0, ORDER).fma(betaVector, c00);
                c01 = FloatVector.fromMemorySegment(SPECIES, c, row0 + VECTOR_BYTES, ORDER).fma(betaVector, c01);
                c10 = FloatVector.fromMemorySegment(SPECIES, c, row1, ORDER).fma(betaVector, c10);
                c11 = FloatVector.fromMemorySegment(SPECIES, c, row1 + VECTOR_BYTES, ORDER).fma(betaVector, c11);
                c20 = FloatVector.fromMemorySegment(SPECIES, c, row2, ORDER).fma(betaVector, c20);
                c21 = FloatVector.fromMemorySegment(SPECIES, c, row2 + VECTOR_BYTES, ORDER).fma(betaVector, c21);
                c30 = FloatVector.fromMemorySegment(SPECIES, c, row3, ORDER).fma(betaVector, c30);
                c31 = FloatVector.fromMemorySegment(SPECIES, c, row3 + VECTOR_BYTES, ORDER).fma(betaVector, c31);
            }
            c00.intoMemorySegment(c, row0, ORDER);
            c01.intoMemorySegment(c, row0 + VECTOR_BYTES, ORDER);
            c10.intoMemorySegment(c, row1, ORDER);
            c11.intoMemorySegment(c, row1 + VECTOR_BYTES, ORDER);
            c20.intoMemorySegment(c, row2, ORDER);
            c21.intoMemorySegment(c, row2 + VECTOR_BYTES, ORDER);
            c30.intoMemorySegment(c, row3, ORDER);
            c31.intoMemorySegment(c, row3 + VECTOR_BYTES, ORDER);
        }
    }
}
