package dev.slimfit.engine.autograd;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.Codecs;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A float32 tensor stored in a compressed {@link Codec} format, counted in the ledger as {@link Category#ACTIVATION}
 * at its encoded size. Shared by every slot that saves the same view with the same codec (reference counted).
 */
final class EncodedActivation {

    private final Codec codec;
    private final Shape shape;
    private final Tensor[] parts;
    private final Object sourceKey;
    private final long sourceOffset;
    private final long[] sourceStrides;
    private int references = 1;

    private EncodedActivation(Codec codec, Shape shape, Tensor[] parts, Object sourceKey, long sourceOffset,
                              long[] sourceStrides) {
        this.codec = codec;
        this.shape = shape;
        this.parts = parts;
        this.sourceKey = sourceKey;
        this.sourceOffset = sourceOffset;
        this.sourceStrides = sourceStrides;
    }

    /**
     * Encodes {@code source} (float32, any layout) into new activation buffers labelled {@code owner}. A strided view
     * (attention's heads split from [B, S, H·d]) is made contiguous a slice of its first dimension at a time, so no
     * full-size float32 copy exists next to the source.
     */
    static EncodedActivation encode(Tensor source, Codec codec, String owner) {
        if (source.dtype() != DType.F32) {
            throw new IllegalArgumentException("encode " + codec.label() + ": only F32 tensors can be encoded, not "
                    + source.describe());
        }
        if (codec instanceof Codec.None) {
            throw new IllegalArgumentException("Codec.NONE is not an encoding");
        }
        Device device = source.device();
        Shape shape = source.shape();
        Tensor[] parts = switch (codec) {
            case Codec.FixedInt8 c -> new Tensor[] {Tensor.empty(device, DType.I8, shape, Category.ACTIVATION, owner)};
            case Codec.FixedUint8 c -> new Tensor[] {Tensor.empty(device, DType.U8, shape, Category.ACTIVATION, owner)};
            case Codec.FixedInt4 c -> new Tensor[] {Tensor.empty(device, DType.I4, shape, Category.ACTIVATION, owner)};
            case Codec.TopK c -> {
                Shape kept = Shape.of(Math.toIntExact(shape.rows()), c.k(shape.last()));
                yield new Tensor[] {Tensor.empty(device, DType.F32, kept, Category.ACTIVATION, owner),
                        Tensor.empty(device, DType.I32, kept, Category.ACTIVATION, owner)};
            }
            case Codec.None c -> throw new IllegalStateException("unreachable");
        };
        EncodedActivation encoded = new EncodedActivation(codec, shape, parts, source.storageKey(), source.offset(),
                source.strides());
        try {
            int slices = source.isContiguous() || shape.rank() < 2 || shape.dim(0) <= 1 ? 1 : shape.dim(0);
            long perSlice = slices == 1 ? shape.numel() : shape.numel() / slices;
            if (slices > 1 && perSlice % encoded.decodeGranule() != 0) {
                slices = 1;
                perSlice = shape.numel();
            }
            for (int i = 0; i < slices; i++) {
                try (Tensor view = slices == 1 ? source.alias() : source.view(shape.withDim(0, 1), source.strides(),
                        source.offset() + i * source.strides()[0]);
                     Tensor dense = view.isContiguous() ? view.alias() : Ops.contiguous(view)) {
                    encoded.encodeRange(dense.segment(), i * perSlice, perSlice);
                }
            }
        } catch (RuntimeException e) {
            encoded.release();
            throw e;
        }
        return encoded;
    }

    /** Encodes {@code count} float32 values from {@code x} as elements {@code [first, first + count)}. */
    private void encodeRange(MemorySegment x, long first, long count) {
        if (count == 0) {
            return;
        }
        Codecs codecs = parts[0].device().kernels().codecs();
        MemorySegment stored = storedRange(0, first, count);
        switch (codec) {
            case Codec.FixedInt8 c -> codecs.encodeInt8(count, c.fracBits(), x, stored);
            case Codec.FixedUint8 c -> codecs.encodeUint8(count, x, stored);
            case Codec.FixedInt4 c -> codecs.encodeInt4(count, c.fracBits(), x, stored);
            case Codec.TopK c -> codecs.encodeTopK(Math.toIntExact(count / shape.last()), shape.last(),
                    c.k(shape.last()), x, stored, storedRange(1, first, count));
            case Codec.None c -> throw new IllegalStateException("unreachable");
        }
    }

    /** The bytes of {@code parts[part]} that hold elements {@code [first, first + count)} (granule-aligned). */
    private MemorySegment storedRange(int part, long first, long count) {
        MemorySegment stored = parts[part].segment();
        return switch (codec) {
            case Codec.FixedInt8 c -> stored.asSlice(first, count);
            case Codec.FixedUint8 c -> stored.asSlice(first, count);
            case Codec.FixedInt4 c -> stored.asSlice(first / 2, (count + 1) / 2);
            case Codec.TopK c -> {
                // k float32 values or k int32 indices per row of cols elements
                int cols = shape.last();
                long rowBytes = (long) c.k(cols) * Float.BYTES;
                yield stored.asSlice(first / cols * rowBytes, count / cols * rowBytes);
            }
            case Codec.None c -> throw new IllegalStateException("unreachable");
        };
    }

    /** Whether this encodes the same view of the same buffer with the same codec. */
    boolean matches(Tensor source, Codec otherCodec) {
        return sourceKey == source.storageKey() && sourceOffset == source.offset() && codec.equals(otherCodec)
                && shape.equals(source.shape()) && Arrays.equals(sourceStrides, source.strides());
    }

    Object sourceKey() {
        return sourceKey;
    }

    Codec codec() {
        return codec;
    }

    /** Whether more than one slot holds this encoding. */
    boolean isShared() {
        return references > 1;
    }

    void retain() {
        references++;
    }

    /** Drops one reference; returns true when this was the last and the buffers were freed. */
    boolean release() {
        if (--references == 0) {
            for (Tensor part : parts) {
                part.close();
            }
            return true;
        }
        return false;
    }

    /** Decodes into a new contiguous float32 workspace tensor (the caller closes it). */
    Tensor decode(String op) {
        Tensor out = Tensor.workspace(parts[0].device(), DType.F32, shape, op);
        decodeInto(out);
        return out;
    }

    /** Decodes into {@code out}, a contiguous float32 tensor of the encoded shape on the same device. */
    void decodeInto(Tensor out) {
        if (out.dtype() != DType.F32 || !out.shape().equals(shape) || !out.isContiguous()
                || out.device() != parts[0].device()) {
            throw new IllegalArgumentException("decode " + codec.label() + ": destination " + out.describe()
                    + " must be a contiguous F32" + shape + " on " + parts[0].device().name());
        }
        decodeRangeInto(0, shape.numel(), out.segment());
    }

    /**
     * Elements a partial decode must start on and come in multiples of (except at the end): one byte of packed
     * int4 holds two, and a top-k row decodes whole.
     */
    long decodeGranule() {
        return switch (codec) {
            case Codec.FixedInt4 c -> 2;
            case Codec.TopK c -> Math.max(1, shape.last());
            default -> 1;
        };
    }

    /**
     * Decodes elements {@code [first, first + count)} (row-major) into {@code out}, a float32 buffer of at least
     * {@code count} elements on the same device: lets an op walk a large saved tensor through a small buffer.
     * {@code first} must be a multiple of {@link #decodeGranule()}, and so must {@code count} unless the range ends
     * the tensor.
     */
    void decodeRangeInto(long first, long count, MemorySegment out) {
        long n = shape.numel();
        long granule = decodeGranule();
        if (first < 0 || count < 0 || first + count > n || first % granule != 0
                || (count % granule != 0 && first + count != n) || out.byteSize() < count * Float.BYTES) {
            throw new IllegalArgumentException("decode " + codec.label() + ": range [" + first + ", " + (first + count)
                    + ") of " + shape + " is outside it, not aligned to " + granule + " elements, or larger than the "
                    + out.byteSize() + "-byte destination");
        }
        if (count == 0) {
            return;
        }
        Codecs codecs = parts[0].device().kernels().codecs();
        MemorySegment x = out.asSlice(0, count * Float.BYTES);
        MemorySegment stored = storedRange(0, first, count);
        switch (codec) {
            case Codec.FixedInt8 c -> codecs.decodeInt8(count, c.fracBits(), stored, x);
            case Codec.FixedUint8 c -> codecs.decodeUint8(count, stored, x);
            case Codec.FixedInt4 c -> codecs.decodeInt4(count, c.fracBits(), stored, x);
            case Codec.TopK c -> codecs.decodeTopK(Math.toIntExact(count / shape.last()), shape.last(),
                    c.k(shape.last()), stored, storedRange(1, first, count), x);
            case Codec.None c -> throw new IllegalStateException("unreachable");
        }
    }

    long storedBytes() {
        long bytes = 0;
        for (Tensor part : parts) {
            bytes += part.byteSize();
        }
        return bytes;
    }
}
