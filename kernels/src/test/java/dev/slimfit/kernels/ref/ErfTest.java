package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.TestRandom;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The double erf behind the reference GELU against an independent high-precision evaluation: the alternating
 * Maclaurin series {@code erf(x) = 2/√π Σ (−1)^k x^(2k+1) / (k!(2k+1))} in {@link BigDecimal} with enough digits to
 * absorb its cancellation (terms grow to about e^(x²) before they shrink), and π from Machin's formula.
 */
class ErfTest {

    /** A few double ulps: the brief for the oracle is about 1e-15 relative. */
    private static final double RELATIVE_TOLERANCE = 1e-15;
    /**
     * erfc in the tail is exp(−x²) times a continued fraction, each exact to a few ulps; their product has been seen
     * at 1.46e-15 (6.6 ulps) for random x in [1, 21], so the tail gets ~18 ulps.
     */
    private static final double TAIL_RELATIVE_TOLERANCE = 4e-15;
    /** Decimal digits kept beyond what the series' cancellation and erfc's smallness eat. */
    private static final int SPARE_DIGITS = 40;

    @Test
    void erfMatchesHighPrecisionSeriesOnRandomPointsAndAroundTheSplit() {
        TestRandom random = new TestRandom();
        double[] fixed = {0, 1e-300, 1e-8, 0.1, 0.5, 1, Erf.SERIES_LIMIT, Math.nextDown(Erf.SERIES_LIMIT),
            Math.nextUp(Erf.SERIES_LIMIT), 2, 3, 4.5, 6};
        for (double x : fixed) {
            checkErf(x, "fixed point");
            checkErf(-x, "fixed point");
        }
        for (int i = 0; i < 40; i++) {
            checkErf(random.nextDouble() * 12 - 6, random.describe());
        }
    }

    @Test
    void erfcKeepsItsRelativeAccuracyFarIntoTheTail() {
        TestRandom random = new TestRandom();
        double[] points = {1.3, 2.5, 5, 8, 10, 15, 20, 26};
        for (double x : points) {
            checkErfc(x, "fixed point");
            checkErfc(-x, "fixed point");
        }
        for (int i = 0; i < 10; i++) {
            checkErfc(1 + random.nextDouble() * 20, random.describe());
        }
        assertEquals(0.0, Erf.erfc(28), "erfc(28) underflows");
        assertEquals(2.0, Erf.erfc(-28));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
    }

    @Test
    void normalDensityIsTheDerivativeOfTheDistribution() {
        TestRandom random = new TestRandom();
        for (int i = 0; i < 50; i++) {
            double x = random.nextDouble() * 16 - 8;
            double h = 1e-5;
            double centralDifference = (Erf.standardNormalCdf(x + h) - Erf.standardNormalCdf(x - h)) / (2 * h);
            // central difference error is h²/6·|φ'''| ≤ 1e-11, well inside this bound
            assertEquals(Erf.standardNormalPdf(x), centralDifference, 1e-9, "x=" + x + " " + random.describe());
        }
    }

    private static void checkErf(double x, String context) {
        double expected = series(x, digitsFor(x)).doubleValue();
        double actual = Erf.erf(x);
        assertRelative(expected, actual, RELATIVE_TOLERANCE, "erf(" + x + ") " + context);
    }

    private static void checkErfc(double x, String context) {
        MathContext digits = digitsFor(x);
        double expected = BigDecimal.ONE.subtract(series(x, digits), digits).doubleValue();
        double actual = Erf.erfc(x);
        assertRelative(expected, actual, TAIL_RELATIVE_TOLERANCE, "erfc(" + x + ") " + context);
    }

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        double error = expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(error <= tolerance, what + ": expected " + expected + " got " + actual
                + " (relative error " + error + ")");
    }

    /**
     * Terms grow to about e^(x²) before they shrink, and erfc(x) ≈ e^(−x²): each costs x²·log10(e) digits, so
     * 1 − series keeps {@link #SPARE_DIGITS} significant digits of erfc.
     */
    private static MathContext digitsFor(double x) {
        return new MathContext(SPARE_DIGITS + (int) Math.ceil(2 * x * x * Math.log10(Math.E)));
    }

    private static BigDecimal series(double xDouble, MathContext digits) {
        BigDecimal x = new BigDecimal(xDouble);
        BigDecimal x2 = x.multiply(x, digits);
        BigDecimal power = x;          // (−1)^k x^(2k+1) / k!
        BigDecimal sum = x;
        BigDecimal threshold = BigDecimal.ONE.movePointLeft(digits.getPrecision() + 5);
        for (int k = 1; ; k++) {
            power = power.multiply(x2, digits).divide(BigDecimal.valueOf(-k), digits);
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), digits);
            sum = sum.add(term, digits);
            if (k > x2.doubleValue() && term.abs().compareTo(threshold) < 0) {
                break;
            }
        }
        BigDecimal sqrtPi = pi(digits).sqrt(digits);
        return sum.multiply(BigDecimal.valueOf(2), digits).divide(sqrtPi, digits);
    }

    /** π = 16·atan(1/5) − 4·atan(1/239) (Machin). */
    private static BigDecimal pi(MathContext digits) {
        return atanOfInverse(5, digits).multiply(BigDecimal.valueOf(16)).subtract(atanOfInverse(239, digits).multiply(
                BigDecimal.valueOf(4)), digits);
    }

    private static BigDecimal atanOfInverse(int n, MathContext digits) {
        BigDecimal inverse = BigDecimal.ONE.divide(BigDecimal.valueOf(n), digits);
        BigDecimal inverseSquared = inverse.multiply(inverse, digits);
        BigDecimal power = inverse;
        BigDecimal sum = inverse;
        BigDecimal threshold = BigDecimal.ONE.movePointLeft(digits.getPrecision() + 5);
        for (int k = 1; power.abs().compareTo(threshold) > 0; k++) {
            power = power.multiply(inverseSquared, digits).negate();
            sum = sum.add(power.divide(BigDecimal.valueOf(2L * k + 1), digits), digits);
        }
        return sum;
    }
}
