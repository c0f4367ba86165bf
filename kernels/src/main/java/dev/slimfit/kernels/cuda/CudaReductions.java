package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Reductions;

import java.lang.foreign.MemorySegment;

/**
 * {@link Reductions} on the GPU, all deterministic: whole-buffer sums and maxima in two stages (a partition fixed by
 * n, then the partials in order), row reductions one block per row, column sums in two stages over chunks of rows.
 * Sums accumulate in double.
 */
final class CudaReductions implements Reductions {

    private final CudaExecution execution;

    CudaReductions(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void sum(long n, MemorySegment x, MemorySegment out) {
        wholeSum(n, x, out, 1);
    }

    @Override
    public void mean(long n, MemorySegment x, MemorySegment out) {
        wholeSum(n, x, out, n); // n = 0: 0/0 = NaN, the mean of nothing
    }

    @Override
    public void max(long n, MemorySegment x, MemorySegment out) {
        LaunchShape partialsShape = LaunchShape.reduction(n, CudaExecution.MAX_PARTIALS);
        long partialCount = n > 0 ? partialsShape.gridX() : 0;
        synchronized (execution) {
            MemorySegment partials = execution.scratch().workspace(CudaExecution.MAX_PARTIALS * (long) Float.BYTES);
            if (n > 0) {
                execution.kernel(KernelFunction.MAX_PARTIALS_F32, partialsShape).pointer(x).int64(n).pointer(partials)
                        .launch();
            }
            execution.kernel(KernelFunction.FINISH_MAX_F32, LaunchShape.singleBlock(CudaExecution.FINISH_THREADS))
                    .pointer(partials).int64(partialCount).pointer(out).launch();
        }
    }

    @Override
    public void sumLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        rowSum(rows, cols, x, out, false);
    }

    @Override
    public void meanLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        rowSum(rows, cols, x, out, true);
    }

    @Override
    public void maxLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        if (rows > 0) {
            execution.kernel(KernelFunction.ROW_MAX_F32, execution.rows(rows, cols)).pointer(x).int64(rows).int64(cols)
                    .pointer(out).launch();
        }
    }

    @Override
    public void sumFirstDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        if (cols == 0) {
            return;
        }
        if (rows == 0) {
            execution.driver().fill(out.address(), 0, (long) cols * Float.BYTES);
            return;
        }
        long chunks = CudaExecution.columnChunks(rows);
        long rowsPerChunk = LaunchShape.ceilDiv(rows, chunks);
        synchronized (execution) {
            MemorySegment partials = execution.scratch().workspace(chunks * cols * Double.BYTES);
            execution.kernel(KernelFunction.COLUMN_SUM_PARTIALS_F32, CudaExecution.columnPartials(cols, chunks))
                    .pointer(x).int64(rows).int64(cols).int64(rowsPerChunk).pointer(partials).launch();
            execution.kernel(KernelFunction.COLUMN_SUM_FINISH_F32, execution.streaming(cols)).pointer(partials)
                    .int64(chunks).int64(cols).pointer(out).launch();
        }
    }

    private void wholeSum(long n, MemorySegment x, MemorySegment out, double divisor) {
        LaunchShape partialsShape = LaunchShape.reduction(n, CudaExecution.MAX_PARTIALS);
        long partialCount = n > 0 ? partialsShape.gridX() : 0;
        synchronized (execution) {
            MemorySegment partials = execution.scratch().workspace(CudaExecution.MAX_PARTIALS * (long) Double.BYTES);
            if (n > 0) {
                execution.kernel(KernelFunction.SUM_PARTIALS_F32, partialsShape).pointer(x).int64(n).pointer(partials)
                        .launch();
            }
            execution.kernel(KernelFunction.FINISH_SUM_F32, LaunchShape.singleBlock(CudaExecution.FINISH_THREADS))
                    .pointer(partials).int64(partialCount).float64(divisor).pointer(out).launch();
        }
    }

    private void rowSum(int rows, int cols, MemorySegment x, MemorySegment out, boolean mean) {
        if (rows > 0) {
            execution.kernel(KernelFunction.ROW_SUM_F32, execution.rows(rows, cols)).pointer(x).int64(rows).int64(cols)
                    .int32(mean ? 1 : 0).pointer(out).launch();
        }
    }
}
