package dev.slimfit.engine.autograd;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Shape;

/**
 * How a saved activation is stored until backward: as it is, or in one of the activation storage formats of the
 * kernels' {@code Codecs} contract. {@link #storedBytes} is the analytic size the ledger must then show.
 */
public sealed interface Codec {

    /** Bytes the encoded form of a float32 tensor of {@code shape} occupies. */
    long storedBytes(Shape shape);

    /** Short name for reports, e.g. {@code int8(f=4)}. */
    String label();

    /** Kept as float32, sharing the buffer when possible. */
    record None() implements Codec {
        @Override
        public long storedBytes(Shape shape) {
            return DType.F32.byteSize(shape.numel());
        }

        @Override
        public String label() {
            return "fp32";
        }
    }

    /** Fixed-point int8: {@code q = clamp(round(x·2^fracBits), −128, 127)}. */
    record FixedInt8(int fracBits) implements Codec {
        @Override
        public long storedBytes(Shape shape) {
            return DType.I8.byteSize(shape.numel());
        }

        @Override
        public String label() {
            return "int8(f=" + fracBits + ")";
        }
    }

    /** Fixed-point uint8 for values in [0, 1): {@code q = clamp(round(p·256), 0, 255)}. */
    record FixedUint8() implements Codec {
        @Override
        public long storedBytes(Shape shape) {
            return DType.U8.byteSize(shape.numel());
        }

        @Override
        public String label() {
            return "uint8";
        }
    }

    /** Fixed-point int4, two per byte: {@code q = clamp(round(x·2^fracBits), −8, 7)}. */
    record FixedInt4(int fracBits) implements Codec {
        @Override
        public long storedBytes(Shape shape) {
            return DType.I4.byteSize(shape.numel());
        }

        @Override
        public String label() {
            return "int4(f=" + fracBits + ")";
        }
    }

    /**
     * Top-k sparse per row (last dimension): keeps {@link #k(int)} largest-magnitude entries of each row as float32
     * values plus int32 column indices.
     */
    record TopK(double fraction) implements Codec {
        public TopK {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("top-k fraction must be in (0, 1], got " + fraction);
            }
        }

        /** Entries kept per row of {@code cols}: ⌈fraction·cols⌉. */
        public int k(int cols) {
            return (int) Math.min(cols, Math.ceil(fraction * cols));
        }

        @Override
        public long storedBytes(Shape shape) {
            long rows = shape.rows();
            long kept = rows * k(shape.last());
            return DType.F32.byteSize(kept) + DType.I32.byteSize(kept);
        }

        @Override
        public String label() {
            return "top" + Math.round(fraction * 100) + "%";
        }
    }

    Codec NONE = new None();
}
