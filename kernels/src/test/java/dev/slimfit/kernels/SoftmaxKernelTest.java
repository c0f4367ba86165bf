package dev.slimfit.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Softmax forward and backward of every provider against the reference, and the reference against calculus. */
class SoftmaxKernelTest {

    /** Finite differences in float32 with step {@link #STEP} are good to about this relative error. */
    private static final double FINITE_DIFFERENCE_TOLERANCE = 2e-3;
    private static final float STEP = 1e-2f;

    private final TestRandom random = new TestRandom();
    private final KernelProvider reference = KernelImplementations.reference();

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void forwardWithoutMaskMatchesReference(KernelProvider provider, int rows, int cols) {
        float scale = randomScale();
        float[] x = random.gaussian(rows * cols, 3);
        assertClose(forward(reference, rows, cols, scale, x, null, 1, false),
                forward(provider, rows, cols, scale, x, null, 1, false), provider, rows, cols, "forward");
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void forwardWithPaddingMaskMatchesReference(KernelProvider provider, int rows, int cols) {
        float scale = randomScale();
        int rowsPerMaskRow = 1 + random.nextInt(4);
        float[] x = random.gaussian(rows * cols, 3);
        float[] mask = paddingMask((rows + rowsPerMaskRow - 1) / rowsPerMaskRow, cols);
        assertClose(forward(reference, rows, cols, scale, x, mask, rowsPerMaskRow, false),
                forward(provider, rows, cols, scale, x, mask, rowsPerMaskRow, false), provider, rows, cols,
                "masked forward, rowsPerMaskRow=" + rowsPerMaskRow);
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void forwardInPlaceMatchesReference(KernelProvider provider, int rows, int cols) {
        float scale = randomScale();
        float[] x = random.gaussian(rows * cols, 3);
        float[] mask = paddingMask(1, cols);
        assertClose(forward(reference, rows, cols, scale, x, mask, Math.max(1, rows), false),
                forward(provider, rows, cols, scale, x, mask, Math.max(1, rows), true), provider, rows, cols,
                "in-place forward (y == x)");
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void backwardMatchesReference(KernelProvider provider, int rows, int cols) {
        float scale = randomScale();
        float[] y = forward(reference, rows, cols, 1, random.gaussian(rows * cols, 2), null, 1, false);
        float[] dy = random.gaussian(rows * cols, 1);
        float[] expected = backward(reference, rows, cols, scale, y, dy, false);
        double termScale = backwardTermScale(rows, cols, scale, y, dy);
        assertCloseAtScale(expected, backward(provider, rows, cols, scale, y, dy, false), termScale, provider, rows,
                cols, "backward");
        assertCloseAtScale(expected, backward(provider, rows, cols, scale, y, dy, true), termScale, provider, rows,
                cols, "in-place backward (dx == dy)");
    }

    /**
     * dx = scale·y·(dy − Σ y·dy) subtracts two terms that can nearly cancel (a short row whose dy is close to its
     * y-weighted mean), leaving float32 rounding relative to the terms rather than to dx: the norm of
     * |scale·y·dy| + |scale·y·Σ y·dy|, row by row.
     */
    private static double backwardTermScale(int rows, int cols, float scale, float[] y, float[] dy) {
        float[] direct = new float[rows * cols];
        float[] throughDot = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += (double) y[r * cols + c] * dy[r * cols + c];
            }
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                direct[i] = scale * y[i] * dy[i];
                throughDot[i] = (float) (scale * y[i] * dot);
            }
        }
        return Accuracy.normOfAbsoluteSum(direct, throughDot);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void fullyMaskedRowsGiveZeros(KernelProvider provider) {
        int rows = 6;
        int cols = 37;
        float[] x = random.gaussian(rows * cols, 3);
        float[] mask = random.uniform(2 * cols, -1, 0);
        for (int c = 0; c < cols; c++) {
            mask[cols + c] = Float.NEGATIVE_INFINITY; // the second mask row, used by rows 3 to 5, hides everything
        }
        float[] y = forward(provider, rows, cols, 1, x, mask, 3, false);
        for (int i = 3 * cols; i < rows * cols; i++) {
            assertEquals(0f, y[i], provider.name() + ": fully masked row " + i / cols + " " + random.describe());
        }
        assertClose(forward(reference, rows, cols, 1, x, mask, 3, false), y, provider, rows, cols,
                "partly and fully masked rows");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void hugeLogitsStayFinite(KernelProvider provider) {
        int rows = 9;
        int cols = 301;
        float[] x = random.gaussian(rows * cols, 1e4);
        float[] y = forward(provider, rows, cols, 1, x, null, 1, false);
        for (int i = 0; i < y.length; i++) {
            assertTrue(Float.isFinite(y[i]), provider.name() + ": y[" + i + "] = " + y[i] + " " + random.describe());
        }
        assertClose(forward(reference, rows, cols, 1, x, null, 1, false), y, provider, rows, cols,
                "logits of magnitude 1e4");
    }

    @Test
    void referenceRowsArePositiveAndSumToOne() {
        int rows = 5;
        int cols = 41;
        float[] y = forward(reference, rows, cols, 0.7f, random.gaussian(rows * cols, 4), paddingMask(1, cols), rows,
                false);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                assertTrue(y[r * cols + c] >= 0, "negative probability " + random.describe());
                sum += y[r * cols + c];
            }
            assertEquals(1, sum, 1e-6, "row " + r + " " + random.describe());
        }
    }

    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        int rows = 3;
        int cols = 7;
        float scale = 0.8f;
        float[] x = random.gaussian(rows * cols, 1);
        float[] mask = random.uniform(cols, -2, 0);
        float[] weights = random.gaussian(rows * cols, 1); // loss = Σ weights ⊙ softmax(x), so dL/dy = weights
        float[] analytic = backward(reference, rows, cols, scale,
                forward(reference, rows, cols, scale, x, mask, rows, false), weights, false);
        float[] numeric = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            float saved = x[i];
            x[i] = saved + STEP;
            double up = dot(weights, forward(reference, rows, cols, scale, x, mask, rows, false));
            x[i] = saved - STEP;
            double down = dot(weights, forward(reference, rows, cols, scale, x, mask, rows, false));
            x[i] = saved;
            numeric[i] = (float) ((up - down) / (2 * STEP));
        }
        Accuracy.assertClose(numeric, analytic, FINITE_DIFFERENCE_TOLERANCE,
                "reference softmax backward vs finite differences " + random.describe());
    }

    private float randomScale() {
        return (float) (0.1 + random.nextDouble());
    }

    /** An additive mask: mostly 0, some −∞ (padding), some finite negative biases, and one row of only −∞. */
    private float[] paddingMask(int maskRows, int cols) {
        float[] mask = new float[maskRows * cols];
        int fullyMasked = maskRows > 1 ? random.nextInt(maskRows) : -1;
        for (int i = 0; i < mask.length; i++) {
            double u = random.nextDouble();
            if (i / cols == fullyMasked || u < 0.3) {
                mask[i] = Float.NEGATIVE_INFINITY;
            } else if (u < 0.5) {
                mask[i] = (float) (-10 * random.nextDouble());
            }
        }
        return mask;
    }

    private static float[] forward(KernelProvider provider, int rows, int cols, float scale, float[] x, float[] mask,
                                   int rowsPerMaskRow, boolean inPlace) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment xs = buffers.floats(x);
            MemorySegment masks = mask == null ? null : buffers.floats(mask);
            MemorySegment ys = inPlace ? xs : buffers.emptyFloats((long) rows * cols);
            provider.softmax().forward(rows, cols, scale, xs, masks, rowsPerMaskRow, ys);
            return buffers.readFloats(ys, rows * cols);
        }
    }

    private static float[] backward(KernelProvider provider, int rows, int cols, float scale, float[] y, float[] dy,
                                    boolean inPlace) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment dys = buffers.floats(dy);
            MemorySegment dxs = inPlace ? dys : buffers.emptyFloats((long) rows * cols);
            provider.softmax().backward(rows, cols, scale, buffers.floats(y), dys, dxs);
            return buffers.readFloats(dxs, rows * cols);
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    private void assertClose(float[] expected, float[] actual, KernelProvider provider, int rows, int cols,
                             String what) {
        Accuracy.assertClose(expected, actual, Accuracy.FLOAT_TOLERANCE,
                provider.name() + " " + what + " " + rows + "x" + cols + " " + random.describe());
    }

    private void assertCloseAtScale(float[] expected, float[] actual, double scale, KernelProvider provider, int rows,
                                    int cols, String what) {
        Accuracy.assertCloseAtScale(expected, actual, scale, Accuracy.FLOAT_TOLERANCE,
                provider.name() + " " + what + " " + rows + "x" + cols + " " + random.describe());
    }
}
