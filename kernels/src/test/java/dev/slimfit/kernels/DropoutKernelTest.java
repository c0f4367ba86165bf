package dev.slimfit.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dropout masks must be bit-identical across providers for the same (seed, offset): which elements are zero is
 * compared exactly, the kept values (x scaled by 1/(1−p)) within {@link #VALUE_TOLERANCE}.
 */
class DropoutKernelTest {

    private static final int[] LENGTHS = {0, 1, 15, 17, 1023, 100_003};
    private static final float[] PROBABILITIES = {0.1f, 0.5f, 0.9f};
    /** A kept value is one float multiplication (or a division in double) from x: at most about 1 ulp apart. */
    private static final double VALUE_TOLERANCE = 1e-6;
    private static final KernelProvider REF = KernelImplementations.reference();

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void forwardMaskIsBitIdenticalToReferenceAtUnalignedOffsets(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            for (float p : PROBABILITIES) {
                long seed = random.nextLong();
                // offsets 4k+1 and 4k+3 start in the middle of a Philox block; one far beyond 2³² elements
                for (long offset : new long[] {0, 4L * random.nextInt(1000) + 1, 4L * random.nextInt(1000) + 3,
                    (1L << 34) + 2}) {
                    float[] x = nonZero(random, n);
                    String what = provider.name() + " dropout forward n=" + n + " p=" + p + " seed=" + seed
                            + " offset=" + offset + " " + random.describe();
                    float[] expected = forward(REF, n, p, seed, offset, x);
                    float[] actual = forward(provider, n, p, seed, offset, x);
                    assertArrayEquals(zeroPattern(expected), zeroPattern(actual), what + ": mask differs");
                    Accuracy.assertClose(expected, actual, VALUE_TOLERANCE, what);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void backwardRegeneratesTheForwardMask(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int n = 10_007;
        float p = 0.3f;
        long seed = random.nextLong();
        long offset = 4L * random.nextInt(1 << 20) + 2;
        float[] x = nonZero(random, n);
        float[] dy = nonZero(random, n);
        float[] y = forward(provider, n, p, seed, offset, x);
        float[] dx;
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment out = buffers.emptyFloats(n);
            provider.dropout().backward(n, p, seed, offset, buffers.floats(dy), out);
            dx = buffers.readFloats(out, n);
        }
        assertArrayEquals(zeroPattern(y), zeroPattern(dx), provider.name() + " backward mask " + random.describe());
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = y[i] == 0 ? 0 : dy[i] / (1 - p);
        }
        Accuracy.assertClose(expected, dx, VALUE_TOLERANCE, provider.name() + " backward " + random.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void aMaskDependsOnlyOnTheAbsoluteElementIndex(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int n = 5003;
        int split = 4 * random.nextInt(n / 4) + 1 + random.nextInt(3); // never on a Philox block boundary
        long seed = random.nextLong();
        long offset = random.nextInt(1 << 20);
        float[] x = nonZero(random, n);
        float[] whole = forward(provider, n, 0.5f, seed, offset, x);
        float[] head = forward(provider, split, 0.5f, seed, offset, java.util.Arrays.copyOfRange(x, 0, split));
        float[] tail = forward(provider, n - split, 0.5f, seed, offset + split,
                java.util.Arrays.copyOfRange(x, split, n));
        float[] joined = new float[n];
        System.arraycopy(head, 0, joined, 0, split);
        System.arraycopy(tail, 0, joined, split, n - split);
        assertArrayEquals(whole, joined, provider.name() + " split at " + split + " " + random.describe());
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void probabilityZeroCopiesExactly(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            float[] x = random.gaussian(n, 1);
            assertArrayEquals(x, forward(provider, n, 0f, random.nextLong(), random.nextInt(100), x),
                    provider.name() + " p=0 n=" + n + " " + random.describe());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void dropsAboutPOfTheElements(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int n = 100_003;
        for (float p : PROBABILITIES) {
            float[] y = forward(provider, n, p, random.nextLong(), random.nextInt(1000), nonZero(random, n));
            int dropped = 0;
            for (float value : y) {
                dropped += value == 0 ? 1 : 0;
            }
            double sigma = Math.sqrt(n * p * (1 - p));
            assertEquals(n * p, dropped, 5 * sigma, provider.name() + " p=" + p + " " + random.describe());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void probabilityOutsideTheUnitIntervalIsRejected(KernelProvider provider) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment x = buffers.emptyFloats(4);
            for (float p : new float[] {1f, -0.1f, Float.NaN}) {
                assertThrows(IllegalArgumentException.class, () -> provider.dropout().forward(4, p, 1, 0, x, x),
                        "p=" + p);
            }
        }
    }

    @Test
    void referenceKeepsExactlyTheElementsWhoseUniformIsAtLeastP() {
        TestRandom random = new TestRandom();
        int n = 999;
        long seed = random.nextLong();
        long offset = random.nextInt(1 << 16);
        float[] x = nonZero(random, n);
        float[] y = forward(REF, n, 0.4f, seed, offset, x);
        for (int i = 0; i < n; i++) {
            boolean keep = Philox.uniform(seed, offset + i) >= 0.4f;
            assertEquals(keep, y[i] != 0, "element " + i + " " + random.describe());
            if (keep) {
                assertEquals(x[i] / 0.6f, y[i], Math.ulp(y[i]) * 2, "element " + i + " " + random.describe());
            }
        }
    }

    /** Values in ±[0.5, 2): never zero, so a zero in the output can only come from the mask. */
    private static float[] nonZero(TestRandom random, int n) {
        float[] x = random.uniform(n, 0.5f, 2f);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(2) == 0) {
                x[i] = -x[i];
            }
        }
        return x;
    }

    private static boolean[] zeroPattern(float[] values) {
        boolean[] zero = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            zero[i] = values[i] == 0;
        }
        return zero;
    }

    private static float[] forward(KernelProvider provider, int n, float p, long seed, long offset, float[] x) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment out = buffers.emptyFloats(n);
            provider.dropout().forward(n, p, seed, offset, buffers.floats(x), out);
            return buffers.readFloats(out, n);
        }
    }
}
