package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Codecs;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API activation codecs. Fixed-point encodes round with {@link FixedPointRounding} (exact, ties to even), so
 * their bytes equal the reference's on every input; decodes multiply small integers by a power of two, which is exact.
 * Top-k finds each row's threshold with {@link TopKSelector} (a radix select, no sort of the row) and then takes the
 * row in index order.
 * {@code fracBits} must lie in [−{@value #MAX_FRAC_BITS}, {@value #MAX_FRAC_BITS}], where 2^±fracBits is a normal
 * float and scaling by it is exact wherever the result can matter.
 */
public final class CpuCodecs implements Codecs {

    /** 2^126 and 2^−126 are normal floats. */
    public static final int MAX_FRAC_BITS = 126;

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Same shape as the floats: a float vector reinterprets into one of these. */
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, FLOATS.vectorShape());
    private static final int LANES = FLOATS.length();
    /** One byte per float lane; exists when the float vector has at least 8 lanes (64-bit byte vectors). */
    private static final VectorSpecies<Byte> BYTES = LANES >= 8
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE)) : null;
    /** Without such a byte vector (128-bit float vectors), the byte codecs run their scalar loop only. */
    private static final int BYTE_CODEC_LANES = BYTES == null ? Integer.MAX_VALUE : LANES;
    /** int4: one float vector packs into LANES/2 bytes, handled as one little-endian word of at most 8 bytes. */
    private static final int PACKED_BYTES = LANES / 2;
    private static final int INT4_CODEC_LANES = PACKED_BYTES <= Long.BYTES ? LANES : Integer.MAX_VALUE;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfLong PACKED_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(
            ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt PACKED_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(
            ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort PACKED_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(
            ByteOrder.LITTLE_ENDIAN);

    private static final float INT8_MIN = -128;
    private static final float INT8_MAX = 127;
    private static final float UINT8_MAX = 255;
    private static final float UINT8_SCALE = 256;
    private static final float INT4_MIN = -8;
    private static final float INT4_MAX = 7;
    private static final int NIBBLE = 0xF;
    private static final int NIBBLE_BITS = 4;
    /** 4-bit two's complement in the low bits of a long: shifting left by 60 then arithmetically right by 60 extends it. */
    private static final int NIBBLE_SIGN_SHIFT = Long.SIZE - NIBBLE_BITS;
    /** Lane i of a word broadcast to every lane is shifted right by 8·i to bring byte i down. */
    private static final LongVector BYTE_SHIFTS = LongVector.zero(LONGS).addIndex(Byte.SIZE);

    /** A thread gets at least this many elements; below it the hand-off costs more than the work. */
    private static final long MIN_ELEMENTS_PER_THREAD = 1 << 16;

    private final Parallel parallel;

    public CpuCodecs(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void encodeInt8(long n, int fracBits, MemorySegment x, MemorySegment q) {
        float scale = scaleFor("encodeInt8", fracBits);
        encodeBytes(n, x, q, scale, INT8_MIN, INT8_MAX);
    }

    @Override
    public void decodeInt8(long n, int fracBits, MemorySegment q, MemorySegment x) {
        float step = stepFor("decodeInt8", fracBits);
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (; i + BYTE_CODEC_LANES <= end; i += LANES) {
                ByteVector bytes = ByteVector.fromMemorySegment(BYTES, q, i, ORDER);
                ((FloatVector) bytes.convertShape(VectorOperators.B2F, FLOATS, 0)).mul(step)
                        .intoMemorySegment(x, i * Float.BYTES, ORDER);
            }
            for (; i < end; i++) {
                x.setAtIndex(FLOAT, i, q.get(BYTE, i) * step);
            }
        });
    }

    @Override
    public void encodeUint8(long n, MemorySegment p, MemorySegment q) {
        encodeBytes(n, p, q, UINT8_SCALE, 0, UINT8_MAX);
    }

    @Override
    public void decodeUint8(long n, MemorySegment q, MemorySegment p) {
        float step = 1 / UINT8_SCALE;
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (; i + BYTE_CODEC_LANES <= end; i += LANES) {
                IntVector unsigned = (IntVector) ByteVector.fromMemorySegment(BYTES, q, i, ORDER)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                ((FloatVector) unsigned.convert(VectorOperators.I2F, 0)).mul(step)
                        .intoMemorySegment(p, i * Float.BYTES, ORDER);
            }
            for (; i < end; i++) {
                p.setAtIndex(FLOAT, i, Byte.toUnsignedInt(q.get(BYTE, i)) * step);
            }
        });
    }

    @Override
    public void encodeInt4(long n, int fracBits, MemorySegment x, MemorySegment packed) {
        float scale = scaleFor("encodeInt4", fracBits);
        // split by output byte, so that no two threads write halves of one byte
        parallel.forRange((n + 1) / 2, MIN_ELEMENTS_PER_THREAD / 2, (startByte, endByte) -> {
            long i = 2 * startByte;
            long end = Math.min(n, 2 * endByte);
            for (; i + INT4_CODEC_LANES <= end; i += LANES) {
                IntVector q = FixedPointRounding.roundClamped(load(x, i).mul(scale), INT4_MIN, INT4_MAX);
                // lanes 2j and 2j+1 are the low and high halves of long lane j (the Vector API reinterprets
                // little-endian); bring the high nibble next to the low one, then gather one byte per long lane
                LongVector pairs = q.and(NIBBLE).reinterpretAsLongs();
                LongVector bytes = pairs.or(pairs.lanewise(VectorOperators.LSHR, Integer.SIZE - NIBBLE_BITS))
                        .and(0xFF);
                long word = bytes.lanewise(VectorOperators.LSHL, BYTE_SHIFTS).reduceLanes(VectorOperators.OR);
                storePackedWord(packed, i / 2, word);
            }
            for (; i < end; i += 2) {
                int low = FixedPointRounding.roundClamped(x.getAtIndex(FLOAT, i) * scale, INT4_MIN, INT4_MAX);
                int high = i + 1 < end
                        ? FixedPointRounding.roundClamped(x.getAtIndex(FLOAT, i + 1) * scale, INT4_MIN, INT4_MAX) : 0;
                packed.set(BYTE, i / 2, (byte) ((low & NIBBLE) | (high & NIBBLE) << NIBBLE_BITS));
            }
        });
    }

    @Override
    public void decodeInt4(long n, int fracBits, MemorySegment packed, MemorySegment x) {
        float step = stepFor("decodeInt4", fracBits);
        parallel.forRange((n + 1) / 2, MIN_ELEMENTS_PER_THREAD / 2, (startByte, endByte) -> {
            long i = 2 * startByte;
            long end = Math.min(n, 2 * endByte);
            for (; i + INT4_CODEC_LANES <= end; i += LANES) {
                LongVector bytes = LongVector.broadcast(LONGS, loadPackedWord(packed, i / 2))
                        .lanewise(VectorOperators.LSHR, BYTE_SHIFTS);
                LongVector low = signExtendedNibble(bytes);
                LongVector high = signExtendedNibble(bytes.lanewise(VectorOperators.LSHR, NIBBLE_BITS));
                IntVector q = low.and(0xFFFF_FFFFL).or(high.lanewise(VectorOperators.LSHL, Integer.SIZE))
                        .reinterpretAsInts();
                ((FloatVector) q.convert(VectorOperators.I2F, 0)).mul(step).intoMemorySegment(x, i * Float.BYTES,
                        ORDER);
            }
            for (; i < end; i++) {
                int pair = packed.get(BYTE, i / 2);
                int nibble = i % 2 == 0 ? pair << (Integer.SIZE - NIBBLE_BITS) : pair << (Integer.SIZE - 2 * NIBBLE_BITS);
                x.setAtIndex(FLOAT, i, (nibble >> (Integer.SIZE - NIBBLE_BITS)) * step);
            }
        });
    }

    @Override
    public void encodeTopK(int rows, int cols, int k, MemorySegment x, MemorySegment values, MemorySegment indices) {
        if (k < 0 || k > cols) {
            throw new IllegalArgumentException("CpuCodecs.encodeTopK: k = " + k + " outside [0, " + cols + "]");
        }
        if (k == 0) {
            return;
        }
        parallel.forRange(rows, Math.max(1, MIN_ELEMENTS_PER_THREAD / cols), (start, end) -> {
            TopKSelector selector = new TopKSelector(cols);
            for (long r = start; r < end; r++) {
                if (k == cols) {
                    keepWholeRow(r, cols, x, values, indices);
                } else {
                    selector.select(x, r * cols, cols, k);
                    selector.writeKept(x, r * cols, cols, k, values, indices, r * k);
                }
            }
        });
    }

    @Override
    public void decodeTopK(int rows, int cols, int k, MemorySegment values, MemorySegment indices, MemorySegment out) {
        if (cols == 0) {
            return;
        }
        parallel.forRange(rows, Math.max(1, MIN_ELEMENTS_PER_THREAD / cols), (start, end) -> {
            for (long r = start; r < end; r++) {
                long row = r * cols;
                out.asSlice(row * Float.BYTES, (long) cols * Float.BYTES).fill((byte) 0);
                for (int j = 0; j < k; j++) {
                    long kept = r * k + j;
                    int column = indices.getAtIndex(INT, kept);
                    if (column < 0 || column >= cols) {
                        throw new IndexOutOfBoundsException("CpuCodecs.decodeTopK: index " + column + " at row " + r
                                + ", entry " + j + " is outside [0, " + cols + ")");
                    }
                    out.setAtIndex(INT, row + column, values.getAtIndex(INT, kept)); // bits, so NaN payloads survive
                }
            }
        });
    }

    /** int8 and uint8: {@code clamp(rint(x·scale), min, max)}, one byte per element (uint8 wraps 128…255 into a byte). */
    private void encodeBytes(long n, MemorySegment x, MemorySegment q, float scale, float min, float max) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (; i + BYTE_CODEC_LANES <= end; i += LANES) {
                IntVector rounded = FixedPointRounding.roundClamped(load(x, i).mul(scale), min, max);
                rounded.convertShape(VectorOperators.I2B, BYTES, 0).intoMemorySegment(q, i, ORDER);
            }
            for (; i < end; i++) {
                q.set(BYTE, i, (byte) FixedPointRounding.roundClamped(x.getAtIndex(FLOAT, i) * scale, min, max));
            }
        });
    }

    private static void keepWholeRow(long r, int cols, MemorySegment x, MemorySegment values, MemorySegment indices) {
        long row = r * cols;
        MemorySegment.copy(x, row * Float.BYTES, values, row * Float.BYTES, (long) cols * Float.BYTES);
        for (int c = 0; c < cols; c++) {
            indices.setAtIndex(INT, row + c, c);
        }
    }

    private static LongVector signExtendedNibble(LongVector lowBits) {
        return lowBits.lanewise(VectorOperators.LSHL, NIBBLE_SIGN_SHIFT).lanewise(VectorOperators.ASHR,
                NIBBLE_SIGN_SHIFT);
    }

    /** The {@link #PACKED_BYTES} bytes at {@code offset}, byte 0 lowest. */
    private static long loadPackedWord(MemorySegment packed, long offset) {
        return switch (PACKED_BYTES) {
            case 8 -> packed.get(PACKED_LONG, offset);
            case 4 -> packed.get(PACKED_INT, offset);
            case 2 -> packed.get(PACKED_SHORT, offset);
            default -> throw new AssertionError("no int4 vector path for " + LANES + " float lanes");
        };
    }

    private static void storePackedWord(MemorySegment packed, long offset, long word) {
        switch (PACKED_BYTES) {
            case 8 -> packed.set(PACKED_LONG, offset, word);
            case 4 -> packed.set(PACKED_INT, offset, (int) word);
            case 2 -> packed.set(PACKED_SHORT, offset, (short) word);
            default -> throw new AssertionError("no int4 vector path for " + LANES + " float lanes");
        }
    }

    private static float scaleFor(String kernel, int fracBits) {
        checkFracBits(kernel, fracBits);
        return Math.scalb(1f, fracBits);
    }

    private static float stepFor(String kernel, int fracBits) {
        checkFracBits(kernel, fracBits);
        return Math.scalb(1f, -fracBits);
    }

    private static void checkFracBits(String kernel, int fracBits) {
        if (fracBits < -MAX_FRAC_BITS || fracBits > MAX_FRAC_BITS) {
            throw new IllegalArgumentException("CpuCodecs." + kernel + ": fracBits " + fracBits + " outside [-"
                    + MAX_FRAC_BITS + ", " + MAX_FRAC_BITS + "]");
        }
    }

    private static FloatVector load(MemorySegment segment, long elementOffset) {
        return FloatVector.fromMemorySegment(FLOATS, segment, elementOffset * Float.BYTES, ORDER);
    }
}
