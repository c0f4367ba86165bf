package dev.slimfit.engine;

/**
 * Element types. {@link #F32} is the compute type; the integer types hold codec output and indices. {@link #I4}
 * packs two 4-bit values per byte (element 2i in the low nibble), so an I4 tensor is addressed only as a whole.
 */
public enum DType {
    F32(32),
    I32(32),
    I8(8),
    U8(8),
    I4(4);

    private final int bits;

    DType(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** Bytes that {@code elements} elements occupy (rounded up to whole bytes). */
    public long byteSize(long elements) {
        return (elements * bits + 7) / 8;
    }

    /** Bytes per element; only for whole-byte types. */
    public int elementBytes() {
        if (bits % 8 != 0) {
            throw new UnsupportedOperationException(this + " is packed below one byte per element");
        }
        return bits / 8;
    }

    public boolean isPacked() {
        return bits % 8 != 0;
    }
}
