package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Activations;

import java.lang.foreign.MemorySegment;

/** {@link Activations} on the GPU: exact (erf) GELU and tanh, forward and backward, as streaming kernels. */
final class CudaActivations implements Activations {

    private final CudaExecution execution;

    CudaActivations(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void geluForward(long n, MemorySegment x, MemorySegment y) {
        unary(KernelFunction.GELU_FORWARD_F32, n, x, y);
    }

    @Override
    public void geluBackward(long n, MemorySegment x, MemorySegment dy, MemorySegment dx) {
        binary(KernelFunction.GELU_BACKWARD_F32, n, x, dy, dx);
    }

    @Override
    public void tanhForward(long n, MemorySegment x, MemorySegment y) {
        unary(KernelFunction.TANH_FORWARD_F32, n, x, y);
    }

    @Override
    public void tanhBackward(long n, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        binary(KernelFunction.TANH_BACKWARD_F32, n, y, dy, dx);
    }

    private void unary(KernelFunction function, long n, MemorySegment in, MemorySegment out) {
        if (n > 0) {
            execution.kernel(function, execution.streaming(n)).pointer(in).pointer(out).int64(n).launch();
        }
    }

    private void binary(KernelFunction function, long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        if (n > 0) {
            execution.kernel(function, execution.streaming(n)).pointer(a).pointer(b).pointer(out).int64(n).launch();
        }
    }
}
