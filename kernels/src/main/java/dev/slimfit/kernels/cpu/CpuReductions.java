package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Reductions;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Reductions}. */
public final class CpuReductions implements Reductions {

    private final Parallel parallel;

    public CpuReductions(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void sum(long n, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuReductions.sum not implemented yet");
    }

    @Override
    public void mean(long n, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuReductions.mean not implemented yet");
    }

    @Override
    public void max(long n, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuReductions.max not implemented yet");
    }

    @Override
    public void sumLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuReductions.sumLastDim not implemented yet");
    }

    @Override
    public void meanLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuReductions.meanLastDim not implemented yet");
    }

    @Override
    public void maxLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuReductions.maxLastDim not implemented yet");
    }

    @Override
    public void sumFirstDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        throw new UnsupportedOperationException("CpuReductions.sumFirstDim not implemented yet");
    }
}
