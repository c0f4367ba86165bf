package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Reductions;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Reductions}. */
public final class RefReductions implements Reductions {

    @Override
    public void sum(long n, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefReductions.sum not implemented yet");
    }

    @Override
    public void mean(long n, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefReductions.mean not implemented yet");
    }

    @Override
    public void max(long n, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefReductions.max not implemented yet");
    }

    @Override
    public void sumLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefReductions.sumLastDim not implemented yet");
    }

    @Override
    public void meanLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefReductions.meanLastDim not implemented yet");
    }

    @Override
    public void maxLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefReductions.maxLastDim not implemented yet");
    }

    @Override
    public void sumFirstDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("RefReductions.sumFirstDim not implemented yet");
    }
}
