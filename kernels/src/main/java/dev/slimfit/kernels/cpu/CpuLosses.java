package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Losses;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API losses. Cross-entropy checks every target before touching an output, then splits rows over threads;
 * each row's log-sum-exp subtracts the row maximum. Sums over rows or elements are kept per thread in double and
 * added in thread order, so the loss depends only on the thread count.
 */
public final class CpuLosses implements Losses {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    /** A thread gets at least this many elements; below it the hand-off costs more than the work. */
    private static final long MIN_ELEMENTS_PER_THREAD = 1 << 15;

    /** Exponentials of a row summed in float lanes before being added to a double: bounds the float rounding. */
    private static final int EXP_SUM_BLOCK = 1024;

    /** Squared errors summed in float lanes before being added to the double total: bounds the float rounding. */
    private static final int MSE_FLOAT_BLOCK = 4096;

    private final Parallel parallel;

    public CpuLosses(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void crossEntropyForward(int rows, int classes, MemorySegment logits, MemorySegment targets,
                                    int ignoreIndex, MemorySegment lossOut) {
        int counted = countedRows("CpuLosses.crossEntropyForward", rows, classes, targets, ignoreIndex);
        int tasks = taskCount(rows, classes);
        double[] partialLoss = new double[tasks];
        parallel.forEachTask(tasks, task -> {
            double loss = 0;
            RowStatistics stats = new RowStatistics();
            for (long r = (long) rows * task / tasks, end = (long) rows * (task + 1) / tasks; r < end; r++) {
                int target = targets.getAtIndex(INT, r);
                if (target != ignoreIndex) {
                    long row = r * classes;
                    stats.compute(classes, logits, row, null);
                    loss += stats.max + Math.log(stats.sumExp) - logits.getAtIndex(FLOAT, row + target);
                }
            }
            partialLoss[task] = loss;
        });
        double total = 0;
        for (double loss : partialLoss) {
            total += loss;
        }
        lossOut.setAtIndex(FLOAT, 0, counted == 0 ? 0f : (float) (total / counted));
    }

    @Override
    public void crossEntropyBackward(int rows, int classes, MemorySegment logits, MemorySegment targets,
                                     int ignoreIndex, float dLoss, MemorySegment dLogits) {
        int counted = countedRows("CpuLosses.crossEntropyBackward", rows, classes, targets, ignoreIndex);
        float perRow = counted == 0 ? 0 : dLoss / counted;
        parallel.forRange(rows, minRowsPerThread(classes), (start, end) -> {
            RowStatistics stats = new RowStatistics();
            for (long r = start; r < end; r++) {
                int target = targets.getAtIndex(INT, r);
                long row = r * classes;
                if (target == ignoreIndex) {
                    dLogits.asSlice(row * Float.BYTES, (long) classes * Float.BYTES).fill((byte) 0);
                } else {
                    crossEntropyBackwardRow(classes, logits, row, target, perRow, dLogits, stats);
                }
            }
        });
    }

    @Override
    public void mseForward(long n, MemorySegment pred, MemorySegment target, MemorySegment lossOut) {
        int tasks = (int) Math.min(parallel.threads(), Math.max(1, n / MIN_ELEMENTS_PER_THREAD));
        double[] partialSquares = new double[tasks];
        if (n > 0) {
            parallel.forEachTask(tasks, task -> partialSquares[task] =
                    sumOfSquaredErrors(pred, target, n * task / tasks, n * (task + 1) / tasks));
        }
        double total = 0;
        for (double squares : partialSquares) {
            total += squares;
        }
        lossOut.setAtIndex(FLOAT, 0, n == 0 ? 0f : (float) (total / n));
    }

    @Override
    public void mseBackward(long n, MemorySegment pred, MemorySegment target, float dLoss, MemorySegment dPred) {
        if (n == 0) {
            return;
        }
        float factor = (float) (2.0 * dLoss / n);
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long vectorEnd = start + FLOATS.loopBound(end - start);
            long i = start;
            for (; i < vectorEnd; i += LANES) {
                load(pred, i).sub(load(target, i)).mul(factor).intoMemorySegment(dPred, i * Float.BYTES, ORDER);
            }
            for (; i < end; i++) {
                dPred.setAtIndex(FLOAT, i, (pred.getAtIndex(FLOAT, i) - target.getAtIndex(FLOAT, i)) * factor);
            }
        });
    }

    /** dLogits of one counted row: {@code perRow·(softmax − onehot)}, the exponentials staged in the output. */
    private static void crossEntropyBackwardRow(int classes, MemorySegment logits, long row, int target,
                                                float perRow, MemorySegment dLogits, RowStatistics stats) {
        stats.compute(classes, logits, row, dLogits);
        float targetExp = dLogits.getAtIndex(FLOAT, row + target);
        float inverseSum = (float) (1 / stats.sumExp);
        float scale = perRow * inverseSum;
        int vectorEnd = FLOATS.loopBound(classes);
        for (int c = 0; c < vectorEnd; c += LANES) {
            load(dLogits, row + c).mul(scale).intoMemorySegment(dLogits, (row + c) * Float.BYTES, ORDER);
        }
        for (int c = vectorEnd; c < classes; c++) {
            dLogits.setAtIndex(FLOAT, row + c, dLogits.getAtIndex(FLOAT, row + c) * scale);
        }
        // p − 1 as −(Σ others)/Σ in double: when the target dominates, p·1 − 1 in float cancels to a few digits
        dLogits.setAtIndex(FLOAT, row + target, (float) ((targetExp - stats.sumExp) / stats.sumExp * perRow));
    }

    /**
     * A row's maximum and Σ exp(logit − max); the exponentials are also stored when {@code exps} is given. The sum
     * stays a double: when one class dominates it is 1 + (small), and rounding it to float would cost the loss
     * log(sum) its digits (a loss of 2e-4 came out 2.5e-4 relative off). One instance serves a task's rows one after
     * another, with its scratch for lane sums ({@link VectorLoops#sumInLaneOrder}), so that no row allocates.
     */
    private static final class RowStatistics {

        private final float[] lanes = new float[LANES];
        float max;
        double sumExp;

        void compute(int classes, MemorySegment logits, long row, MemorySegment exps) {
            int vectorEnd = FLOATS.loopBound(classes);
            FloatVector maxLanes = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
            for (int c = 0; c < vectorEnd; c += LANES) {
                maxLanes = maxLanes.max(load(logits, row + c));
            }
            float max = maxLanes.reduceLanes(VectorOperators.MAX);
            for (int c = vectorEnd; c < classes; c++) {
                max = Math.max(max, logits.getAtIndex(FLOAT, row + c));
            }

            // float lanes within a block, double across blocks: a vocabulary-sized row would otherwise lose digits
            double sum = 0;
            for (int blockStart = 0; blockStart < vectorEnd; blockStart += EXP_SUM_BLOCK) {
                int blockEnd = Math.min(vectorEnd, blockStart + EXP_SUM_BLOCK);
                FloatVector sumLanes = FloatVector.zero(FLOATS);
                for (int c = blockStart; c < blockEnd; c += LANES) {
                    FloatVector e = VectorExp.exp(load(logits, row + c).sub(max));
                    if (exps != null) {
                        e.intoMemorySegment(exps, (row + c) * Float.BYTES, ORDER);
                    }
                    sumLanes = sumLanes.add(e);
                }
                sumLanes.intoArray(lanes, 0);
                sum += VectorLoops.sumInLaneOrder(lanes);
            }
            for (int c = vectorEnd; c < classes; c++) {
                float e = (float) Math.exp(logits.getAtIndex(FLOAT, row + c) - max);
                if (exps != null) {
                    exps.setAtIndex(FLOAT, row + c, e);
                }
                sum += e;
            }
            this.max = max;
            this.sumExp = sum;
        }
    }

    private static double sumOfSquaredErrors(MemorySegment pred, MemorySegment target, long start, long end) {
        double total = 0;
        for (long blockStart = start; blockStart < end; blockStart += MSE_FLOAT_BLOCK) {
            long blockEnd = Math.min(end, blockStart + MSE_FLOAT_BLOCK);
            long vectorEnd = blockStart + FLOATS.loopBound(blockEnd - blockStart);
            FloatVector squares = FloatVector.zero(FLOATS);
            long i = blockStart;
            for (; i < vectorEnd; i += LANES) {
                FloatVector diff = load(pred, i).sub(load(target, i));
                squares = diff.fma(diff, squares);
            }
            float blockSum = VectorLoops.sumLanes(squares);
            for (; i < blockEnd; i++) {
                float diff = pred.getAtIndex(FLOAT, i) - target.getAtIndex(FLOAT, i);
                blockSum += diff * diff;
            }
            total += blockSum;
        }
        return total;
    }

    /** The number of rows that count, after checking every target (so a bad one throws before anything is written). */
    private static int countedRows(String kernel, int rows, int classes, MemorySegment targets, int ignoreIndex) {
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            int target = targets.getAtIndex(INT, r);
            if (target == ignoreIndex) {
                continue;
            }
            if (target < 0 || target >= classes) {
                throw new IndexOutOfBoundsException(kernel + ": target " + target + " of row " + r
                        + " is outside [0, " + classes + ") and is not the ignore index " + ignoreIndex);
            }
            counted++;
        }
        return counted;
    }

    private int taskCount(int rows, int classes) {
        return (int) Math.min(parallel.threads(), Math.max(1, rows / minRowsPerThread(classes)));
    }

    private static long minRowsPerThread(int classes) {
        return Math.max(1, MIN_ELEMENTS_PER_THREAD / Math.max(1, classes));
    }

    private static FloatVector load(MemorySegment segment, long elementOffset) {
        return FloatVector.fromMemorySegment(FLOATS, segment, elementOffset * Float.BYTES, ORDER);
    }
}
