package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Philox;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout keep-masks from Philox4x32-10, computed many blocks at a time. Element {@code idx} of a stream is kept when
 * the top 24 bits of its word, {@code word(seed, idx) >>> 8}, are at least a threshold ({@code ⌈p·2²⁴⌉}); the words
 * are those {@link Philox#word} defines, bit for bit.
 *
 * <p>The vector path runs one Philox block per 64-bit lane ({@link #BLOCKS} blocks, 4·BLOCKS elements, at a time):
 * each 32-bit word sits zero-extended in a long lane, so the 32×32→64-bit products of a round are plain 64-bit lane
 * multiplications and their high and low halves a shift and a mask. The four word vectors are compared with the
 * threshold, and their lane masks interleaved into element order with {@link Long#expand} (bit {@code b} of word
 * {@code w}'s mask goes to bit {@code 4b + w}). A run that starts or ends inside a block, or has fewer than BLOCKS
 * blocks left, is finished block by block in scalar code.
 */
final class PhiloxStream {

    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Blocks computed together: one per long lane. */
    static final int BLOCKS = LONGS.length();
    private static final int ELEMENTS_PER_GROUP = 4 * BLOCKS;
    private static final long LOW_32 = 0xFFFF_FFFFL;
    private static final long MULTIPLIER_0 = Philox.MULTIPLIER_0 & LOW_32;
    private static final long MULTIPLIER_1 = Philox.MULTIPLIER_1 & LOW_32;
    private static final long KEY_BUMP_0 = Philox.KEY_BUMP_0 & LOW_32;
    private static final long KEY_BUMP_1 = Philox.KEY_BUMP_1 & LOW_32;
    /** {@link Philox#toUniform} keeps the top 24 bits of a word. */
    private static final int UNIFORM_BITS_SHIFT = 8;
    /** Bit 4b of this pattern receives lane b's bit of word 0; shifted left by w for word w. */
    private static final long EVERY_FOURTH_BIT = 0x1111_1111_1111_1111L >>> (64 - ELEMENTS_PER_GROUP);
    private static final LongVector LANE_INDEX = LongVector.zero(LONGS).addIndex(1);

    private PhiloxStream() {
    }

    /**
     * Sets bit {@code j} of {@code keep} (bit {@code j & 63} of {@code keep[j >>> 6]}) for each {@code j < count}
     * whose element {@code first + j} of stream {@code seed} is kept, and clears the others.
     */
    static void keepBits(long seed, long first, int count, int threshold, long[] keep) {
        java.util.Arrays.fill(keep, 0, (count + 63) >>> 6, 0L);
        int j = 0;
        // scalar up to the first block boundary
        while (j < count && ((first + j) & 3) != 0) {
            j = scalarBlock(seed, first, j, count, threshold, keep);
        }
        while (count - j >= ELEMENTS_PER_GROUP) {
            setBits(keep, j, vectorGroup(seed, (first + j) >>> 2, threshold));
            j += ELEMENTS_PER_GROUP;
        }
        while (j < count) {
            j = scalarBlock(seed, first, j, count, threshold, keep);
        }
    }

    /** Keep-bits of the {@link #BLOCKS} blocks from {@code firstBlock}, element order, in the low bits. */
    private static long vectorGroup(long seed, long firstBlock, int threshold) {
        LongVector block = LANE_INDEX.add(firstBlock);
        LongVector c0 = block.and(LOW_32);
        LongVector c1 = block.lanewise(VectorOperators.LSHR, 32);
        LongVector c2 = LongVector.zero(LONGS);
        LongVector c3 = c2;
        long k0 = seed & LOW_32;
        long k1 = seed >>> 32;
        for (int round = 0; round < Philox.ROUNDS; round++) {
            // Both factors masked to 32 bits at the multiplication (the words already are, but C2 cannot know): C2
            // then emits one vpmuludq per product instead of AVX2's three-multiply 64-bit sequence. 4M mask bits:
            // 10.8 → 8.5 ms (best of 30, one thread).
            LongVector product0 = c0.and(LOW_32).mul(LongVector.broadcast(LONGS, MULTIPLIER_0).and(LOW_32));
            LongVector product1 = c2.and(LOW_32).mul(LongVector.broadcast(LONGS, MULTIPLIER_1).and(LOW_32));
            c0 = product1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1)
                    .lanewise(VectorOperators.XOR, k0);
            c1 = product1.and(LOW_32);
            c2 = product0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3)
                    .lanewise(VectorOperators.XOR, k1);
            c3 = product0.and(LOW_32);
            k0 = (k0 + KEY_BUMP_0) & LOW_32;
            k1 = (k1 + KEY_BUMP_1) & LOW_32;
        }
        return Long.expand(keepLanes(c0, threshold), EVERY_FOURTH_BIT)
                | Long.expand(keepLanes(c1, threshold), EVERY_FOURTH_BIT << 1)
                | Long.expand(keepLanes(c2, threshold), EVERY_FOURTH_BIT << 2)
                | Long.expand(keepLanes(c3, threshold), EVERY_FOURTH_BIT << 3);
    }

    private static long keepLanes(LongVector words, int threshold) {
        return words.lanewise(VectorOperators.LSHR, UNIFORM_BITS_SHIFT)
                .compare(VectorOperators.GE, threshold).toLong();
    }

    /** ORs the {@link #ELEMENTS_PER_GROUP} low bits of {@code bits} into {@code keep} from bit {@code position}. */
    private static void setBits(long[] keep, int position, long bits) {
        int word = position >>> 6;
        int shift = position & 63;
        keep[word] |= bits << shift;
        if (shift + ELEMENTS_PER_GROUP > 64) {
            keep[word + 1] |= bits >>> (64 - shift);
        }
    }

    /**
     * Computes the block of element {@code first + j} and sets the bits of its elements from {@code j} to the end of
     * the block or of the run; returns the next {@code j}.
     */
    private static int scalarBlock(long seed, long first, int j, int count, int threshold, long[] keep) {
        int[] words = new int[4];
        long index = first + j;
        Philox.block(seed, index >>> 2, words);
        for (int lane = (int) (index & 3); lane < 4 && j < count; lane++, j++) {
            if (words[lane] >>> UNIFORM_BITS_SHIFT >= threshold) {
                keep[j >>> 6] |= 1L << (j & 63);
            }
        }
        return j;
    }
}
