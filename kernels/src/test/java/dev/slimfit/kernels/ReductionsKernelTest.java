package dev.slimfit.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link Reductions} provider against the reference. Sums and means by relative error; max exactly (it rounds
 * nothing), including NaN propagation and the empty cases (sum 0, mean NaN, max −∞).
 */
class ReductionsKernelTest {

    private static final int[] LENGTHS = {0, 1, 15, 17, 1023, 100_003};
    private static final int[][] MATRICES = {{0, 7}, {7, 0}, {1, 1}, {1, 1023}, {1023, 1}, {17, 15}, {129, 771},
        {3, 40_001}};
    /** Over millions of elements a float accumulator would drift by ~1e-4; lanes folded into double must not. */
    private static final double LONG_SUM_TOLERANCE = 1e-6;
    private static final KernelProvider REF = KernelImplementations.reference();

    @FunctionalInterface
    private interface Reduction {
        void run(Reductions kernels, int rows, int cols, MemorySegment x, MemorySegment out);
    }

    private static final Reduction SUM = (k, rows, cols, x, out) -> k.sum((long) rows * cols, x, out);
    private static final Reduction MEAN = (k, rows, cols, x, out) -> k.mean((long) rows * cols, x, out);
    private static final Reduction MAX = (k, rows, cols, x, out) -> k.max((long) rows * cols, x, out);
    private static final Reduction SUM_LAST = Reductions::sumLastDim;
    private static final Reduction MEAN_LAST = Reductions::meanLastDim;
    private static final Reduction MAX_LAST = Reductions::maxLastDim;
    private static final Reduction SUM_FIRST = Reductions::sumFirstDim;

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void wholeBufferReductionsMatchReference(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            float[] x = random.gaussian(n, 2);
            String what = provider.name() + " n=" + n + " " + random.describe();
            Accuracy.assertClose(run(REF, SUM, 1, n, x, 1), run(provider, SUM, 1, n, x, 1), Accuracy.FLOAT_TOLERANCE,
                    "sum " + what);
            Accuracy.assertClose(run(REF, MEAN, 1, n, x, 1), run(provider, MEAN, 1, n, x, 1),
                    Accuracy.FLOAT_TOLERANCE, "mean " + what);
            assertArrayEquals(run(REF, MAX, 1, n, x, 1), run(provider, MAX, 1, n, x, 1), "max " + what);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void rowAndColumnReductionsMatchReference(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int[] shape : MATRICES) {
            int rows = shape[0];
            int cols = shape[1];
            float[] x = random.gaussian(rows * cols, 2);
            String what = provider.name() + " " + rows + "x" + cols + " " + random.describe();
            Accuracy.assertClose(run(REF, SUM_LAST, rows, cols, x, rows), run(provider, SUM_LAST, rows, cols, x, rows),
                    Accuracy.FLOAT_TOLERANCE, "sumLastDim " + what);
            Accuracy.assertClose(run(REF, MEAN_LAST, rows, cols, x, rows),
                    run(provider, MEAN_LAST, rows, cols, x, rows), Accuracy.FLOAT_TOLERANCE, "meanLastDim " + what);
            assertArrayEquals(run(REF, MAX_LAST, rows, cols, x, rows), run(provider, MAX_LAST, rows, cols, x, rows),
                    "maxLastDim " + what);
            Accuracy.assertClose(run(REF, SUM_FIRST, rows, cols, x, cols),
                    run(provider, SUM_FIRST, rows, cols, x, cols), Accuracy.FLOAT_TOLERANCE, "sumFirstDim " + what);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void sumOfMillionsOfElementsStaysWithinOnePartPerMillion(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int n = 3_000_017;
        // positive values: no cancellation, so the relative error measures accumulation alone
        float[] x = random.uniform(n, 0, 1);
        String what = provider.name() + " n=" + n + " " + random.describe();
        Accuracy.assertClose(run(REF, SUM, 1, n, x, 1), run(provider, SUM, 1, n, x, 1), LONG_SUM_TOLERANCE,
                "sum " + what);
        Accuracy.assertClose(run(REF, SUM_LAST, 1, n, x, 1), run(provider, SUM_LAST, 1, n, x, 1), LONG_SUM_TOLERANCE,
                "sumLastDim " + what);
        Accuracy.assertClose(run(REF, SUM_FIRST, n, 1, x, 1), run(provider, SUM_FIRST, n, 1, x, 1),
                LONG_SUM_TOLERANCE, "sumFirstDim " + what);
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void maxPropagatesNaNAndHandlesInfinities(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int rows = 9;
        int cols = 1021;
        float[] x = random.gaussian(rows * cols, 1);
        int nanRow = random.nextInt(rows);
        x[nanRow * cols + random.nextInt(cols)] = Float.NaN;
        int infRow = (nanRow + 1) % rows;
        x[infRow * cols + random.nextInt(cols)] = Float.POSITIVE_INFINITY;
        String what = provider.name() + " " + random.describe();
        assertTrue(Float.isNaN(run(provider, MAX, rows, cols, x, 1)[0]), "max with a NaN " + what);
        float[] rowMax = run(provider, MAX_LAST, rows, cols, x, rows);
        assertArrayEquals(run(REF, MAX_LAST, rows, cols, x, rows), rowMax, "maxLastDim " + what);
        assertTrue(Float.isNaN(rowMax[nanRow]), "NaN row " + what);
        assertEquals(Float.POSITIVE_INFINITY, rowMax[infRow], "inf row " + what);

        float[] negative = new float[1000];
        java.util.Arrays.fill(negative, Float.NEGATIVE_INFINITY);
        assertEquals(Float.NEGATIVE_INFINITY, run(provider, MAX, 1, 1000, negative, 1)[0], "all −∞ " + what);
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void emptyReductionsFollowTheContract(KernelProvider provider) {
        float[] nothing = new float[0];
        assertEquals(0f, run(provider, SUM, 1, 0, nothing, 1)[0], "sum of nothing");
        assertTrue(Float.isNaN(run(provider, MEAN, 1, 0, nothing, 1)[0]), "mean of nothing");
        assertEquals(Float.NEGATIVE_INFINITY, run(provider, MAX, 1, 0, nothing, 1)[0], "max of nothing");
        assertTrue(Float.isNaN(run(provider, MEAN_LAST, 3, 0, nothing, 3)[2]), "mean of empty rows");
        assertEquals(Float.NEGATIVE_INFINITY, run(provider, MAX_LAST, 3, 0, nothing, 3)[1], "max of empty rows");
        assertArrayEquals(new float[5], run(provider, SUM_FIRST, 0, 5, nothing, 5), "column sums of no rows");
    }

    private static float[] run(KernelProvider provider, Reduction reduction, int rows, int cols, float[] x,
                               int outputs) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment out = buffers.emptyFloats(outputs);
            reduction.run(provider.reductions(), rows, cols, buffers.floats(x), out);
            return buffers.readFloats(out, outputs);
        }
    }
}
