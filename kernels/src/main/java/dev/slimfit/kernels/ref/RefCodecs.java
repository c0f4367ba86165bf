package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Codecs;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Codecs}. */
public final class RefCodecs implements Codecs {

    @Override
    public void encodeInt8(long n, int fracBits, MemorySegment x, MemorySegment q) {
        throw new UnsupportedOperationException("RefCodecs.encodeInt8 not implemented yet");
    }

    @Override
    public void decodeInt8(long n, int fracBits, MemorySegment q, MemorySegment x) {
        throw new UnsupportedOperationException("RefCodecs.decodeInt8 not implemented yet");
    }

    @Override
    public void encodeUint8(long n, MemorySegment p, MemorySegment q) {
        throw new UnsupportedOperationException("RefCodecs.encodeUint8 not implemented yet");
    }

    @Override
    public void decodeUint8(long n, MemorySegment q, MemorySegment p) {
        throw new UnsupportedOperationException("RefCodecs.decodeUint8 not implemented yet");
    }

    @Override
    public void encodeInt4(long n, int fracBits, MemorySegment x, MemorySegment packed) {
        throw new UnsupportedOperationException("RefCodecs.encodeInt4 not implemented yet");
    }

    @Override
    public void decodeInt4(long n, int fracBits, MemorySegment packed, MemorySegment x) {
        throw new UnsupportedOperationException("RefCodecs.decodeInt4 not implemented yet");
    }

    @Override
    public void encodeTopK(int rows, int cols, int k, MemorySegment x, MemorySegment values, MemorySegment indices) {
        throw new UnsupportedOperationException("RefCodecs.encodeTopK not implemented yet");
    }

    @Override
    public void decodeTopK(int rows, int cols, int k, MemorySegment values, MemorySegment indices, MemorySegment out) {
        throw new UnsupportedOperationException("RefCodecs.decodeTopK not implemented yet");
    }
}
