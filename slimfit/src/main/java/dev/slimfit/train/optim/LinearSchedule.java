package dev.slimfit.train.optim;

/**
 * Linear warm-up from 0 to the peak learning rate over {@code warmupSteps}, then linear decay to 0 at
 * {@code totalSteps} (Hugging Face's {@code get_linear_schedule_with_warmup}).
 */
public record LinearSchedule(float peak, int warmupSteps, int totalSteps) {

    public LinearSchedule {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("invalid schedule: peak " + peak + ", warm-up " + warmupSteps
                    + ", total " + totalSteps);
        }
    }

    /** The learning rate of update number {@code step} (0-based). */
    public float at(int step) {
        if (step < warmupSteps) {
            return peak * step / (float) Math.max(1, warmupSteps);
        }
        return peak * Math.max(0f, (totalSteps - step) / (float) Math.max(1, totalSteps - warmupSteps));
    }
}
