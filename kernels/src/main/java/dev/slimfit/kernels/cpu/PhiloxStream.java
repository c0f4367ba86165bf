package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Philox;

/**
 * Runs of consecutive Philox4x32-10 elements for the dropout kernels: every block is computed once and gives its
 * four words to four consecutive elements (the reference computes a whole block per element). The words are the
 * ones {@link Philox#word} defines, bit for bit; a run may start and end in the middle of a block.
 */
final class PhiloxStream {

    private static final long LOW_32 = 0xFFFF_FFFFL;
    private static final long MULTIPLIER_0 = Philox.MULTIPLIER_0 & LOW_32;
    private static final long MULTIPLIER_1 = Philox.MULTIPLIER_1 & LOW_32;
    /** {@link Philox#toUniform} keeps the top 24 bits of a word. */
    static final int UNIFORM_BITS_SHIFT = 8;

    private PhiloxStream() {
    }

    /**
     * Writes the top 24 bits of the words of elements {@code first .. first + count − 1} of stream {@code seed}
     * (the integers k with {@code uniform = k·2⁻²⁴}) to {@code out[0 .. count − 1]}.
     */
    static void uniformBits(long seed, long first, int count, int[] out) {
        int key0 = (int) seed;
        int key1 = (int) (seed >>> 32);
        int written = 0;
        long index = first;
        while (written < count) {
            long block = index >>> 2;
            int c0 = (int) block;
            int c1 = (int) (block >>> 32);
            int c2 = 0;
            int c3 = 0;
            int k0 = key0;
            int k1 = key1;
            for (int round = 0; round < Philox.ROUNDS; round++) {
                long product0 = MULTIPLIER_0 * (c0 & LOW_32);
                long product1 = MULTIPLIER_1 * (c2 & LOW_32);
                c0 = (int) (product1 >>> 32) ^ c1 ^ k0;
                c1 = (int) product1;
                c2 = (int) (product0 >>> 32) ^ c3 ^ k1;
                c3 = (int) product0;
                k0 += Philox.KEY_BUMP_0;
                k1 += Philox.KEY_BUMP_1;
            }
            // hand out the block's words from the element's lane to the end of the block or of the run
            for (int lane = (int) (index & 3); lane < 4 && written < count; lane++, written++, index++) {
                int word = switch (lane) {
                    case 0 -> c0;
                    case 1 -> c1;
                    case 2 -> c2;
                    default -> c3;
                };
                out[written] = word >>> UNIFORM_BITS_SHIFT;
            }
        }
    }
}
