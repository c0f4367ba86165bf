package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Dropout;
import dev.slimfit.kernels.Philox;

import java.lang.foreign.MemorySegment;

/**
 * {@link Dropout} on the GPU from the same Philox4x32-10 stream as {@link Philox}: the same mask for the same seed and
 * offset on every device. One thread per Philox block of four elements.
 */
final class CudaDropout implements Dropout {

    private final CudaExecution execution;

    CudaDropout(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void forward(long n, float p, long seed, long offset, MemorySegment x, MemorySegment y) {
        apply("CudaDropout.forward", n, p, seed, offset, x, y);
    }

    @Override
    public void backward(long n, float p, long seed, long offset, MemorySegment dy, MemorySegment dx) {
        apply("CudaDropout.backward", n, p, seed, offset, dy, dx);
    }

    private void apply(String kernel, long n, float p, long seed, long offset, MemorySegment in, MemorySegment out) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(kernel + ": drop probability must be in [0, 1), got " + p);
        }
        if (offset < 0) {
            // element indices are unsigned Philox counters; the kernel walks them as non-negative int64
            throw new IllegalArgumentException(kernel + ": offset must be >= 0, got " + offset);
        }
        if (n <= 0) {
            return;
        }
        long blocks = ((offset + n - 1) >>> 2) - (offset >>> 2) + 1;
        double keepScale = 1 / (1 - (double) p);
        execution.kernel(KernelFunction.DROPOUT_F32, execution.streaming(blocks)).pointer(in).pointer(out).int64(n)
                .float32(p).float64(keepScale).int64(seed).int64(offset).launch();
    }
}
