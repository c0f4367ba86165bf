package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;

/**
 * e^x on float vectors ({@link VectorLoops#FLOATS}) in plain vector arithmetic. The Vector API's {@code lanewise(EXP)} measured about 7 GB/s of
 * streaming on this project's machines (a few cycles per element), far below memory speed, which made GELU
 * compute-bound; this version is a dozen FMAs, shifts and conversions per vector.
 *
 * <p>Method: {@code x = n·ln2 + r} with {@code n = round(x/ln2)} and |r| ≤ ln2/2 (r from a two-part ln2, Cody and
 * Waite, so it is exact to float precision), {@code e^r} by a degree-6 polynomial (relative least-squares fit on
 * Chebyshev nodes, made by {@code kernels/tools/fit_normal_cdf.py}, 2e-9 relative in exact arithmetic), and
 * {@code 2^n} built from exponent bits in two halves so that results down to the subnormal range round once.
 * Valid for x in [{@value #MIN_ARGUMENT}, {@value #MAX_ARGUMENT}] (inputs are clamped there: below, e^x is 0 in
 * float; above, it overflows); NaN stays NaN.
 */
final class VectorExp {

    static final float MIN_ARGUMENT = -106f;
    static final float MAX_ARGUMENT = 88f;

    private static final float LOG2_E = 1.44269504088896341f;
    /** ln2 = LN2_HIGH + LN2_LOW, with LN2_HIGH short enough that n·LN2_HIGH is exact for |n| < 2⁹. */
    private static final float LN2_HIGH = 0.693145751953125f;
    private static final float LN2_LOW = 1.42860682030941723212e-6f;
    /**
     * Adding 1.5·2²³ rounds a float of magnitude below 2²² to the nearest integer n, and leaves n in the low bits of
     * the sum: its bit pattern is that of the shifter plus n. This replaces a float-to-int conversion (which needs
     * fix-up code for Java's NaN and overflow rules on AVX2).
     */
    private static final float ROUNDING_SHIFTER = 0x1.8p23f;
    private static final int ROUNDING_SHIFTER_BITS = Float.floatToRawIntBits(ROUNDING_SHIFTER);
    private static final int EXPONENT_BIAS = 127;
    private static final int MANTISSA_BITS = 23;

    private static final float E0 = 1.000000001e+00f;
    private static final float E1 = 1.000000036e+00f;
    private static final float E2 = 4.999999149e-01f;
    private static final float E3 = 1.666642083e-01f;
    private static final float E4 = 4.166835803e-02f;
    private static final float E5 = 8.374771520e-03f;
    private static final float E6 = 1.382942059e-03f;

    private VectorExp() {
    }

    static FloatVector exp(FloatVector x) {
        // clamp by compare-and-blend rather than min/max, whose Java NaN rules cost extra instructions on AVX2;
        // a NaN compares false and passes through
        FloatVector clamped = x.blend(MIN_ARGUMENT, x.compare(VectorOperators.LT, MIN_ARGUMENT));
        clamped = clamped.blend(MAX_ARGUMENT, clamped.compare(VectorOperators.GT, MAX_ARGUMENT));
        FloatVector shifted = clamped.fma(FloatVector.broadcast(FLOATS, LOG2_E),
                FloatVector.broadcast(FLOATS, ROUNDING_SHIFTER));
        FloatVector n = shifted.sub(ROUNDING_SHIFTER);
        FloatVector r = n.fma(FloatVector.broadcast(FLOATS, -LN2_HIGH), clamped).add(n.mul(-LN2_LOW));
        FloatVector p = r.fma(E6, E5).fma(r, FloatVector.broadcast(FLOATS, E4))
                .fma(r, FloatVector.broadcast(FLOATS, E3)).fma(r, FloatVector.broadcast(FLOATS, E2))
                .fma(r, FloatVector.broadcast(FLOATS, E1)).fma(r, FloatVector.broadcast(FLOATS, E0));
        // 2^n = 2^half · 2^(n − half): each factor is a normal float even when 2^n alone would be subnormal
        IntVector exponent = shifted.reinterpretAsInts().sub(ROUNDING_SHIFTER_BITS);
        IntVector half = exponent.lanewise(VectorOperators.ASHR, 1);
        return p.mul(powerOfTwo(half)).mul(powerOfTwo(exponent.sub(half)));
    }

    private static FloatVector powerOfTwo(IntVector exponent) {
        return exponent.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS).reinterpretAsFloats();
    }
}
