package dev.slimfit.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Round-half-to-even of clamped floats to integers, exactly, with plain float additions: the Vector API has no
 * {@code rint}. After clamping to a small range, adding {@link #MAGIC} = 1.5·2^23 puts the sum in [2^23, 2^24), where
 * consecutive floats are exactly 1 apart, so the addition itself rounds to the nearest integer with ties to even
 * (MAGIC is even, so the parity of the sum is that of the integer). The integer is then read straight from the
 * sum's bits: in that binade the mantissa field counts units above 2^23, so {@code bits(v + MAGIC) − bits(MAGIC)}
 * is the rounded {@code v}, negative values included. Exact for |v| < 2^22; the codecs clamp to at most 255 first.
 * NaN becomes 0 before clamping (min/max would propagate it).
 */
final class FixedPointRounding {

    /** 1.5·2^23. */
    static final float MAGIC = 12_582_912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

    private FixedPointRounding() {
    }

    /** {@code clamp(rint(v), min, max)} lane-wise, NaN → 0. */
    static IntVector roundClamped(FloatVector v, float min, float max) {
        FloatVector clamped = v.blend(0f, v.test(VectorOperators.IS_NAN)).max(min).min(max);
        return clamped.add(MAGIC).reinterpretAsInts().sub(MAGIC_BITS);
    }

    /** The scalar form of {@link #roundClamped(FloatVector, float, float)}, with the same operations. */
    static int roundClamped(float v, float min, float max) {
        float clamped = Float.isNaN(v) ? 0f : Math.min(Math.max(v, min), max);
        return Float.floatToRawIntBits(clamped + MAGIC) - MAGIC_BITS;
    }
}
