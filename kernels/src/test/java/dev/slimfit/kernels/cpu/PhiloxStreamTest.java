package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Philox;
import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The batched keep-bits against the one-element definition {@link Philox#word}, for awkward starts and lengths. */
class PhiloxStreamTest {

    @Test
    void keepBitsMatchTheDefinitionBitForBit() {
        TestRandom random = new TestRandom();
        int[] counts = {0, 1, 3, 4, 5, 31, 32, 33, 63, 64, 65, 4 * PhiloxStream.BLOCKS + 3, 1000, 4096};
        for (int count : counts) {
            for (int trial = 0; trial < 4; trial++) {
                long seed = random.nextLong();
                // starts on and off block boundaries, including near 2³² blocks where the counter's high word moves
                long first = trial == 3 ? (1L << 34) - 2 * PhiloxStream.BLOCKS - 1 : random.nextInt(1 << 20);
                int threshold = random.nextInt(1 << 24);
                long[] keep = new long[(count + 63) / 64 + 1];
                java.util.Arrays.fill(keep, -1L); // stale bits must be cleared
                PhiloxStream.keepBits(seed, first, count, threshold, keep);
                for (int j = 0; j < count; j++) {
                    boolean expected = Philox.word(seed, first + j) >>> 8 >= threshold;
                    boolean actual = (keep[j >>> 6] >>> (j & 63) & 1) != 0;
                    assertEquals(expected, actual, "element " + j + " of count=" + count + " first=" + first
                            + " seed=" + seed + " threshold=" + threshold + " " + random.describe());
                }
            }
        }
    }
}
