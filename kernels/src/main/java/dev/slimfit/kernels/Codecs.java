package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Activation storage formats. Rounding is to nearest, ties to even (as {@code torch.round} and CUDA's
 * {@code rintf}); values beyond the range clamp to it; NaN encodes as 0. Integer outputs are exact: every
 * implementation must produce the same bytes. {@code fracBits} must lie in [−126, 126], where 2^±fracBits is a normal
 * float32 and float32 scaling is exact; other values throw {@link IllegalArgumentException}.
 */
public interface Codecs {

    /** Fixed-point int8: {@code q = clamp(round(x·2^fracBits), −128, 127)}. */
    void encodeInt8(long n, int fracBits, MemorySegment x, MemorySegment q);

    /** {@code x = q / 2^fracBits}. */
    void decodeInt8(long n, int fracBits, MemorySegment q, MemorySegment x);

    /** Fixed-point uint8 for probabilities: {@code q = clamp(round(p·256), 0, 255)}. */
    void encodeUint8(long n, MemorySegment p, MemorySegment q);

    /** {@code p = q / 256}. */
    void decodeUint8(long n, MemorySegment q, MemorySegment p);

    /**
     * Fixed-point int4, two per byte: {@code q = clamp(round(x·2^fracBits), −8, 7)}; element {@code 2i} goes in the
     * low nibble of byte {@code i} and element {@code 2i+1} in its high nibble, as 4-bit two's complement; an odd
     * last element leaves the high nibble 0. {@code packed} holds {@code (n + 1) / 2} bytes.
     */
    void encodeInt4(long n, int fracBits, MemorySegment x, MemorySegment packed);

    /** {@code x = q / 2^fracBits} from the packed layout of {@link #encodeInt4}. */
    void decodeInt4(long n, int fracBits, MemorySegment packed, MemorySegment x);

    /**
     * Top-k sparse, per row: keeps the {@code k} entries of largest magnitude of each row as float32 values and
     * int32 column indices ({@code rows·k} of each, row by row), listed by increasing column index. Ties in
     * magnitude go to the lower column index; magnitude is ordered as the bits of {@code |x|} (NaN above +∞), so
     * the kept set is unique. Requires {@code 0 <= k <= cols}.
     */
    void encodeTopK(int rows, int cols, int k, MemorySegment x, MemorySegment values, MemorySegment indices);

    /** Scatters the kept values of each row into a zeroed {@code rows × cols} output. */
    void decodeTopK(int rows, int cols, int k, MemorySegment values, MemorySegment indices, MemorySegment out);
}
