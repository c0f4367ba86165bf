package dev.slimfit.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW against the reference over several consecutive steps, against a hand derivation, and its change metric. */
class OptimizersKernelTest {

    private static final int[] LENGTHS = {0, 1, 15, 17, 1023, 100_003};
    private static final KernelProvider REF = KernelImplementations.reference();

    /** Weights, gradient, first and second moments of one tensor, kept on the host between steps. */
    private static final class State {
        float[] w;
        float[] m;
        float[] v;

        State(float[] w, int n) {
            this.w = w.clone();
            this.m = new float[n];
            this.v = new float[n];
        }

        State copy() {
            State copy = new State(w, w.length);
            copy.m = m.clone();
            copy.v = v.clone();
            return copy;
        }
    }

    static Stream<KernelProvider> everyProvider() {
        return Stream.concat(Stream.of(REF), KernelImplementations.underTest());
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void severalStepsInARowMatchReference(KernelProvider provider) {
        TestRandom random = new TestRandom();
        for (int n : LENGTHS) {
            State expected = new State(random.gaussian(n, 0.05), n);
            State actual = expected.copy();
            for (long step = 1; step <= 5; step++) {
                // a realistic BERT fine-tuning setting, fresh gradient each step
                AdamWParams params = new AdamWParams(2e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step);
                float[] g = random.gaussian(n, 1e-2);
                ChangeMetric metric = ChangeMetric.values()[(int) (step % 3)];
                float[] before = actual.w.clone();
                State previous = expected.copy();
                double referenceChange = step(REF, expected, g, params, metric);
                double actualChange = step(provider, actual, g, params, metric);
                String what = provider.name() + " n=" + n + " step " + step + " " + random.describe();
                // w and m are sums whose terms may cancel (with n = 1 a weight can land near 0 after a step), so
                // both are compared at the scale of their terms: w_prev and the step taken, β1·m_prev and (1−β1)·g.
                float[] stepTaken = new float[n];
                float[] decayedMoment = new float[n];
                float[] newGradientShare = new float[n];
                for (int i = 0; i < n; i++) {
                    stepTaken[i] = expected.w[i] - previous.w[i];
                    decayedMoment[i] = params.beta1() * previous.m[i];
                    newGradientShare[i] = (1 - params.beta1()) * g[i];
                }
                Accuracy.assertCloseAtScale(expected.w, actual.w, Accuracy.normOfAbsoluteSum(previous.w, stepTaken),
                        Accuracy.FLOAT_TOLERANCE, "w " + what);
                Accuracy.assertCloseAtScale(expected.m, actual.m,
                        Accuracy.normOfAbsoluteSum(decayedMoment, newGradientShare), Accuracy.FLOAT_TOLERANCE,
                        "m " + what);
                Accuracy.assertClose(expected.v, actual.v, Accuracy.FLOAT_TOLERANCE, "v " + what);
                // The metric is checked against its definition on this provider's own weights: after a few steps
                // a weight that passes near 0 differs between providers by a rounding of the update, and |Δw/w|
                // turns that into a large difference, so the reference's metric is only comparable on step 1.
                double expectedChange = changeMetric(before, actual.w, metric);
                if (Double.isNaN(expectedChange)) { // UNGUARDED over an empty tensor: the mean of nothing
                    assertTrue(Double.isNaN(actualChange), metric + " change " + actualChange + " " + what);
                } else {
                    assertEquals(expectedChange, actualChange, Math.abs(expectedChange) * Accuracy.FLOAT_TOLERANCE,
                            metric + " change " + what);
                }
                if (step == 1 && n > 0) { // same starting weights: the reference's metric applies
                    assertEquals(referenceChange, actualChange, Math.abs(referenceChange) * Accuracy.FLOAT_TOLERANCE,
                            metric + " change against reference " + what);
                }
            }
        }
    }

    /** The metric's definition, in double, from the weights before and after one update. */
    private static double changeMetric(float[] before, float[] after, ChangeMetric metric) {
        double sum = 0;
        long count = 0;
        for (int i = 0; i < before.length; i++) {
            if (metric == ChangeMetric.UNGUARDED || (metric == ChangeMetric.GUARDED && before[i] != 0)) {
                sum += Math.abs(((double) before[i] - after[i]) / before[i]);
                count++;
            }
        }
        return switch (metric) {
            case NONE -> 0;
            case GUARDED -> count == 0 ? 0 : sum / count;
            case UNGUARDED -> sum / count;
        };
    }

    /**
     * A hand derivation for two steps with the same gradient g. Step 1 from m = v = 0: m = (1−β1)g,
     * v = (1−β2)g², so m/(1−β1) = g and v/(1−β2) = g². Step 2: m = β1(1−β1)g + (1−β1)g = (1−β1²)g and
     * v = (1−β2²)g², so again m/(1−β1²) = g and √(v/(1−β2²)) = |g|. Both steps therefore do
     * w ← w·(1 − lr·wd) − lr·g/(|g| + eps), which the test computes in double from w alone.
     */
    @ParameterizedTest
    @MethodSource("everyProvider")
    void twoStepsWithOneGradientFollowTheHandDerivation(KernelProvider provider) {
        float lr = 0.1f;
        float weightDecay = 0.01f;
        float eps = 1e-3f;
        float[] w0 = {1f, -2f, 0.5f};
        float[] g = {0.1f, -0.2f, 0.004f};
        State state = new State(w0, 3);
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            expected[i] = w0[i];
        }
        for (long step = 1; step <= 2; step++) {
            AdamWParams params = new AdamWParams(lr, 0.9f, 0.999f, eps, weightDecay, step);
            float[] before = state.w.clone();
            double change = step(provider, state, g, params, ChangeMetric.GUARDED);
            double expectedChange = 0;
            for (int i = 0; i < 3; i++) {
                double update = (double) lr * g[i] / (Math.abs((double) g[i]) + eps);
                expected[i] = expected[i] * (1 - (double) lr * weightDecay) - update;
                expectedChange += Math.abs((before[i] - expected[i]) / before[i]) / 3;
                assertEquals(expected[i], state.w[i], 1e-6 * Math.abs(expected[i]),
                        provider.name() + " w[" + i + "] after step " + step);
            }
            assertEquals(expectedChange, change, 1e-5 * expectedChange, provider.name() + " change, step " + step);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.slimfit.kernels.KernelImplementations#underTest")
    void guardedMetricLeavesZeroWeightsOutAndUnguardedDoesNot(KernelProvider provider) {
        TestRandom random = new TestRandom();
        int n = 10_001;
        float[] w = random.gaussian(n, 0.05);
        for (int k = 0; k < 50; k++) {
            w[random.nextInt(n)] = random.nextInt(2) == 0 ? 0f : -0f;
        }
        float[] g = random.gaussian(n, 1e-2);
        AdamWParams params = new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 3);
        String what = provider.name() + " " + random.describe();

        State guarded = new State(w, n);
        double guardedChange = step(provider, guarded, g, params, ChangeMetric.GUARDED);
        double mean = 0;
        int counted = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] != 0) {
                mean += Math.abs(((double) w[i] - guarded.w[i]) / w[i]);
                counted++;
            }
        }
        mean /= counted;
        assertEquals(mean, guardedChange, 1e-5 * mean, "GUARDED mean over non-zero weights " + what);
        State reference = new State(w, n);
        assertEquals(step(REF, reference, g, params, ChangeMetric.GUARDED), guardedChange, 1e-5 * mean,
                "GUARDED against reference " + what);

        // a zero weight with a non-zero gradient moves: |Δw/0| = ∞
        State unguarded = new State(w, n);
        double unguardedChange = step(provider, unguarded, g, params, ChangeMetric.UNGUARDED);
        assertEquals(Double.POSITIVE_INFINITY, unguardedChange, "UNGUARDED with zero weights " + what);
        Accuracy.assertClose(guarded.w, unguarded.w, 0, "the metric must not change the update " + what);

        // a zero weight with zero gradient and zero moments stays 0: 0/0 = NaN
        float[] zeroGradient = g.clone();
        for (int i = 0; i < n; i++) {
            if (w[i] == 0) {
                zeroGradient[i] = 0;
            }
        }
        double nanChange = step(provider, new State(w, n), zeroGradient, params, ChangeMetric.UNGUARDED);
        assertTrue(Double.isNaN(nanChange), "UNGUARDED 0/0 should be NaN, got " + nanChange + " " + what);

        State none = new State(w, n);
        assertEquals(0.0, step(provider, none, g, params, ChangeMetric.NONE), "NONE " + what);
        Accuracy.assertClose(guarded.w, none.w, 0, "NONE must do the same update " + what);
    }

    @ParameterizedTest
    @MethodSource("everyProvider")
    void guardedMetricOfOnlyZeroWeightsIsZero(KernelProvider provider) {
        int n = 37;
        AdamWParams params = new AdamWParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        float[] g = new TestRandom().gaussian(n, 1);
        assertEquals(0.0, step(provider, new State(new float[n], n), g, params, ChangeMetric.GUARDED));
        assertEquals(0.0, step(provider, new State(new float[0], 0), new float[0], params, ChangeMetric.GUARDED));
        assertEquals(0.0, step(provider, new State(new float[0], 0), new float[0], params, ChangeMetric.NONE));
    }

    /** Runs one update of {@code state} on {@code provider} and returns the metric. */
    private static double step(KernelProvider provider, State state, float[] g, AdamWParams params,
                               ChangeMetric metric) {
        int n = g.length;
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment w = buffers.floats(state.w);
            MemorySegment m = buffers.floats(state.m);
            MemorySegment v = buffers.floats(state.v);
            double change = provider.optimizers().adamw(n, w, buffers.floats(g), m, v, params, metric);
            state.w = buffers.readFloats(w, n);
            state.m = buffers.readFloats(m, n);
            state.v = buffers.readFloats(v, n);
            return change;
        }
    }
}
