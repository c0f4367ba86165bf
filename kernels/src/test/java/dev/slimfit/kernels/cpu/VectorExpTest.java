package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.TestRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vector e^x against {@link Math#exp} in double, value by value, in ulps of the correctly rounded float. */
class VectorExpTest {

    /** The polynomial (2e-9), the reduction and the two scalings each round once; measured maxima are near 1 ulp. */
    private static final double MAX_ULPS = 2;

    @Test
    void withinTwoUlpsOverTheWholeNormalRangeAndExactAtZero() {
        TestRandom random = new TestRandom();
        int lanes = VectorLoops.LANES;
        int points = 200_000 / lanes * lanes;
        float[] x = new float[points];
        float[] uniform = random.uniform(points / 2, VectorExp.MIN_ARGUMENT, VectorExp.MAX_ARGUMENT);
        System.arraycopy(uniform, 0, x, 0, uniform.length);
        for (int i = uniform.length; i < points; i++) { // dense near 0, where GELU's φ spends most of its calls
            x[i] = -8f + 16f * (i - uniform.length) / (points - uniform.length);
        }
        float[] result = new float[lanes];
        double worst = 0;
        for (int i = 0; i < points; i += lanes) {
            VectorExp.exp(FloatVector.fromArray(VectorLoops.FLOATS, x, i)).intoArray(result, 0);
            for (int lane = 0; lane < lanes; lane++) {
                double exact = Math.exp(x[i + lane]);
                float rounded = (float) exact;
                if (rounded < Float.MIN_NORMAL) {
                    // subnormal results: within one subnormal step (the final scaling rounds once)
                    assertTrue(Math.abs(result[lane] - exact) <= Float.MIN_VALUE, "exp(" + x[i + lane] + ")");
                    continue;
                }
                double ulps = Math.abs(result[lane] - exact) / Math.ulp(rounded);
                assertTrue(ulps <= MAX_ULPS, "exp(" + x[i + lane] + ") = " + result[lane] + ", expected " + exact
                        + ": " + ulps + " ulps " + random.describe());
                worst = Math.max(worst, ulps);
            }
        }
        System.out.printf("VectorExp max ulps %.2f%n", worst);
        float[] special = new float[lanes];
        special[1] = Float.NaN;
        special[2] = -1000f;
        VectorExp.exp(FloatVector.fromArray(VectorLoops.FLOATS, special, 0)).intoArray(result, 0);
        assertEquals(1f, result[0], "exp(0)");
        assertTrue(Float.isNaN(result[1]), "exp(NaN)");
        assertEquals(0f, result[2], "exp(-1000)");
    }
}
