package dev.slimfit.train;

/**
 * Hyper-parameters and bookkeeping of a training run.
 *
 * @param steps optimizer steps
 * @param batchSize examples per step
 * @param learningRate peak learning rate
 * @param warmupRatio share of the steps spent warming the learning rate up linearly
 * @param evalEvery evaluate every this many steps (0: only at the end)
 * @param evalBatchSize examples per evaluation batch
 * @param seed seeds data order, dropout, the ILS initial metric and new weights
 */
public record TrainerOptions(int steps, int batchSize, float learningRate, double warmupRatio, int evalEvery,
                             int evalBatchSize, long seed) {

    public TrainerOptions {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(warmupRatio >= 0 && warmupRatio < 1)) {
            throw new IllegalArgumentException("warm-up ratio must be in [0, 1), got " + warmupRatio);
        }
        if (evalEvery < 0 || evalBatchSize <= 0) {
            throw new IllegalArgumentException("invalid evaluation settings: every " + evalEvery + ", batch "
                    + evalBatchSize);
        }
    }

    public int warmupSteps() {
        return (int) Math.floor(warmupRatio * steps);
    }
}
