package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Codecs;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Codecs}. */
public final class CpuCodecs implements Codecs {

    private final Parallel parallel;

    public CpuCodecs(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void encodeInt8(long n, int fracBits, MemorySegment x, MemorySegment q) {
        throw new UnsupportedOperationException("CpuCodecs.encodeInt8 not implemented yet");
    }

    @Override
    public void decodeInt8(long n, int fracBits, MemorySegment q, MemorySegment x) {
        throw new UnsupportedOperationException("CpuCodecs.decodeInt8 not implemented yet");
    }

    @Override
    public void encodeUint8(long n, MemorySegment p, MemorySegment q) {
        throw new UnsupportedOperationException("CpuCodecs.encodeUint8 not implemented yet");
    }

    @Override
    public void decodeUint8(long n, MemorySegment q, MemorySegment p) {
        throw new UnsupportedOperationException("CpuCodecs.decodeUint8 not implemented yet");
    }

    @Override
    public void encodeInt4(long n, int fracBits, MemorySegment x, MemorySegment packed) {
        throw new UnsupportedOperationException("CpuCodecs.encodeInt4 not implemented yet");
    }

    @Override
    public void decodeInt4(long n, int fracBits, MemorySegment packed, MemorySegment x) {
        throw new UnsupportedOperationException("CpuCodecs.decodeInt4 not implemented yet");
    }

    @Override
    public void encodeTopK(int rows, int cols, int k, MemorySegment x, MemorySegment values, MemorySegment indices) {
        throw new UnsupportedOperationException("CpuCodecs.encodeTopK not implemented yet");
    }

    @Override
    public void decodeTopK(int rows, int cols, int k, MemorySegment values, MemorySegment indices, MemorySegment out) {
        throw new UnsupportedOperationException("CpuCodecs.decodeTopK not implemented yet");
    }
}
