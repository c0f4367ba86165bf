package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.slimfit.kernels.cpu.GemmBlocking.KC;
import static dev.slimfit.kernels.cpu.GemmBlocking.LANES;
import static dev.slimfit.kernels.cpu.GemmBlocking.MR;
import static dev.slimfit.kernels.cpu.GemmBlocking.NR;

/**
 * The register tile: an MR×NR block of C (4 rows × 2 vectors) accumulated over kc rank-1 updates, each one vector
 * load pair from the packed B sliver and four broadcasts from the packed A sliver, entirely in registers. The eight
 * accumulators are separate locals (not an array) so that C2 keeps them in registers.
 *
 * <p>Packed layouts (see {@link GemmPacking}): the A sliver holds its MR rows at a fixed stride of {@link
 * GemmBlocking#KC} floats, so that the four broadcast addresses are constant offsets from one index; the B sliver
 * holds its kc rows of NR floats one after another.
 */
final class GemmMicroKernel {

    private static final VectorSpecies<Float> SPECIES = GemmBlocking.SPECIES;

    static {
        if (MR != 4 || NR != 2 * LANES) {
            throw new AssertionError("GemmMicroKernel is written for a 4 × 2-vector tile");
        }
    }

    private GemmMicroKernel() {
    }

    /**
     * Writes {@code Σ_p A[r][p]·B[p][j]} for the MR×NR tile into {@code tile} (row-major, NR floats per row); kc must
     * be at least 1.
     */
    static void multiply(float[] packedA, int aOffset, float[] packedB, int bOffset, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES);
        FloatVector c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES);
        FloatVector c31 = FloatVector.zero(SPECIES);
        int a = aOffset;
        int b = bOffset;
        int end = aOffset + kc;
        for (; a < end; a++, b += NR) {
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
        c00.intoArray(tile, 0);
        c01.intoArray(tile, LANES);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + LANES);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + LANES);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + LANES);
    }
}
