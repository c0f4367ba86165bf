package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * 8×8 float transposes in 256-bit registers, for packing a transposed operand (about 1.5-2× faster than element-wise
 * copies measured on Zen 3). Only for 8-lane vectors ({@link #SUPPORTED}); callers fall back to scalar code otherwise.
 *
 * <p>The transpose first swaps 128-bit halves between rows i and i+4 and then transposes 4×4 blocks inside each half
 * in two butterfly steps (pairs of rows, then pairs of pairs), each a permute and a blend. The halves are built four
 * vectors at a time, rereading the source rows from L1 for the second four, so that data, constants and temporaries
 * fit the 16 AVX2 registers: with all eight rows live at once C2 spills.
 */
final class GemmTranspose {

    static final boolean SUPPORTED = GemmBlocking.LANES == 8;

    /** Rows (and columns) of one transposed block. */
    static final int SIZE = 8;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Each lane takes its even (odd) neighbour: the two inputs of a pair butterfly. */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromValues(SPECIES, 0, 0, 2, 2, 4, 4, 6, 6);
    private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromValues(SPECIES, 1, 1, 3, 3, 5, 5, 7, 7);
    private static final VectorShuffle<Float> LOW_PAIRS = VectorShuffle.fromValues(SPECIES, 0, 1, 0, 1, 4, 5, 4, 5);
    private static final VectorShuffle<Float> HIGH_PAIRS = VectorShuffle.fromValues(SPECIES, 2, 3, 2, 3, 6, 7, 6, 7);
    private static final VectorShuffle<Float> LOW_HALF = VectorShuffle.fromValues(SPECIES, 0, 1, 2, 3, 0, 1, 2, 3);
    private static final VectorShuffle<Float> HIGH_HALF = VectorShuffle.fromValues(SPECIES, 4, 5, 6, 7, 4, 5, 6, 7);
    private static final VectorMask<Float> ODD_LANE_MASK = VectorMask.fromLong(SPECIES, 0b1010_1010);
    private static final VectorMask<Float> ODD_PAIR_MASK = VectorMask.fromLong(SPECIES, 0b1100_1100);
    private static final VectorMask<Float> HIGH_HALF_MASK = VectorMask.fromLong(SPECIES, 0b1111_0000);

    private GemmTranspose() {
    }

    /**
     * Reads 8 rows of 8 floats (row i at byte {@code source + i·sourceRowBytes}) and writes column q of that block as
     * 8 consecutive floats at {@code destination[first + q·destinationStride]}.
     */
    static void transpose(MemorySegment segment, long source, long sourceRowBytes, float[] destination, int first,
                          int destinationStride) {
        long row0 = source;
        long row1 = source + sourceRowBytes;
        long row2 = source + 2 * sourceRowBytes;
        long row3 = source + 3 * sourceRowBytes;
        long row4 = source + 4 * sourceRowBytes;
        long row5 = source + 5 * sourceRowBytes;
        long row6 = source + 6 * sourceRowBytes;
        long row7 = source + 7 * sourceRowBytes;
        // columns 0-3: low halves of rows i and i+4
        transpose4x4Pairs(
                load(segment, row0).blend(load(segment, row4).rearrange(LOW_HALF), HIGH_HALF_MASK),
                load(segment, row1).blend(load(segment, row5).rearrange(LOW_HALF), HIGH_HALF_MASK),
                load(segment, row2).blend(load(segment, row6).rearrange(LOW_HALF), HIGH_HALF_MASK),
                load(segment, row3).blend(load(segment, row7).rearrange(LOW_HALF), HIGH_HALF_MASK),
                destination, first, destinationStride);
        // columns 4-7: high halves
        transpose4x4Pairs(
                load(segment, row0).rearrange(HIGH_HALF).blend(load(segment, row4), HIGH_HALF_MASK),
                load(segment, row1).rearrange(HIGH_HALF).blend(load(segment, row5), HIGH_HALF_MASK),
                load(segment, row2).rearrange(HIGH_HALF).blend(load(segment, row6), HIGH_HALF_MASK),
                load(segment, row3).rearrange(HIGH_HALF).blend(load(segment, row7), HIGH_HALF_MASK),
                destination, first + 4 * destinationStride, destinationStride);
    }

    /** Transposes the 4×4 block in each 128-bit half of v0..v3 and stores column q at first + q·stride. */
    private static void transpose4x4Pairs(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3,
                                          float[] destination, int first, int stride) {
        FloatVector t0 = v0.blend(v1.rearrange(EVEN_LANES), ODD_LANE_MASK);
        FloatVector t1 = v0.rearrange(ODD_LANES).blend(v1, ODD_LANE_MASK);
        FloatVector t2 = v2.blend(v3.rearrange(EVEN_LANES), ODD_LANE_MASK);
        FloatVector t3 = v2.rearrange(ODD_LANES).blend(v3, ODD_LANE_MASK);
        t0.blend(t2.rearrange(LOW_PAIRS), ODD_PAIR_MASK).intoArray(destination, first);
        t1.blend(t3.rearrange(LOW_PAIRS), ODD_PAIR_MASK).intoArray(destination, first + stride);
        t0.rearrange(HIGH_PAIRS).blend(t2, ODD_PAIR_MASK).intoArray(destination, first + 2 * stride);
        t1.rearrange(HIGH_PAIRS).blend(t3, ODD_PAIR_MASK).intoArray(destination, first + 3 * stride);
    }

    private static FloatVector load(MemorySegment segment, long offset) {
        return FloatVector.fromMemorySegment(SPECIES, segment, offset, ORDER);
    }
}
