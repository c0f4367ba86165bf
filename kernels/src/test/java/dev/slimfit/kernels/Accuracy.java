package dev.slimfit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Comparisons of a provider's output with the reference: relative error norm for floats, exact equality for
 * integer data.
 */
public final class Accuracy {

    /** Tolerance for float kernels whose reference differs only by float32 rounding of the same formula. */
    public static final double FLOAT_TOLERANCE = 1e-5;

    private Accuracy() {
    }

    /**
     * {@code ‖actual − expected‖₂ / ‖expected‖₂}; when the expected norm is 0 the absolute error norm is used.
     * Non-finite values must match exactly (same NaN-ness and same infinities) and are left out of the norms.
     */
    public static double relativeErrorNorm(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + " != expected " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (!Float.isFinite(e) || !Float.isFinite(a)) {
                boolean same = (Float.isNaN(e) && Float.isNaN(a)) || e == a;
                if (!same) {
                    return Double.POSITIVE_INFINITY;
                }
                continue;
            }
            diff += ((double) a - e) * ((double) a - e);
            norm += (double) e * e;
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        double error = relativeErrorNorm(expected, actual);
        if (!(error <= tolerance)) {
            int worst = worstIndex(expected, actual);
            fail(what + ": relative error norm " + error + " > " + tolerance + "; worst at [" + worst + "] expected "
                    + expected[worst] + " got " + actual[worst]);
        }
    }

    /**
     * Like {@link #assertClose} but relative to {@code max(‖expected‖₂, scale)}: for a result computed as a sum
     * of terms that may nearly cancel (a weight that an update carries through 0), float32 rounding is relative to
     * the terms, so the caller passes the norm of their element-wise absolute sum.
     */
    public static void assertCloseAtScale(float[] expected, float[] actual, double scale, double tolerance,
                                          String what) {
        double expectedNorm = 0;
        for (float e : expected) {
            if (Float.isFinite(e)) {
                expectedNorm += (double) e * e;
            }
        }
        expectedNorm = Math.sqrt(expectedNorm);
        double relative = relativeErrorNorm(expected, actual);
        double error = expectedNorm == 0 ? relative : relative * expectedNorm / Math.max(expectedNorm, scale);
        if (!(error <= tolerance)) {
            int worst = worstIndex(expected, actual);
            fail(what + ": error norm relative to scale " + Math.max(expectedNorm, scale) + " is " + error + " > "
                    + tolerance + "; worst at [" + worst + "] expected " + expected[worst] + " got " + actual[worst]);
        }
    }

    /** {@code ‖Σₜ |termₜ|‖₂}, element-wise: the scale at which a sum of these terms is rounded. */
    public static double normOfAbsoluteSum(float[]... terms) {
        double sum = 0;
        for (int i = 0; i < terms[0].length; i++) {
            double element = 0;
            for (float[] term : terms) {
                element += Math.abs((double) term[i]);
            }
            sum += element * element;
        }
        return Math.sqrt(sum);
    }

    public static void assertExact(byte[] expected, byte[] actual, String what) {
        assertArrayEquals(expected, actual, what);
    }

    public static void assertExact(int[] expected, int[] actual, String what) {
        assertArrayEquals(expected, actual, what);
    }

    private static int worstIndex(float[] expected, float[] actual) {
        int worst = 0;
        double worstDiff = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (Double.isNaN(d) || d > worstDiff) {
                worst = i;
                worstDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return worst;
    }
}
