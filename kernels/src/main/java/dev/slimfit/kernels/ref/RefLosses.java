package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Losses;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Losses}. */
public final class RefLosses implements Losses {

    @Override
    public void crossEntropyForward(int rows, int classes, MemorySegment logits, MemorySegment targets, int ignoreIndex, MemorySegment lossOut) {
        throw new UnsupportedOperationException("RefLosses.crossEntropyForward not implemented yet");
    }

    @Override
    public void crossEntropyBackward(int rows, int classes, MemorySegment logits, MemorySegment targets, int ignoreIndex, float dLoss, MemorySegment dLogits) {
        throw new UnsupportedOperationException("RefLosses.crossEntropyBackward not implemented yet");
    }

    @Override
    public void mseForward(long n, MemorySegment pred, MemorySegment target, MemorySegment lossOut) {
        throw new UnsupportedOperationException("RefLosses.mseForward not implemented yet");
    }

    @Override
    public void mseBackward(long n, MemorySegment pred, MemorySegment target, float dLoss, MemorySegment dPred) {
        throw new UnsupportedOperationException("RefLosses.mseBackward not implemented yet");
    }
}
