package dev.slimfit.kernels.ref;

/**
 * The error function and its complement in double precision, accurate to a few double ulps (about 1e-15 relative)
 * over the whole real line, including the tiny tails of {@code erfc}. It is the oracle behind the reference GELU, so
 * it is built from two classical expansions that need no fitted coefficients:
 *
 * <ul>
 *   <li>for {@code |x| < }{@value #SERIES_LIMIT}: the everywhere-convergent series with positive terms
 *       (Abramowitz and Stegun 7.1.6)
 *       <pre>erf(x) = 2/√π · e^(−x²) · Σ_{k≥0} 2^k x^(2k+1) / (1·3·5···(2k+1))</pre>
 *       Every term has the sign of x, so the sum loses nothing to cancellation. {@code erfc = 1 − erf} there loses
 *       at most one decimal digit, because {@code erf(}{@value #SERIES_LIMIT}{@code ) < 0.92}.</li>
 *   <li>for {@code |x| ≥ }{@value #SERIES_LIMIT}: {@code erfc(x) = Γ(½, x²)/√π} with Legendre's continued fraction
 *       for the upper incomplete gamma function,
 *       <pre>Γ(a, z) = e^(−z) z^a / (z + 1 − a − 1·(1−a) / (z + 3 − a − 2·(2−a) / (z + 5 − a − ...)))</pre>
 *       evaluated from the top by the modified Lentz method (Thompson and Barnett, J. Comput. Phys. 64, 1986). For
 *       {@code z = x² ≥ 1.5 > a + 1} it converges in a few dozen terms; {@code erf = 1 − erfc} there has no
 *       cancellation since {@code erfc < 0.09}.</li>
 * </ul>
 * The split point is the one Numerical Recipes recommends for the incomplete gamma function ({@code z < a + 1}
 * series, else continued fraction). The test {@code ErfTest} checks both against a 60-digit Taylor series.
 */
public final class Erf {

    /** |x| below which the series is used; x² = 1.5 = a + 1 for a = ½. */
    static final double SERIES_LIMIT = 1.224744871391589; // √1.5

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    /** The series stops once a term is below this fraction of the sum: a quarter of a double ulp. */
    private static final double SERIES_CONVERGED = 0x1p-55;
    /** The fraction stops once a step multiplies it by 1 within one double ulp (it can oscillate by an ulp). */
    private static final double FRACTION_CONVERGED = 0x1p-52;
    /** Keeps the Lentz recurrences away from an exact zero divisor (it never happens for these fractions). */
    private static final double TINY = 1e-300;
    /** Beyond this many terms both expansions have long converged for every double; reaching it is a bug. */
    private static final int MAX_TERMS = 500;
    /** erfc(x) underflows to 0 in double for x above about 26.55; erf(x) is 1 to the last bit well before. */
    private static final double ERFC_UNDERFLOW = 27.3;

    private Erf() {
    }

    /** The error function {@code erf(x) = 2/√π ∫₀ˣ e^(−t²) dt}. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < SERIES_LIMIT) {
            return positiveSeries(x);
        }
        double tail = ax >= ERFC_UNDERFLOW ? 0 : continuedFractionErfc(ax);
        return Math.copySign(1 - tail, x);
    }

    /** The complementary error function {@code erfc(x) = 1 − erf(x)}, accurate relative to itself in the tails. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < SERIES_LIMIT) {
            return 1 - positiveSeries(x);
        }
        double tail = ax >= ERFC_UNDERFLOW ? 0 : continuedFractionErfc(ax);
        return x > 0 ? tail : 2 - tail;
    }

    /** The standard normal distribution function {@code Φ(x) = ½·erfc(−x/√2)}, relative-accurate for x → −∞. */
    public static double standardNormalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** The standard normal density {@code φ(x) = e^(−x²/2)/√(2π)}. */
    public static double standardNormalPdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /**
     * {@code e^(−x²)} without the error of rounding x² first: that rounding (relative 2⁻⁵³ of x²) would become an
     * absolute error of x²·2⁻⁵³ in the exponent, i.e. 1e-13 relative at x = 26. x² is split exactly into
     * {@code hi + lo} with an FMA and {@code e^(−lo) = 1 − lo} to double precision since |lo| ≤ ulp(hi).
     */
    static double expMinusSquare(double x) {
        double hi = x * x;
        double lo = Math.fma(x, x, -hi);
        return Math.exp(-hi) * (1 - lo);
    }

    private static double positiveSeries(double x) {
        double x2 = x * x;
        double term = x;   // 2^k x^(2k+1) / (2k+1)!!
        double sum = x;
        for (int k = 1; k < MAX_TERMS; k++) {
            term *= 2 * x2 / (2 * k + 1);
            sum += term;
            if (Math.abs(term) <= SERIES_CONVERGED * Math.abs(sum)) {
                return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
            }
        }
        throw new IllegalStateException("erf series did not converge for x = " + x);
    }

    /** erfc(x) for x ≥ {@link #SERIES_LIMIT}: Γ(½, x²)/√π, the fraction evaluated by modified Lentz. */
    private static double continuedFractionErfc(double x) {
        double a = 0.5;
        double z = x * x;
        // Even form of Legendre's fraction: 1 / (b0 + a1/(b1 + a2/(b2 + ...))), b_i = z + 2i + 1 − a, a_i = −i(i − a)
        double b = z + 1 - a;
        double c = 1 / TINY;
        double d = 1 / b;
        double fraction = d;
        for (int i = 1; i < MAX_TERMS; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < TINY) {
                d = TINY;
            }
            c = b + an / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            d = 1 / d;
            double delta = d * c;
            fraction *= delta;
            if (Math.abs(delta - 1) <= FRACTION_CONVERGED) {
                // Γ(½, z) = e^(−z) · z^½ · fraction, and z^½ = x
                return ONE_OVER_SQRT_PI * expMinusSquare(x) * x * fraction;
            }
        }
        throw new IllegalStateException("erfc continued fraction did not converge for x = " + x);
    }
}
