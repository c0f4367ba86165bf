package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;

/**
 * The standard normal density φ and distribution Φ on float vectors ({@link VectorLoops#FLOATS}), for the exact (erf) GELU: the Vector API has
 * no erf. Φ(x) = ½(1 + erf(x/√2)) is computed in two regions of a = |x|:
 *
 * <ul>
 *   <li>a ≤ {@value #CENTRAL_LIMIT}: {@code Φ(x) = ½ + x·P(x²)}, P of degree 6 in x²;</li>
 *   <li>a > {@value #CENTRAL_LIMIT}: {@code 1 − Φ(a) = φ(a)·Q(t)}, {@code t = 1/(1 + a/}{@value #TAIL_SCALE}{@code )},
 *       Q of degree 8 approximating Mills' ratio (1 − Φ(a))/φ(a); Φ(x) is that for x &lt; 0 and one minus it for
 *       x &gt; 0, so Φ keeps its relative accuracy far into the negative tail where GELU's output is tiny.</li>
 * </ul>
 * The coefficients are weighted least-squares fits of the relative error on Chebyshev nodes, made by
 * {@code kernels/tools/fit_normal_cdf.py} against 40-digit mpmath values; in exact arithmetic both polynomials are
 * within 3e-9 relative of their targets (a float ulp is 6e-8). φ uses {@link VectorExp} of an exactly split
 * {@code −a²/2}, so the rounding of a² (relative 2⁻²⁴, i.e. an absolute 1e-5 in the exponent at a = 14) does not
 * reach the result. Inputs beyond {@value #TAIL_LIMIT} are clamped: φ(14.5) already underflows to 0 in float.
 */
final class NormalCdfVectors {

    static final float CENTRAL_LIMIT = 1.5f;
    static final float TAIL_START = 0.5f;
    static final float TAIL_LIMIT = 14.5f;
    static final float TAIL_SCALE = 4f;

    private static final float INV_SQRT_2PI = 0.3989422804014327f;

    // P(x²) ≈ (Φ(x) − ½)/x on |x| ≤ 1.5
    private static final float P0 = 3.989422799e-01f;
    private static final float P1 = -6.649034531e-02f;
    private static final float P2 = 9.973282356e-03f;
    private static final float P3 = -1.186554848e-03f;
    private static final float P4 = 1.144072935e-04f;
    private static final float P5 = -8.736817078e-06f;
    private static final float P6 = 4.141273513e-07f;

    // Q(t) ≈ (1 − Φ(a))/φ(a), t = 1/(1 + a/4), on 0.5 ≤ a ≤ 14.5
    private static final float Q0 = -3.401811342e-06f;
    private static final float Q1 = 2.500802659e-01f;
    private static final float Q2 = 2.491948892e-01f;
    private static final float Q3 = 2.387772626e-01f;
    private static final float Q4 = 1.895172532e-01f;
    private static final float Q5 = 1.785026194e-01f;
    private static final float Q6 = 1.235091752e-01f;
    private static final float Q7 = -6.045101674e-02f;
    private static final float Q8 = 2.440134364e-01f;
    private static final float Q9 = -2.129092862e-01f;
    private static final float Q10 = 5.308432692e-02f;

    private NormalCdfVectors() {
    }

    /** |x| limited to {@value #TAIL_LIMIT} (NaN stays NaN): the argument both φ and the tail of Φ start from. */
    static FloatVector clampedAbs(FloatVector x) {
        FloatVector a = x.abs();
        return a.blend(TAIL_LIMIT, a.compare(VectorOperators.GT, TAIL_LIMIT));
    }

    /** φ(x) = e^(−x²/2)/√(2π); 0 beyond ±{@value #TAIL_LIMIT}, NaN for NaN. */
    static FloatVector density(FloatVector x) {
        return densityOfClamped(clampedAbs(x));
    }

    /** φ from {@code a} = {@link #clampedAbs}(x). */
    static FloatVector densityOfClamped(FloatVector a) {
        FloatVector square = a.mul(a);
        FloatVector squareError = a.fma(a, square.neg()); // a² − square, exactly
        // e^(−(square + error)/2) = e^(−square/2)·(1 − error/2) to float precision since |error| ≤ ulp(square)/2
        FloatVector correction = squareError.fma(bc(-0.5f * INV_SQRT_2PI), bc(INV_SQRT_2PI));
        return VectorExp.exp(square.mul(-0.5f)).mul(correction);
    }

    /** Φ(x), given {@code density} = φ(x) from {@link #density}. */
    static FloatVector distribution(FloatVector x, FloatVector density) {
        return distribution(x, clampedAbs(x), density);
    }

    /** Φ(x), given {@code a} = {@link #clampedAbs}(x) and {@code density} = φ(x). */
    static FloatVector distribution(FloatVector x, FloatVector a, FloatVector density) {
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(P6, P5).fma(x2, bc(P4)).fma(x2, bc(P3)).fma(x2, bc(P2)).fma(x2, bc(P1))
                .fma(x2, bc(P0));
        FloatVector central = p.fma(x, bc(0.5f));

        FloatVector t = bc(1f).div(a.fma(bc(1 / TAIL_SCALE), bc(1f)));
        FloatVector q = t.fma(Q10, Q9).fma(t, bc(Q8)).fma(t, bc(Q7)).fma(t, bc(Q6)).fma(t, bc(Q5)).fma(t, bc(Q4))
                .fma(t, bc(Q3)).fma(t, bc(Q2)).fma(t, bc(Q1)).fma(t, bc(Q0));
        FloatVector upperTail = density.mul(q); // 1 − Φ(|x|)
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        FloatVector tail = bc(1f).sub(upperTail).blend(upperTail, negative);
        VectorMask<Float> centralRegion = x.compare(VectorOperators.LE, CENTRAL_LIMIT)
                .and(x.compare(VectorOperators.GE, -TAIL_START));
        return tail.blend(central, centralRegion);
    }

    private static FloatVector bc(float value) {
        return FloatVector.broadcast(FLOATS, value);
    }
}
