package dev.slimfit.kernels;

/**
 * The counter-based generator behind dropout: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11), the generator cuRAND and PyTorch use on GPUs. A random word depends only on (key, counter), so
 * any element of a mask can be recomputed on any device in any order.
 *
 * <p>Element {@code idx} of a stream with seed {@code s} is word {@code idx & 3} of the block computed from the
 * 128-bit counter {@code (idx >>> 2, 0)} (low 32 bits first) and the 64-bit key {@code s} (low 32 bits first). Its
 * uniform value is the top 24 bits of that word times 2⁻²⁴, in [0, 1). Implementations on other devices must
 * reproduce exactly these bits.
 */
public final class Philox {

    public static final int MULTIPLIER_0 = 0xD2511F53;
    public static final int MULTIPLIER_1 = 0xCD9E8D57;
    public static final int KEY_BUMP_0 = 0x9E3779B9;
    public static final int KEY_BUMP_1 = 0xBB67AE85;
    public static final int ROUNDS = 10;
    /** 2⁻²⁴: scales the top 24 bits of a word into [0, 1) exactly representable as float. */
    public static final float UNIFORM_SCALE = 0x1.0p-24f;

    private Philox() {
    }

    /**
     * The four 32-bit words of block {@code block} for key {@code seed}, written to {@code out[0..3]}.
     */
    public static void block(long seed, long block, int[] out) {
        block((int) seed, (int) (seed >>> 32), (int) block, (int) (block >>> 32), 0, 0, out);
    }

    /** The general Philox4x32-10 bijection of a 128-bit counter under a 64-bit key (words low first). */
    public static void block(int key0, int key1, int ctr0, int ctr1, int ctr2, int ctr3, int[] out) {
        int c0 = ctr0;
        int c1 = ctr1;
        int c2 = ctr2;
        int c3 = ctr3;
        int k0 = key0;
        int k1 = key1;
        for (int round = 0; round < ROUNDS; round++) {
            long p0 = (MULTIPLIER_0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (MULTIPLIER_1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += KEY_BUMP_0;
            k1 += KEY_BUMP_1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The random word of element {@code idx} (slow path: computes a whole block for one word). */
    public static int word(long seed, long idx) {
        int[] words = new int[4];
        block(seed, idx >>> 2, words);
        return words[(int) (idx & 3)];
    }

    /** The uniform value in [0, 1) of element {@code idx}. */
    public static float uniform(long seed, long idx) {
        return toUniform(word(seed, idx));
    }

    /** Top 24 bits of {@code word} scaled into [0, 1). */
    public static float toUniform(int word) {
        return (word >>> 8) * UNIFORM_SCALE;
    }
}
