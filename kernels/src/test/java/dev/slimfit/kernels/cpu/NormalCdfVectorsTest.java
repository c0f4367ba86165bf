package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.TestRandom;
import dev.slimfit.kernels.ref.Erf;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Element-by-element accuracy of the float Φ, φ, GELU and tanh of the CPU kernels, in units in the last place of the
 * correctly rounded float result, against the double-precision reference functions. The kernel tests compare error
 * norms over whole buffers; these bound every single value, including the negative tail where Φ is tiny.
 */
class NormalCdfVectorsTest {

    /**
     * Bound for Φ, GELU and GELU' (measured maxima over this grid: about 5.6, 6.1 and 2.6 ulps). In the tails
     * Φ = φ·Q adds the errors of EXP (≈1 ulp), of the exact-split correction, of Q's Horner chain (its terms decay
     * slowly, ≈3 ulps) and of the product; a value just below a power of two counts the same error twice in ulps.
     */
    private static final double MAX_ULPS = 8;
    /** Bound for φ and tanh alone (measured maxima about 2.3 and 0.5 ulps). */
    private static final double MAX_ULPS_ELEMENTARY = 3;
    /** Smallest result checked in ulps: below it Φ and φ are subnormal and lose bits by construction. */
    private static final double SMALLEST_CHECKED = Float.MIN_NORMAL;

    @Test
    void distributionDensityAndGeluAreWithinAFewUlpsEverywhere() {
        float[] x = samplePoints(new TestRandom());
        double worstCdf = 0;
        double worstPdf = 0;
        double worstGelu = 0;
        double worstGeluDerivative = 0;
        int lanes = VectorLoops.LANES;
        float[] cdf = new float[lanes];
        float[] pdf = new float[lanes];
        float[] gelu = new float[lanes];
        float[] derivative = new float[lanes];
        for (int i = 0; i + lanes <= x.length; i += lanes) {
            FloatVector xv = FloatVector.fromArray(VectorLoops.FLOATS, x, i);
            FloatVector density = NormalCdfVectors.density(xv);
            NormalCdfVectors.distribution(xv, density).intoArray(cdf, 0);
            density.intoArray(pdf, 0);
            CpuActivations.gelu(xv, density).intoArray(gelu, 0);
            CpuActivations.geluDerivative(xv, density).intoArray(derivative, 0);
            for (int lane = 0; lane < lanes; lane++) {
                double xi = x[i + lane];
                double exactCdf = Erf.standardNormalCdf(xi);
                double exactPdf = Erf.standardNormalPdf(xi);
                worstCdf = Math.max(worstCdf, ulps(exactCdf, cdf[lane], xi, "Φ", MAX_ULPS));
                worstPdf = Math.max(worstPdf, ulps(exactPdf, pdf[lane], xi, "φ", MAX_ULPS_ELEMENTARY));
                if (exactCdf >= SMALLEST_CHECKED) { // a subnormal Φ has already lost bits
                    worstGelu = Math.max(worstGelu, ulps(xi * exactCdf, gelu[lane], xi, "GELU", MAX_ULPS));
                }
                // Φ + xφ cancels for x < −0.75 or so (it has a zero near −0.75): check it absolutely there
                double exactDerivative = exactCdf + xi * exactPdf;
                if (xi > -0.5) {
                    worstGeluDerivative = Math.max(worstGeluDerivative,
                            ulps(exactDerivative, derivative[lane], xi, "GELU'", MAX_ULPS));
                } else {
                    assertTrue(Math.abs(derivative[lane] - exactDerivative) <= 4 * Math.ulp(1f),
                            "GELU'(" + xi + ") = " + derivative[lane] + ", expected " + exactDerivative);
                }
            }
        }
        System.out.printf("max ulps: Φ %.2f, φ %.2f, GELU %.2f, GELU' %.2f%n", worstCdf, worstPdf, worstGelu,
                worstGeluDerivative);
    }

    @Test
    void vectorTanhIsWithinAFewUlpsOfMathTanh() {
        float[] x = samplePoints(new TestRandom());
        int lanes = VectorLoops.LANES;
        float[] tanh = new float[lanes];
        double worst = 0;
        for (int i = 0; i + lanes <= x.length; i += lanes) {
            FloatVector.fromArray(VectorLoops.FLOATS, x, i).lanewise(VectorOperators.TANH).intoArray(tanh, 0);
            for (int lane = 0; lane < lanes; lane++) {
                double xi = x[i + lane];
                worst = Math.max(worst, ulps(Math.tanh(xi), tanh[lane], xi, "tanh", MAX_ULPS_ELEMENTARY));
            }
        }
        System.out.printf("max ulps: tanh %.2f%n", worst);
    }

    /** A dense grid over [−16, 16], random points, and the region boundaries with their neighbours. */
    private static float[] samplePoints(TestRandom random) {
        int grid = 64_000;
        int randomPoints = 64_000;
        float[] special = {0f, -0f, NormalCdfVectors.CENTRAL_LIMIT, -NormalCdfVectors.CENTRAL_LIMIT,
            Math.nextUp(NormalCdfVectors.CENTRAL_LIMIT), -Math.nextUp(NormalCdfVectors.CENTRAL_LIMIT),
            Math.nextDown(NormalCdfVectors.CENTRAL_LIMIT), NormalCdfVectors.TAIL_LIMIT,
            -NormalCdfVectors.TAIL_LIMIT, 1e-20f, -1e-20f, 1e-3f, -1e-3f, 5f, -5f, 9f, -9f, 13f, -13f};
        int total = grid + randomPoints + special.length;
        total += VectorLoops.LANES - total % VectorLoops.LANES;
        float[] x = new float[total];
        for (int i = 0; i < grid; i++) {
            x[i] = -16f + 32f * i / grid;
        }
        float[] uniform = random.uniform(randomPoints, -16, 16);
        System.arraycopy(uniform, 0, x, grid, randomPoints);
        System.arraycopy(special, 0, x, grid + randomPoints, special.length);
        return x;
    }

    /** |actual − exact| in ulps of the float nearest to {@code exact}; fails above {@code bound}. */
    private static double ulps(double exact, float actual, double x, String what, double bound) {
        if (Math.abs(exact) < SMALLEST_CHECKED) {
            return 0;
        }
        double error = Math.abs(actual - exact) / Math.ulp((float) exact);
        assertTrue(error <= bound, what + "(" + x + ") = " + actual + ", expected " + exact + ": " + error
                + " ulps");
        return error;
    }
}
