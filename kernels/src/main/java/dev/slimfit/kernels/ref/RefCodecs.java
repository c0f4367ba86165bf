package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Codecs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Scalar reference of {@link Codecs}: {@link Math#rint} (ties to even) in double, then clamping; top-k by a full
 * sort of each row.
 */
public final class RefCodecs implements Codecs {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private static final int INT8_MIN = -128;
    private static final int INT8_MAX = 127;
    private static final int UINT8_MAX = 255;
    private static final int UINT8_SCALE = 256;
    private static final int INT4_MIN = -8;
    private static final int INT4_MAX = 7;
    private static final int NIBBLE = 0xF;
    private static final int NIBBLE_BITS = 4;

    /** Implementations scale in float32, exact only while 2^±fracBits is a normal float; all reject the rest. */
    private static final int MAX_FRAC_BITS = 126;

    @Override
    public void encodeInt8(long n, int fracBits, MemorySegment x, MemorySegment q) {
        double scale = scaleFor("encodeInt8", fracBits);
        for (long i = 0; i < n; i++) {
            q.set(BYTE, i, (byte) quantize(x.getAtIndex(FLOAT, i) * scale, INT8_MIN, INT8_MAX));
        }
    }

    @Override
    public void decodeInt8(long n, int fracBits, MemorySegment q, MemorySegment x) {
        double step = 1 / scaleFor("decodeInt8", fracBits);
        for (long i = 0; i < n; i++) {
            x.setAtIndex(FLOAT, i, (float) (q.get(BYTE, i) * step));
        }
    }

    @Override
    public void encodeUint8(long n, MemorySegment p, MemorySegment q) {
        for (long i = 0; i < n; i++) {
            q.set(BYTE, i, (byte) quantize((double) p.getAtIndex(FLOAT, i) * UINT8_SCALE, 0, UINT8_MAX));
        }
    }

    @Override
    public void decodeUint8(long n, MemorySegment q, MemorySegment p) {
        for (long i = 0; i < n; i++) {
            p.setAtIndex(FLOAT, i, (float) ((double) Byte.toUnsignedInt(q.get(BYTE, i)) / UINT8_SCALE));
        }
    }

    @Override
    public void encodeInt4(long n, int fracBits, MemorySegment x, MemorySegment packed) {
        double scale = scaleFor("encodeInt4", fracBits);
        for (long i = 0; i < n; i += 2) {
            int low = quantize(x.getAtIndex(FLOAT, i) * scale, INT4_MIN, INT4_MAX) & NIBBLE;
            int high = i + 1 < n ? quantize(x.getAtIndex(FLOAT, i + 1) * scale, INT4_MIN, INT4_MAX) & NIBBLE : 0;
            packed.set(BYTE, i / 2, (byte) (low | high << NIBBLE_BITS));
        }
    }

    @Override
    public void decodeInt4(long n, int fracBits, MemorySegment packed, MemorySegment x) {
        double step = 1 / scaleFor("decodeInt4", fracBits);
        for (long i = 0; i < n; i++) {
            int pair = packed.get(BYTE, i / 2);
            int nibble = (i % 2 == 0 ? pair : pair >> NIBBLE_BITS) & NIBBLE;
            int value = nibble > INT4_MAX ? nibble - (NIBBLE + 1) : nibble; // 4-bit two's complement
            x.setAtIndex(FLOAT, i, (float) (value * step));
        }
    }

    @Override
    public void encodeTopK(int rows, int cols, int k, MemorySegment x, MemorySegment values, MemorySegment indices) {
        if (k < 0 || k > cols) {
            throw new IllegalArgumentException("RefCodecs.encodeTopK: k = " + k + " outside [0, " + cols + "]");
        }
        long[] order = new long[cols];
        int[] kept = new int[k];
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                int magnitude = Float.floatToRawIntBits(x.getAtIndex(FLOAT, row + c)) & Integer.MAX_VALUE;
                // ascending order of (MAX − magnitude, column) = largest magnitude first, lower column first on ties
                order[c] = (long) (Integer.MAX_VALUE - magnitude) << Integer.SIZE | c;
            }
            Arrays.sort(order);
            for (int j = 0; j < k; j++) {
                kept[j] = (int) order[j]; // the low half is the column
            }
            Arrays.sort(kept);
            for (int j = 0; j < k; j++) {
                long out = (long) r * k + j;
                // copied as bits so that NaN payloads survive
                values.setAtIndex(INT, out, x.getAtIndex(INT, row + kept[j]));
                indices.setAtIndex(INT, out, kept[j]);
            }
        }
    }

    @Override
    public void decodeTopK(int rows, int cols, int k, MemorySegment values, MemorySegment indices, MemorySegment out) {
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                out.setAtIndex(FLOAT, row + c, 0f);
            }
            for (int j = 0; j < k; j++) {
                long kept = (long) r * k + j;
                int column = indices.getAtIndex(INT, kept);
                if (column < 0 || column >= cols) {
                    throw new IndexOutOfBoundsException("RefCodecs.decodeTopK: index " + column + " at row " + r
                            + ", entry " + j + " is outside [0, " + cols + ")");
                }
                out.setAtIndex(INT, row + column, values.getAtIndex(INT, kept));
            }
        }
    }

    /** 2^fracBits, after checking the range every implementation supports. */
    private static double scaleFor(String kernel, int fracBits) {
        if (fracBits < -MAX_FRAC_BITS || fracBits > MAX_FRAC_BITS) {
            throw new IllegalArgumentException("RefCodecs." + kernel + ": fracBits " + fracBits + " outside [-"
                    + MAX_FRAC_BITS + ", " + MAX_FRAC_BITS + "]");
        }
        return Math.scalb(1.0, fracBits);
    }

    /** round-half-to-even, then clamp; NaN gives 0. */
    private static int quantize(double scaled, int min, int max) {
        if (Double.isNaN(scaled)) {
            return 0;
        }
        return (int) Math.max(min, Math.min(max, Math.rint(scaled)));
    }
}
