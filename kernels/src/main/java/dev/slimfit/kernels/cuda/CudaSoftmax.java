package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Softmax;

import java.lang.foreign.MemorySegment;

/** {@link Softmax} on the GPU: one warp per row, in place where the caller aliases. */
final class CudaSoftmax implements Softmax {

    private final CudaExecution execution;

    CudaSoftmax(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void forward(int rows, int cols, float scale, MemorySegment x, MemorySegment mask, int rowsPerMaskRow,
                        MemorySegment y) {
        if (mask != null && rowsPerMaskRow < 1) {
            throw new IllegalArgumentException("CudaSoftmax.forward: rowsPerMaskRow must be >= 1, got "
                    + rowsPerMaskRow);
        }
        if (rows > 0 && cols > 0) {
            execution.kernel(KernelFunction.SOFTMAX_FORWARD_F32, LaunchShape.rowWarps(rows)).pointer(x).pointer(mask)
                    .int64(mask == null ? 1 : rowsPerMaskRow).float32(scale).pointer(y).int64(rows).int64(cols)
                    .launch();
        }
    }

    @Override
    public void backward(int rows, int cols, float scale, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        if (rows > 0 && cols > 0) {
            execution.kernel(KernelFunction.SOFTMAX_BACKWARD_F32, LaunchShape.rowWarps(rows)).pointer(y).pointer(dy)
                    .float32(scale).pointer(dx).int64(rows).int64(cols).launch();
        }
    }
}
