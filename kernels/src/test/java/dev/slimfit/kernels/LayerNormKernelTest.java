package dev.slimfit.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** LayerNorm forward and both backwards of every provider against the reference, and the reference against calculus. */
class LayerNormKernelTest {

    /** BERT's epsilon is 1e-12, the PyTorch default 1e-5; the tests draw one of the two. */
    private static final float[] EPSILONS = {1e-12f, 1e-5f};

    /** Finite differences in float32 with step {@link #STEP} are good to about this relative error. */
    private static final double FINITE_DIFFERENCE_TOLERANCE = 2e-3;
    private static final float STEP = 1e-2f;

    private final TestRandom random = new TestRandom();
    private final KernelProvider reference = KernelImplementations.reference();

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void forwardMatchesReference(KernelProvider provider, int rows, int cols) {
        Inputs in = new Inputs(rows, cols);
        Forward expected = forward(reference, in, true, true);
        Forward actual = forward(provider, in, true, true);
        assertClose(expected.y, actual.y, provider, in, "y");
        assertClose(expected.mean, actual.mean, provider, in, "mean");
        assertClose(expected.rstd, actual.rstd, provider, in, "rstd");
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void forwardWithoutBetaOrStatisticsMatchesReference(KernelProvider provider, int rows, int cols) {
        Inputs in = new Inputs(rows, cols);
        assertClose(forward(reference, in, false, false).y, forward(provider, in, false, false).y, provider, in,
                "y without beta, mean, rstd");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void constantRowsNormalizeToBeta(KernelProvider provider) {
        Inputs in = new Inputs(7, 769);
        for (int r = 0; r < in.rows; r++) {
            float value = (float) (100 * random.nextGaussian());
            java.util.Arrays.fill(in.x, r * in.cols, (r + 1) * in.cols, value);
        }
        in.eps = 1e-12f; // 1/√eps = 1e6 magnifies any error in the mean
        Forward actual = forward(provider, in, true, true);
        assertClose(forward(reference, in, true, true).y, actual.y, provider, in, "y of constant rows");
        for (int i = 0; i < actual.y.length; i++) {
            assertEquals(in.beta[i % in.cols], actual.y[i], 1e-3 * Math.abs(in.beta[i % in.cols]) + 1e-6,
                    provider.name() + ": constant row gives beta at " + i + " " + random.describe());
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void backwardMatchesReference(KernelProvider provider, int rows, int cols) {
        Inputs in = new Inputs(rows, cols);
        Forward saved = forward(reference, in, true, true);
        Gradients expected = backward(reference, in, saved, true, true, true, false);
        Gradients actual = backward(provider, in, saved, true, true, true, false);
        assertDxClose(expected.dx, actual.dx, provider, in, saved, "dx");
        assertClose(expected.dgamma, actual.dgamma, provider, in, "dgamma");
        assertClose(expected.dbeta, actual.dbeta, provider, in, "dbeta");
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void backwardFromNormalizedMatchesReference(KernelProvider provider, int rows, int cols) {
        Inputs in = new Inputs(rows, cols);
        Forward saved = forward(reference, in, true, true);
        Gradients expected = backward(reference, in, saved, true, true, true, true);
        Gradients actual = backward(provider, in, saved, true, true, true, true);
        assertDxClose(expected.dx, actual.dx, provider, in, saved, "dx from x̂");
        assertClose(expected.dgamma, actual.dgamma, provider, in, "dgamma from x̂");
        assertClose(expected.dbeta, actual.dbeta, provider, in, "dbeta from x̂");
    }

    /** Both entry points give the same gradients when x̂ = (x − mean)·rstd; checked on every provider, ref included. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("providersWithReference")
    void backwardFromNormalizedAgreesWithBackward(KernelProvider provider) {
        Inputs in = new Inputs(65, 129);
        Forward saved = forward(reference, in, true, true);
        Gradients fromInput = backward(provider, in, saved, true, true, true, false);
        Gradients fromNormalized = backward(provider, in, saved, true, true, true, true);
        assertDxClose(fromInput.dx, fromNormalized.dx, provider, in, saved, "dx: from x̂ vs from x");
        assertClose(fromInput.dgamma, fromNormalized.dgamma, provider, in, "dgamma: from x̂ vs from x");
        assertClose(fromInput.dbeta, fromNormalized.dbeta, provider, in, "dbeta: from x̂ vs from x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void eachGradientMayBeOmitted(KernelProvider provider) {
        Inputs in = new Inputs(40, 33);
        Forward saved = forward(reference, in, true, true);
        Gradients expected = backward(reference, in, saved, true, true, true, false);
        for (int wanted = 0; wanted < 8; wanted++) {
            boolean dx = (wanted & 1) != 0;
            boolean dgamma = (wanted & 2) != 0;
            boolean dbeta = (wanted & 4) != 0;
            for (boolean fromNormalized : new boolean[] {false, true}) {
                Gradients actual = backward(provider, in, saved, dx, dgamma, dbeta, fromNormalized);
                String what = "dx=" + dx + " dgamma=" + dgamma + " dbeta=" + dbeta + " fromNormalized="
                        + fromNormalized;
                if (dx) {
                    assertDxClose(expected.dx, actual.dx, provider, in, saved, what + ": dx");
                }
                if (dgamma) {
                    assertClose(expected.dgamma, actual.dgamma, provider, in, what + ": dgamma");
                }
                if (dbeta) {
                    assertClose(expected.dbeta, actual.dbeta, provider, in, what + ": dbeta");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void columnGradientsAreReproducible(KernelProvider provider) {
        Inputs in = new Inputs(1001, 129); // enough rows for every thread to take a share
        Forward saved = forward(reference, in, true, true);
        Gradients first = backward(provider, in, saved, true, true, true, false);
        Gradients second = backward(provider, in, saved, true, true, true, false);
        assertArrayEquals(first.dgamma, second.dgamma, provider.name() + ": dgamma differs between runs "
                + random.describe());
        assertArrayEquals(first.dbeta, second.dbeta, provider.name() + ": dbeta differs between runs "
                + random.describe());
    }

    @Test
    void referenceNormalizesEachRow() {
        Inputs in = new Inputs(4, 50);
        java.util.Arrays.fill(in.gamma, 1);
        Forward out = forward(reference, in, false, true);
        for (int r = 0; r < in.rows; r++) {
            double mean = 0;
            double squares = 0;
            for (int c = 0; c < in.cols; c++) {
                mean += out.y[r * in.cols + c];
                squares += (double) out.y[r * in.cols + c] * out.y[r * in.cols + c];
            }
            mean /= in.cols;
            double variance = squares / in.cols - mean * mean;
            assertEquals(0, mean, 1e-5, "row " + r + " mean " + random.describe());
            assertEquals(1, variance, 1e-4, "row " + r + " variance " + random.describe());
        }
    }

    @Test
    void referenceBackwardMatchesFiniteDifferences() {
        Inputs in = new Inputs(3, 6);
        in.eps = 1e-5f;
        in.dy = random.gaussian(in.rows * in.cols, 1); // loss = Σ dy ⊙ y, so dL/dy = dy
        Gradients analytic = backward(reference, in, forward(reference, in, true, true), true, true, true, false);
        Accuracy.assertClose(numericGradient(in, in.x), analytic.dx, FINITE_DIFFERENCE_TOLERANCE,
                "dx vs finite differences " + random.describe());
        Accuracy.assertClose(numericGradient(in, in.gamma), analytic.dgamma, FINITE_DIFFERENCE_TOLERANCE,
                "dgamma vs finite differences " + random.describe());
        Accuracy.assertClose(numericGradient(in, in.beta), analytic.dbeta, FINITE_DIFFERENCE_TOLERANCE,
                "dbeta vs finite differences " + random.describe());
    }

    static java.util.stream.Stream<KernelProvider> providersWithReference() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(KernelImplementations.reference()),
                KernelImplementations.underTest());
    }

    /** d(Σ dy ⊙ y)/d(parameter), by central differences on the reference forward. */
    private float[] numericGradient(Inputs in, float[] parameter) {
        float[] gradient = new float[parameter.length];
        for (int i = 0; i < parameter.length; i++) {
            float saved = parameter[i];
            parameter[i] = saved + STEP;
            double up = dot(in.dy, forward(reference, in, true, false).y);
            parameter[i] = saved - STEP;
            double down = dot(in.dy, forward(reference, in, true, false).y);
            parameter[i] = saved;
            gradient[i] = (float) ((up - down) / (2 * STEP));
        }
        return gradient;
    }

    /** Random inputs of one case: rows off-centre and not of unit variance, so that normalizing does something. */
    private final class Inputs {
        final int rows;
        final int cols;
        float eps;
        final float[] x;
        final float[] gamma;
        final float[] beta;
        float[] dy;

        Inputs(int rows, int cols) {
            this.rows = rows;
            this.cols = cols;
            this.eps = EPSILONS[random.nextInt(EPSILONS.length)];
            this.x = random.gaussian(rows * cols, 2);
            float offset = (float) (5 * random.nextGaussian());
            for (int i = 0; i < x.length; i++) {
                x[i] += offset;
            }
            this.gamma = random.uniform(cols, 0.5f, 1.5f);
            this.beta = random.gaussian(cols, 1);
            this.dy = random.gaussian(rows * cols, 1);
        }
    }

    private record Forward(float[] y, float[] mean, float[] rstd) {
    }

    private record Gradients(float[] dx, float[] dgamma, float[] dbeta) {
    }

    private static Forward forward(KernelProvider provider, Inputs in, boolean withBeta, boolean withStatistics) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment y = buffers.emptyFloats((long) in.rows * in.cols);
            MemorySegment mean = withStatistics ? buffers.emptyFloats(in.rows) : null;
            MemorySegment rstd = withStatistics ? buffers.emptyFloats(in.rows) : null;
            provider.layerNorm().forward(in.rows, in.cols, in.eps, buffers.floats(in.x), buffers.floats(in.gamma),
                    withBeta ? buffers.floats(in.beta) : null, y, mean, rstd);
            return new Forward(buffers.readFloats(y, in.rows * in.cols),
                    withStatistics ? buffers.readFloats(mean, in.rows) : null,
                    withStatistics ? buffers.readFloats(rstd, in.rows) : null);
        }
    }

    private static Gradients backward(KernelProvider provider, Inputs in, Forward saved, boolean wantDx,
                                      boolean wantDgamma, boolean wantDbeta, boolean fromNormalized) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment dx = wantDx ? buffers.emptyFloats((long) in.rows * in.cols) : null;
            MemorySegment dgamma = wantDgamma ? buffers.emptyFloats(in.cols) : null;
            MemorySegment dbeta = wantDbeta ? buffers.emptyFloats(in.cols) : null;
            MemorySegment rstd = buffers.floats(saved.rstd);
            if (fromNormalized) {
                provider.layerNorm().backwardFromNormalized(in.rows, in.cols, buffers.floats(normalized(in, saved)),
                        rstd, buffers.floats(in.gamma), buffers.floats(in.dy), dx, dgamma, dbeta);
            } else {
                provider.layerNorm().backward(in.rows, in.cols, buffers.floats(in.x), buffers.floats(saved.mean),
                        rstd, buffers.floats(in.gamma), buffers.floats(in.dy), dx, dgamma, dbeta);
            }
            return new Gradients(wantDx ? buffers.readFloats(dx, in.rows * in.cols) : null,
                    wantDgamma ? buffers.readFloats(dgamma, in.cols) : null,
                    wantDbeta ? buffers.readFloats(dbeta, in.cols) : null);
        }
    }

    /** x̂ = (x − mean)·rstd from the saved statistics, in double then rounded once. */
    private static float[] normalized(Inputs in, Forward saved) {
        float[] xhat = new float[in.rows * in.cols];
        for (int i = 0; i < xhat.length; i++) {
            int r = i / in.cols;
            xhat[i] = (float) (((double) in.x[i] - saved.mean[r]) * saved.rstd[r]);
        }
        return xhat;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /**
     * dx = rstd·(dy·γ − mean(dy·γ) − x̂·mean(dy·γ·x̂)) per row: in a short row the three terms nearly cancel, so dx is
     * compared at the scale of the terms rather than of itself (float32 rounds relative to the terms).
     */
    private void assertDxClose(float[] expected, float[] actual, KernelProvider provider, Inputs in, Forward saved,
                               String what) {
        float[] xhat = normalized(in, saved);
        float[][] terms = new float[3][in.rows * in.cols];
        for (int r = 0; r < in.rows; r++) {
            double meanDyGamma = 0;
            double meanDyGammaXhat = 0;
            for (int c = 0; c < in.cols; c++) {
                int i = r * in.cols + c;
                meanDyGamma += (double) in.dy[i] * in.gamma[c] / in.cols;
                meanDyGammaXhat += (double) in.dy[i] * in.gamma[c] * xhat[i] / in.cols;
            }
            for (int c = 0; c < in.cols; c++) {
                int i = r * in.cols + c;
                terms[0][i] = saved.rstd[r] * in.dy[i] * in.gamma[c];
                terms[1][i] = (float) (saved.rstd[r] * meanDyGamma);
                terms[2][i] = (float) (saved.rstd[r] * xhat[i] * meanDyGammaXhat);
            }
        }
        Accuracy.assertCloseAtScale(expected, actual, Accuracy.normOfAbsoluteSum(terms), Accuracy.FLOAT_TOLERANCE,
                provider.name() + " " + what + " " + in.rows + "x" + in.cols + " eps=" + in.eps + " "
                        + random.describe());
    }

    private void assertClose(float[] expected, float[] actual, KernelProvider provider, Inputs in, String what) {
        Accuracy.assertClose(expected, actual, Accuracy.FLOAT_TOLERANCE, provider.name() + " " + what + " "
                + in.rows + "x" + in.cols + " eps=" + in.eps + " " + random.describe());
    }
}
