package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.Losses;

import java.lang.foreign.MemorySegment;

/**
 * {@link Losses} on the GPU. Cross-entropy first runs a check kernel that counts the rows that count and records the
 * first target out of range; the check is read back (one small synchronous copy) and a bad target throws before any
 * output is written, as in the reference. The count stays on the device for the loss and gradient kernels.
 */
final class CudaLosses implements Losses {

    private final CudaExecution execution;

    CudaLosses(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public void crossEntropyForward(int rows, int classes, MemorySegment logits, MemorySegment targets, int ignoreIndex,
                                    MemorySegment lossOut) {
        synchronized (execution) {
            checkTargets("CudaLosses.crossEntropyForward", rows, classes, targets, ignoreIndex);
            MemorySegment rowLoss = execution.scratch().workspace(Math.max(1, (long) rows) * Double.BYTES);
            if (rows > 0) {
                execution.kernel(KernelFunction.CROSS_ENTROPY_ROWS, execution.rows(rows, classes)).pointer(logits)
                        .pointer(targets).int64(rows).int64(classes).int32(ignoreIndex).pointer(rowLoss).launch();
            }
            execution.kernel(KernelFunction.CROSS_ENTROPY_FINISH, LaunchShape.singleBlock(CudaExecution.FINISH_THREADS))
                    .pointer(rowLoss).int64(rows).pointer(execution.scratch().countedSlot()).pointer(lossOut).launch();
        }
    }

    @Override
    public void crossEntropyBackward(int rows, int classes, MemorySegment logits, MemorySegment targets,
                                     int ignoreIndex, float dLoss, MemorySegment dLogits) {
        synchronized (execution) {
            checkTargets("CudaLosses.crossEntropyBackward", rows, classes, targets, ignoreIndex);
            if (rows > 0 && classes > 0) {
                execution.kernel(KernelFunction.CROSS_ENTROPY_BACKWARD, execution.rows(rows, classes))
                        .pointer(logits).pointer(targets).int64(rows).int64(classes).int32(ignoreIndex).float32(dLoss)
                        .pointer(execution.scratch().countedSlot()).pointer(dLogits).launch();
            }
        }
    }

    @Override
    public void mseForward(long n, MemorySegment pred, MemorySegment target, MemorySegment lossOut) {
        LaunchShape partialsShape = LaunchShape.reduction(n, CudaExecution.MAX_PARTIALS);
        long partialCount = n > 0 ? partialsShape.gridX() : 0;
        synchronized (execution) {
            MemorySegment partials = execution.scratch().workspace(CudaExecution.MAX_PARTIALS * (long) Double.BYTES);
            if (n > 0) {
                execution.kernel(KernelFunction.SQUARED_ERROR_PARTIALS_F32, partialsShape).pointer(pred)
                        .pointer(target).int64(n).pointer(partials).launch();
            }
            // the mean of no elements is 0 by the contract: 0 / 1
            execution.kernel(KernelFunction.FINISH_SUM_F32, LaunchShape.singleBlock(CudaExecution.FINISH_THREADS))
                    .pointer(partials).int64(partialCount).float64(n > 0 ? n : 1).pointer(lossOut).launch();
        }
    }

    @Override
    public void mseBackward(long n, MemorySegment pred, MemorySegment target, float dLoss, MemorySegment dPred) {
        if (n > 0) {
            execution.kernel(KernelFunction.MSE_BACKWARD_F32, execution.streaming(n)).pointer(pred).pointer(target)
                    .int64(n).float32(dLoss).pointer(dPred).launch();
        }
    }

    /** Resets the status block, counts the rows that count into it, and throws for the first bad target. */
    private void checkTargets(String kernel, int rows, int classes, MemorySegment targets, int ignoreIndex) {
        long bad = execution.firstBadPosition(firstBad -> {
            if (rows > 0) {
                execution.kernel(KernelFunction.CROSS_ENTROPY_CHECK, execution.streaming(rows)).pointer(targets)
                        .int64(rows).int64(classes).int32(ignoreIndex).pointer(firstBad)
                        .pointer(execution.scratch().countedSlot()).launch();
            }
        });
        if (bad >= 0) {
            int target = execution.readInt(targets, bad);
            throw new IndexOutOfBoundsException(kernel + ": target " + target + " of row " + bad + " is outside [0, "
                    + classes + ") and is not the ignore index " + ignoreIndex);
        }
    }
}
