package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Codecs;

import java.lang.foreign.MemorySegment;

/**
 * {@link Codecs} on the GPU: fixed-point int8/uint8/int4 with the reference's rounding (ties to even), clamping and
 * byte layout, and per-row top-k by a radix select on the magnitude bits (no sort; one warp per row), giving exactly
 * the reference's kept set and order.
 */
final class CudaCodecs implements Codecs {

    /** 2^±fracBits must be a normal float32 so that scaling is exact (the contract's range). */
    private static final int MAX_FRAC_BITS = 126;
    private static final float INT8_MIN = -128;
    private static final float INT8_MAX = 127;
    private static final float UINT8_MAX = 255;
    private static final float UINT8_SCALE = 256;

    private final CudaExecution execution;

    CudaCodecs(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void encodeInt8(long n, int fracBits, MemorySegment x, MemorySegment q) {
        float scale = Math.scalb(1f, checkFracBits("encodeInt8", fracBits));
        encodeFixed8(n, x, q, scale, INT8_MIN, INT8_MAX);
    }

    @Override
    public void decodeInt8(long n, int fracBits, MemorySegment q, MemorySegment x) {
        float step = Math.scalb(1f, -checkFracBits("decodeInt8", fracBits));
        decodeFixed8(n, q, x, step, false);
    }

    @Override
    public void encodeUint8(long n, MemorySegment p, MemorySegment q) {
        encodeFixed8(n, p, q, UINT8_SCALE, 0, UINT8_MAX);
    }

    @Override
    public void decodeUint8(long n, MemorySegment q, MemorySegment p) {
        decodeFixed8(n, q, p, 1 / UINT8_SCALE, true);
    }

    @Override
    public void encodeInt4(long n, int fracBits, MemorySegment x, MemorySegment packed) {
        float scale = Math.scalb(1f, checkFracBits("encodeInt4", fracBits));
        if (n > 0) {
            execution.kernel(KernelFunction.ENCODE_INT4, execution.streaming((n + 1) / 2)).pointer(x).pointer(packed)
                    .int64(n).float32(scale).launch();
        }
    }

    @Override
    public void decodeInt4(long n, int fracBits, MemorySegment packed, MemorySegment x) {
        float step = Math.scalb(1f, -checkFracBits("decodeInt4", fracBits));
        if (n > 0) {
            execution.kernel(KernelFunction.DECODE_INT4, execution.streaming((n + 1) / 2)).pointer(packed).pointer(x)
                    .int64(n).float32(step).launch();
        }
    }

    @Override
    public void encodeTopK(int rows, int cols, int k, MemorySegment x, MemorySegment values, MemorySegment indices) {
        if (k < 0 || k > cols) {
            throw new IllegalArgumentException("CudaCodecs.encodeTopK: k = " + k + " outside [0, " + cols + "]");
        }
        if (rows > 0 && k > 0) {
            execution.kernel(KernelFunction.ENCODE_TOP_K, LaunchShape.rowWarps(rows)).pointer(x).int64(rows)
                    .int64(cols).int64(k).pointer(values).pointer(indices).launch();
        }
    }

    @Override
    public void decodeTopK(int rows, int cols, int k, MemorySegment values, MemorySegment indices, MemorySegment out) {
        long entries = (long) rows * k;
        if (entries > 0) {
            synchronized (execution) {
                long bad = execution.firstBadPosition(firstBad -> execution.kernel(KernelFunction.TOP_K_CHECK,
                        execution.streaming(entries)).pointer(indices).int64(entries).int64(cols).pointer(firstBad)
                        .launch());
                if (bad >= 0) {
                    int column = execution.readInt(indices, bad);
                    throw new IndexOutOfBoundsException("CudaCodecs.decodeTopK: index " + column + " at row " + bad / k
                            + ", entry " + bad % k + " is outside [0, " + cols + ")");
                }
            }
        }
        long outBytes = (long) rows * cols * Float.BYTES;
        if (outBytes > 0) {
            execution.driver().fill(out.address(), 0, outBytes);
        }
        if (entries > 0) {
            LaunchShape shape = new LaunchShape(LaunchShape.ceilDiv(k, LaunchShape.THREADS),
                    Math.min(rows, LaunchShape.MAX_GRID_Y), 1, LaunchShape.THREADS, 1, 1, 0);
            execution.kernel(KernelFunction.DECODE_TOP_K, shape).pointer(values).pointer(indices).int64(rows)
                    .int64(cols).int64(k).pointer(out).launch();
        }
    }

    private void encodeFixed8(long n, MemorySegment x, MemorySegment q, float scale, float lo, float hi) {
        if (n > 0) {
            execution.kernel(KernelFunction.ENCODE_FIXED8, execution.streaming(n)).pointer(x).pointer(q).int64(n)
                    .float32(scale).float32(lo).float32(hi).launch();
        }
    }

    private void decodeFixed8(long n, MemorySegment q, MemorySegment x, float step, boolean unsigned) {
        if (n > 0) {
            execution.kernel(KernelFunction.DECODE_FIXED8, execution.streaming(n)).pointer(q).pointer(x).int64(n)
                    .float32(step).int32(unsigned ? 1 : 0).launch();
        }
    }

    private static int checkFracBits(String kernel, int fracBits) {
        if (fracBits < -MAX_FRAC_BITS || fracBits > MAX_FRAC_BITS) {
            throw new IllegalArgumentException("CudaCodecs." + kernel + ": fracBits " + fracBits + " outside [-"
                    + MAX_FRAC_BITS + ", " + MAX_FRAC_BITS + "]");
        }
        return fracBits;
    }
}
