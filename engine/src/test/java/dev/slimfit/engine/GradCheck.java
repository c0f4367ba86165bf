package dev.slimfit.engine;

import dev.slimfit.engine.autograd.Autograd;
import dev.slimfit.engine.autograd.GradMode;
import dev.slimfit.kernels.TestRandom;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient check. The function's output y is reduced to a scalar L = Σ wᵢ·yᵢ with fixed random
 * weights w, summed in double; autograd's gradient of L (backward with gradient w) is compared, for every element of
 * every input that requires grad, with central differences (L(x + h) − L(x − h)) / 2h at h and h/2 combined by
 * Richardson extrapolation (error O(h⁴)), computed in double. Tensor data stays float32, so the difference quotient
 * carries rounding noise of about ε_f32·|L|/h; with h = 5e-3 and inputs of order 1 that is ~1e-4 relative, well
 * inside the tolerance, while a wrong gradient is off by O(1).
 */
public final class GradCheck {

    /** Step of the central difference. */
    public static final double STEP = 5e-3;
    /** Largest accepted relative error norm between analytic and numeric gradients of one input. */
    public static final double TOLERANCE = 1e-2;
    /**
     * Absolute allowance per element (added as ABSOLUTE·√n to the accepted error norm), for gradients that are
     * exactly 0 in theory (e.g. the key bias of softmax attention, whose effect cancels across keys): there the
     * difference quotient shows only float32 noise — the scores change by rounding, not by the bias — which the
     * Richardson step (4·narrow − wide)/3 amplifies about threefold. On whole tiny BERTs that noise reached 2.9e-4
     * for one element (seed 20750062149799, analytic 4e-8), so 1e-4 made the check fail on some seeds.
     */
    public static final double ABSOLUTE = 5e-4;

    private GradCheck() {
    }

    /**
     * Checks {@code f} at {@code inputs} (float32 leaves on a host device; those with requiresGrad are checked,
     * the others must receive no gradient). Closes nothing it did not create.
     */
    public static void check(String what, TestRandom random, Function<Tensor[], Tensor> f, Tensor... inputs) {
        double[] weights;
        float[] analyticWeights;
        try (Scope scope = Scope.open()) {
            Tensor y = f.apply(inputs);
            int n = Math.toIntExact(y.numel());
            weights = new double[n];
            analyticWeights = new float[n];
            float[] w = random.uniform(n, -1f, 1f);
            for (int i = 0; i < n; i++) {
                analyticWeights[i] = w[i];
                weights[i] = w[i];
            }
            for (Tensor input : inputs) {
                input.releaseGrad();
            }
            Tensor seed = Tensor.of(y.device(), analyticWeights, y.dims());
            Autograd.backward(y, seed);
        }
        for (int which = 0; which < inputs.length; which++) {
            Tensor input = inputs[which];
            if (!input.requiresGrad()) {
                assertNull(input.grad(), what + ": input " + which + " is frozen but received a gradient");
                continue;
            }
            assertNotNull(input.grad(), what + ": input " + which + " " + input.describe() + " received no gradient");
            float[] analytic = input.grad().toFloatArray();
            double[] numeric = numericGradient(f, inputs, input, weights);
            double diff = 0;
            double norm = 0;
            int worst = 0;
            double worstDiff = -1;
            for (int j = 0; j < numeric.length; j++) {
                double d = analytic[j] - numeric[j];
                diff += d * d;
                norm += numeric[j] * numeric[j];
                if (Math.abs(d) > worstDiff) {
                    worstDiff = Math.abs(d);
                    worst = j;
                }
            }
            double allowed = TOLERANCE * Math.sqrt(norm) + ABSOLUTE * Math.sqrt(numeric.length);
            double error = Math.sqrt(norm) > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
            if (!(Math.sqrt(diff) <= allowed)) {
                fail(what + ": gradient of input " + which + " " + input.describe() + " has relative error " + error
                        + " (worst element " + worst + ": analytic " + analytic[worst] + ", numeric " + numeric[worst]
                        + "); " + random.describe());
            }
            input.releaseGrad();
        }
    }

    private static double[] numericGradient(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor input,
                                            double[] weights) {
        MemorySegment data = input.segment();
        int n = Math.toIntExact(input.numel());
        double[] grad = new double[n];
        try (GradMode.Restore ignored = GradMode.disabled()) {
            for (int j = 0; j < n; j++) {
                float original = data.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                double wide = centralDifference(f, inputs, weights, data, j, original, STEP);
                double narrow = centralDifference(f, inputs, weights, data, j, original, STEP / 2);
                // Richardson extrapolation cancels the h² term of the central difference, so strongly curved
                // functions (whole models at large weights) are checked as tightly as gentle ones
                grad[j] = (4 * narrow - wide) / 3;
            }
        }
        return grad;
    }

    private static double centralDifference(Function<Tensor[], Tensor> f, Tensor[] inputs, double[] weights,
                                            MemorySegment data, int j, float original, double step) {
        data.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) (original + step));
        double plus = weighted(f, inputs, weights);
        data.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) (original - step));
        double minus = weighted(f, inputs, weights);
        data.setAtIndex(ValueLayout.JAVA_FLOAT, j, original);
        // the actual step is what float32 could represent
        double h2 = (double) (float) (original + step) - (double) (float) (original - step);
        return (plus - minus) / h2;
    }

    private static double weighted(Function<Tensor[], Tensor> f, Tensor[] inputs, double[] weights) {
        try (Scope scope = Scope.open()) {
            float[] y = f.apply(inputs).toFloatArray();
            double sum = 0;
            for (int i = 0; i < y.length; i++) {
                sum += weights[i] * y[i];
            }
            return sum;
        }
    }

    /** A float32 leaf on {@code device} with random values in [lo, hi), trainable or not; the caller closes it. */
    public static Tensor leaf(Device device, TestRandom random, boolean requiresGrad, float lo, float hi,
                              int... dims) {
        Shape shape = Shape.of(dims);
        Tensor t = Tensor.fromFloats(device, random.uniform(Math.toIntExact(shape.numel()), lo, hi), shape,
                Category.PARAMETER, "test.leaf");
        return t.requiresGrad(requiresGrad);
    }
}
