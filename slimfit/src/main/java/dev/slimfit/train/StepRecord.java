package dev.slimfit.train;

import dev.slimfit.engine.Category;

/**
 * What one training step did and cost: loss, learning rate, how many candidate tensors were frozen, wall time,
 * and the ledger's live bytes after the step and peak bytes during it, per category (indexed by
 * {@link Category#ordinal()}) and in total.
 */
public record StepRecord(int step, double loss, double learningRate, int frozen, int candidates, double millis,
                         long[] liveBytes, long[] peakBytes, long liveTotal, long peakTotal) {
}
