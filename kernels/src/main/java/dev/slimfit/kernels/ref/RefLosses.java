package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Losses;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Scalar reference of {@link Losses}, in double; log-sum-exp subtracts the row maximum. */
public final class RefLosses implements Losses {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    @Override
    public void crossEntropyForward(int rows, int classes, MemorySegment logits, MemorySegment targets,
                                    int ignoreIndex, MemorySegment lossOut) {
        int counted = countRows("RefLosses.crossEntropyForward", rows, classes, targets, ignoreIndex);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int target = targets.getAtIndex(INT, r);
            if (target == ignoreIndex) {
                continue;
            }
            long row = (long) r * classes;
            total += logSumExp(classes, logits, row) - logits.getAtIndex(FLOAT, row + target);
        }
        lossOut.setAtIndex(FLOAT, 0, counted == 0 ? 0f : (float) (total / counted));
    }

    @Override
    public void crossEntropyBackward(int rows, int classes, MemorySegment logits, MemorySegment targets,
                                     int ignoreIndex, float dLoss, MemorySegment dLogits) {
        int counted = countRows("RefLosses.crossEntropyBackward", rows, classes, targets, ignoreIndex);
        for (int r = 0; r < rows; r++) {
            int target = targets.getAtIndex(INT, r);
            long row = (long) r * classes;
            if (target == ignoreIndex) {
                for (int c = 0; c < classes; c++) {
                    dLogits.setAtIndex(FLOAT, row + c, 0f);
                }
                continue;
            }
            double lse = logSumExp(classes, logits, row);
            double perRow = (double) dLoss / counted;
            for (int c = 0; c < classes; c++) {
                double probability = Math.exp(logits.getAtIndex(FLOAT, row + c) - lse);
                double onehot = c == target ? 1 : 0;
                dLogits.setAtIndex(FLOAT, row + c, (float) (perRow * (probability - onehot)));
            }
        }
    }

    @Override
    public void mseForward(long n, MemorySegment pred, MemorySegment target, MemorySegment lossOut) {
        double total = 0;
        for (long i = 0; i < n; i++) {
            double diff = (double) pred.getAtIndex(FLOAT, i) - target.getAtIndex(FLOAT, i);
            total += diff * diff;
        }
        lossOut.setAtIndex(FLOAT, 0, n == 0 ? 0f : (float) (total / n));
    }

    @Override
    public void mseBackward(long n, MemorySegment pred, MemorySegment target, float dLoss, MemorySegment dPred) {
        for (long i = 0; i < n; i++) {
            double diff = (double) pred.getAtIndex(FLOAT, i) - target.getAtIndex(FLOAT, i);
            dPred.setAtIndex(FLOAT, i, (float) (dLoss * 2 * diff / n));
        }
    }

    /** The number of rows that count, after checking every target (so a bad one throws before anything is written). */
    private static int countRows(String kernel, int rows, int classes, MemorySegment targets, int ignoreIndex) {
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

    private static double logSumExp(int classes, MemorySegment logits, long row) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits.getAtIndex(FLOAT, row + c));
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits.getAtIndex(FLOAT, row + c) - max);
        }
        return max + Math.log(sum);
    }
}
