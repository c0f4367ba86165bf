package dev.slimfit.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Philox4x32-10 against the known-answer vectors published with Random123 (kat_vectors). */
class PhiloxTest {

    @Test
    void matchesRandom123KnownAnswers() {
        int[] out = new int[4];
        Philox.block(0, 0, 0, 0, 0, 0, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        Philox.block(-1, -1, -1, -1, -1, -1, out);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
        Philox.block(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, out);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
    }

    @Test
    void elementWordsComeFromTheirBlock() {
        long seed = 0x1234_5678_9abc_def0L;
        int[] block = new int[4];
        Philox.block(seed, 5, block);
        for (int lane = 0; lane < 4; lane++) {
            assertEquals(block[lane], Philox.word(seed, 5 * 4 + lane));
        }
    }

    @Test
    void uniformIsInUnitIntervalAndRoughlyUniform() {
        int n = 100_000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float u = Philox.uniform(42, i);
            assertTrue(u >= 0 && u < 1, "uniform out of [0,1): " + u);
            sum += u;
        }
        // mean of n uniforms has std 1/sqrt(12n) ≈ 0.0009; 5 sigma
        assertEquals(0.5, sum / n, 0.0046);
    }
}
