package dev.slimfit.model.checkpoint.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian file elements of a converting dtype (F16, BF16, F64) written as native F32. */
final class ElementConversion {

    private static final ValueLayout.OfShort FILE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble FILE_DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat NATIVE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** A bfloat16 is the upper 16 bits of the float32 with the same sign, exponent and leading mantissa bits. */
    private static final int BFLOAT16_SHIFT = 16;

    private ElementConversion() {
    }

    /** Converts {@code count} elements of {@code dtype} from {@code source} into F32 in {@code target}. */
    static void toF32(SafetensorsDType dtype, MemorySegment source, MemorySegment target, long count) {
        switch (dtype) {
            case F16 -> {
                for (long i = 0; i < count; i++) {
                    target.setAtIndex(NATIVE_FLOAT, i, Float.float16ToFloat(source.getAtIndex(FILE_SHORT, i)));
                }
            }
            case BF16 -> {
                for (long i = 0; i < count; i++) {
                    int upper = Short.toUnsignedInt(source.getAtIndex(FILE_SHORT, i));
                    target.setAtIndex(NATIVE_FLOAT, i, Float.intBitsToFloat(upper << BFLOAT16_SHIFT));
                }
            }
            case F64 -> {
                for (long i = 0; i < count; i++) {
                    target.setAtIndex(NATIVE_FLOAT, i, (float) source.getAtIndex(FILE_DOUBLE, i));
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is stored as it is, not converted");
        }
    }
}
