package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Softmax;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Softmax}. */
public final class RefSoftmax implements Softmax {

    @Override
    public void forward(int rows, int cols, float scale, MemorySegment x, MemorySegment mask, int rowsPerMaskRow, MemorySegment y) {
        throw new UnsupportedOperationException("RefSoftmax.forward not implemented yet");
    }

    @Override
    public void backward(int rows, int cols, float scale, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("RefSoftmax.backward not implemented yet");
    }
}
