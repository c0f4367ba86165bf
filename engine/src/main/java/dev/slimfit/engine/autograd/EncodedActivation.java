package dev.slimfit.engine.autograd;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;
import dev.slimfit.kernels.Codecs;

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

    /** Encodes {@code source} (float32, any layout) into new activation buffers labelled {@code owner}. */
    static EncodedActivation encode(Tensor source, Codec codec, String owner) {
        if (source.dtype() != DType.F32) {
            throw new IllegalArgumentException("encode " + codec.label() + ": only F32 tensors can be encoded, not "
                    + source.describe());
        }
        Device device = source.device();
        Codecs codecs = device.kernels().codecs();
        Shape shape = source.shape();
        long n = shape.numel();
        Tensor dense = source.isContiguous() ? source : Ops.contiguous(source);
        try {
            Tensor[] parts = switch (codec) {
                case Codec.FixedInt8 c -> {
                    Tensor q = Tensor.empty(device, DType.I8, shape, Category.ACTIVATION, owner);
                    codecs.encodeInt8(n, c.fracBits(), dense.segment(), q.segment());
                    yield new Tensor[] {q};
                }
                case Codec.FixedUint8 c -> {
                    Tensor q = Tensor.empty(device, DType.U8, shape, Category.ACTIVATION, owner);
                    codecs.encodeUint8(n, dense.segment(), q.segment());
                    yield new Tensor[] {q};
                }
                case Codec.FixedInt4 c -> {
                    Tensor q = Tensor.empty(device, DType.I4, shape, Category.ACTIVATION, owner);
                    codecs.encodeInt4(n, c.fracBits(), dense.segment(), q.segment());
                    yield new Tensor[] {q};
                }
                case Codec.TopK c -> {
                    int rows = Math.toIntExact(shape.rows());
                    int cols = shape.last();
                    int k = c.k(cols);
                    Shape kept = Shape.of(rows, k);
                    Tensor values = Tensor.empty(device, DType.F32, kept, Category.ACTIVATION, owner);
                    Tensor indices = Tensor.empty(device, DType.I32, kept, Category.ACTIVATION, owner);
                    codecs.encodeTopK(rows, cols, k, dense.segment(), values.segment(), indices.segment());
                    yield new Tensor[] {values, indices};
                }
                case Codec.None c -> throw new IllegalArgumentException("Codec.NONE is not an encoding");
            };
            return new EncodedActivation(codec, shape, parts, source.storageKey(), source.offset(), source.strides());
        } finally {
            if (dense != source) {
                dense.close();
            }
        }
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
        Device device = parts[0].device();
        Codecs codecs = device.kernels().codecs();
        long n = shape.numel();
        switch (codec) {
            case Codec.FixedInt8 c -> codecs.decodeInt8(n, c.fracBits(), parts[0].segment(), out.segment());
            case Codec.FixedUint8 c -> codecs.decodeUint8(n, parts[0].segment(), out.segment());
            case Codec.FixedInt4 c -> codecs.decodeInt4(n, c.fracBits(), parts[0].segment(), out.segment());
            case Codec.TopK c -> {
                int rows = Math.toIntExact(shape.rows());
                int cols = shape.last();
                codecs.decodeTopK(rows, cols, c.k(cols), parts[0].segment(), parts[1].segment(), out.segment());
            }
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
