package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.LayerNorm;

import java.lang.foreign.MemorySegment;

/**
 * {@link LayerNorm} on the GPU: one warp per row for the forward and for dx; dgamma and dbeta as a deterministic
 * two-stage column reduction (chunks of rows, then the chunks in order), so they are the same on every run.
 */
final class CudaLayerNorm implements LayerNorm {

    private final CudaExecution execution;

    CudaLayerNorm(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void forward(int rows, int cols, float eps, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                        MemorySegment y, MemorySegment mean, MemorySegment rstd) {
        if (rows > 0) { // a row of no columns still has statistics (mean 0, rstd 1/√eps)
            execution.kernel(KernelFunction.LAYERNORM_FORWARD_F32, LaunchShape.rowWarps(rows)).pointer(x)
                    .pointer(gamma).pointer(beta).float32(eps).pointer(y).pointer(mean).pointer(rstd).int64(rows)
                    .int64(cols).launch();
        }
    }

    @Override
    public void backward(int rows, int cols, MemorySegment x, MemorySegment mean, MemorySegment rstd,
                         MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma,
                         MemorySegment dbeta) {
        if (mean == null) {
            throw new IllegalArgumentException("CudaLayerNorm.backward: the saved mean is required");
        }
        gradients(rows, cols, x, mean, rstd, gamma, dy, dx, dgamma, dbeta);
    }

    @Override
    public void backwardFromNormalized(int rows, int cols, MemorySegment xhat, MemorySegment rstd,
                                       MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma,
                                       MemorySegment dbeta) {
        gradients(rows, cols, xhat, null, rstd, gamma, dy, dx, dgamma, dbeta);
    }

    /** With {@code mean} null, {@code x} is x̂ itself (the kernels' convention). */
    private void gradients(int rows, int cols, MemorySegment x, MemorySegment mean, MemorySegment rstd,
                           MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma,
                           MemorySegment dbeta) {
        if (cols == 0) {
            return;
        }
        if (dx != null && rows > 0) {
            execution.kernel(KernelFunction.LAYERNORM_BACKWARD_ROWS_F32, LaunchShape.rowWarps(rows)).pointer(x)
                    .pointer(mean).pointer(rstd).pointer(gamma).pointer(dy).pointer(dx).int64(rows).int64(cols)
                    .launch();
        }
        if (dgamma == null && dbeta == null) {
            return;
        }
        if (rows == 0) {
            zero(dgamma, cols);
            zero(dbeta, cols);
            return;
        }
        long chunks = CudaExecution.columnChunks(rows);
        long rowsPerChunk = LaunchShape.ceilDiv(rows, chunks);
        synchronized (execution) {
            MemorySegment partials = execution.scratch().workspace(2 * chunks * cols * Double.BYTES);
            execution.kernel(KernelFunction.LAYERNORM_BACKWARD_COLUMNS_F32,
                            CudaExecution.columnPartials(cols, chunks)).pointer(x).pointer(mean).pointer(rstd)
                    .pointer(dy).pointer(partials).int64(rows).int64(cols).int64(rowsPerChunk).launch();
            execution.kernel(KernelFunction.LAYERNORM_BACKWARD_COLUMNS_FINISH_F32, execution.streaming(cols))
                    .pointer(partials).int64(chunks).pointer(dgamma).pointer(dbeta).int64(cols).launch();
        }
    }

    private void zero(MemorySegment buffer, int cols) {
        if (buffer != null) {
            execution.driver().fill(buffer.address(), 0, (long) cols * Float.BYTES);
        }
    }
}
