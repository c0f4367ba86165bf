package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs the selected lanes of an int vector to its front, in lane order, without branches: the selection's bit mask
 * indexes a table of lane permutations. The Vector API's {@code compress} does the same, but it compiles to a single
 * instruction only with AVX-512; elsewhere it falls back to slow code, and a loop over the mask's bits instead
 * branches unpredictably once per vector. The species is at most 256 bits wide (8 lanes), which keeps the table at
 * 2^8 permutations on every machine, so the same code runs and is tested everywhere.
 */
final class LaneCompaction {

    /** The preferred int species, or its 256-bit form where the preferred one is wider. */
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED.length() > IntVector.SPECIES_256.length()
            ? IntVector.SPECIES_256 : IntVector.SPECIES_PREFERRED;
    static final int LANES = INTS.length();

    /** Row {@code m} (LANES entries) lists the lanes set in mask {@code m}, in order, then zeros. */
    private static final int[] PERMUTATIONS = permutations();

    private LaneCompaction() {
    }

    /** The lanes of {@code v} selected by {@code mask} (bit i for lane i), moved to the front in order. */
    static IntVector compact(IntVector v, int mask) {
        return IntVector.fromArray(INTS, PERMUTATIONS, mask * LANES).selectFrom(v);
    }

    /** The mask as bits, lane i in bit i. */
    static int bits(VectorMask<Integer> mask) {
        return (int) mask.toLong();
    }

    private static int[] permutations() {
        int masks = 1 << LANES;
        int[] table = new int[masks * LANES];
        for (int mask = 0; mask < masks; mask++) {
            int next = mask * LANES;
            for (int lane = 0; lane < LANES; lane++) {
                if ((mask >>> lane & 1) != 0) {
                    table[next++] = lane;
                }
            }
        }
        return table;
    }
}
