package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Softmax;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Softmax}. */
public final class CpuSoftmax implements Softmax {

    private final Parallel parallel;

    public CpuSoftmax(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(int rows, int cols, float scale, MemorySegment x, MemorySegment mask, int rowsPerMaskRow, MemorySegment y) {
        throw new UnsupportedOperationException("CpuSoftmax.forward not implemented yet");
    }

    @Override
    public void backward(int rows, int cols, float scale, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        throw new UnsupportedOperationException("CpuSoftmax.backward not implemented yet");
    }
}
