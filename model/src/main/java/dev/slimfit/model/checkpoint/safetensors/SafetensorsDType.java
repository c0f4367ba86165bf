package dev.slimfit.model.checkpoint.safetensors;

import dev.slimfit.engine.DType;

import java.util.Arrays;
import java.util.Optional;

/**
 * The safetensors element types this project reads, by their names in the header. F32, I32, I8 and U8 load as they
 * are; F16, BF16 and F64 load as F32 (converted element by element), since the engine computes in F32 and Hugging
 * Face checkpoints are often saved in half precision. Every other safetensors dtype (BOOL, I16, U16, I64, U32, U64,
 * the F8 variants...) is rejected by {@link #parse}, naming the dtype.
 */
public enum SafetensorsDType {
    F32(4, DType.F32),
    I32(4, DType.I32),
    I8(1, DType.I8),
    U8(1, DType.U8),
    /** IEEE 754 binary16, widened to F32 exactly. */
    F16(2, DType.F32),
    /** bfloat16 (the upper half of an F32), widened to F32 exactly. */
    BF16(2, DType.F32),
    /** binary64, rounded to the nearest F32. */
    F64(8, DType.F32);

    private final int elementBytes;
    private final DType loadsAs;

    SafetensorsDType(int elementBytes, DType loadsAs) {
        this.elementBytes = elementBytes;
        this.loadsAs = loadsAs;
    }

    /** Bytes per element in the file. */
    public int elementBytes() {
        return elementBytes;
    }

    /** The engine type a tensor of this dtype becomes when loaded. */
    public DType loadsAs() {
        return loadsAs;
    }

    /** Whether loading changes the element type (F16, BF16, F64 → F32) rather than copying the bytes. */
    public boolean converts() {
        return elementBytes != loadsAs.elementBytes();
    }

    /** The dtype named {@code name} in a header, if this project reads it. */
    public static Optional<SafetensorsDType> parse(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** The safetensors dtype that stores an engine type as it is; empty for {@link DType#I4}, which has none. */
    public static Optional<SafetensorsDType> storing(DType dtype) {
        return switch (dtype) {
            case F32 -> Optional.of(F32);
            case I32 -> Optional.of(I32);
            case I8 -> Optional.of(I8);
            case U8 -> Optional.of(U8);
            case I4 -> Optional.empty();
        };
    }

    /** The names {@link #parse} accepts, for error messages. */
    public static String supportedNames() {
        return Arrays.toString(values());
    }
}
