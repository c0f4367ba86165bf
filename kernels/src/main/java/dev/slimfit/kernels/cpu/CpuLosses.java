package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Losses;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Losses}. */
public final class CpuLosses implements Losses {

    private final Parallel parallel;

    public CpuLosses(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void crossEntropyForward(int rows, int classes, MemorySegment logits, MemorySegment targets, int ignoreIndex, MemorySegment lossOut) {
        throw new UnsupportedOperationException("CpuLosses.crossEntropyForward not implemented yet");
    }

    @Override
    public void crossEntropyBackward(int rows, int classes, MemorySegment logits, MemorySegment targets, int ignoreIndex, float dLoss, MemorySegment dLogits) {
        throw new UnsupportedOperationException("CpuLosses.crossEntropyBackward not implemented yet");
    }

    @Override
    public void mseForward(long n, MemorySegment pred, MemorySegment target, MemorySegment lossOut) {
        throw new UnsupportedOperationException("CpuLosses.mseForward not implemented yet");
    }

    @Override
    public void mseBackward(long n, MemorySegment pred, MemorySegment target, float dLoss, MemorySegment dPred) {
        throw new UnsupportedOperationException("CpuLosses.mseBackward not implemented yet");
    }
}
