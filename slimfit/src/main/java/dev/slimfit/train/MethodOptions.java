package dev.slimfit.train;

import dev.slimfit.kernels.ChangeMetric;

/**
 * What a training run does beyond plain fine-tuning. Each improvement over the reference is a separate switch, so
 * that each can be measured alone.
 *
 * @param freezing inter-layer scheduling on
 * @param rate the freezing rate r in [0, 1)
 * @param compression the reference activation-compression table on
 * @param guardedMetric the relative-change metric leaves zero weights out (the reference divides by them, so a
 *     tensor with a zero entry gets a non-finite metric and is never frozen)
 * @param trainNewTensors tensors the checkpoint did not provide (a random head, a missing pooler) always train
 *     (the reference may freeze a random head for most steps)
 * @param releaseStateAfter release the AdamW moments of a tensor frozen for this many consecutive steps (they
 *     restart at zero if it trains again); 0 keeps them, as the reference does
 * @param attentionDropoutOnValues apply attention dropout to V (the reference's placement) instead of to the
 *     probabilities (Hugging Face's)
 */
public record MethodOptions(boolean freezing, double rate, boolean compression, boolean guardedMetric,
                            boolean trainNewTensors, int releaseStateAfter, boolean attentionDropoutOnValues) {

    public MethodOptions {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("freezing rate r must be in [0, 1), got " + rate);
        }
        if (releaseStateAfter < 0) {
            throw new IllegalArgumentException("releaseStateAfter must be >= 0, got " + releaseStateAfter);
        }
    }

    /**
     * Consecutive frozen steps after which slimfit+ releases a tensor's optimizer state. One, because the run's peak
     * comes from ILS's random round-robin at the start, where each step trains other tensors: moments kept for k
     * frozen steps then exist for about (k + 1) steps' worth of tensors. Measured on MiniLM, IMDB, batch 16, seq 128,
     * r = 0.7, 14 steps: run peak 335.6 MiB with k = 3, 246.7 MiB with k = 1 (full: 713.0 MiB). Once the round-robin
     * is over ILS keeps training much the same tensors, so restarts at zero are rare.
     */
    public static final int DEFAULT_RELEASE_STATE_AFTER = 1;

    /** The options of {@code mode} at freezing rate {@code rate}. */
    public static MethodOptions of(Mode mode, double rate) {
        return switch (mode) {
            case FULL -> new MethodOptions(false, 0, false, false, false, 0, false);
            case FREEZE -> new MethodOptions(true, rate, false, false, false, 0, true);
            case SLIMFIT -> new MethodOptions(true, rate, true, false, false, 0, true);
            case SLIMFIT_PLUS -> new MethodOptions(true, rate, true, true, true, DEFAULT_RELEASE_STATE_AFTER, true);
        };
    }

    /** {@code options} with another freezing rate. */
    public static MethodOptions withRate(MethodOptions options, double rate) {
        return new MethodOptions(options.freezing(), rate, options.compression(), options.guardedMetric(),
                options.trainNewTensors(), options.releaseStateAfter(), options.attentionDropoutOnValues());
    }

    /** {@code options} releasing the optimizer state of tensors frozen for {@code steps} consecutive steps. */
    public static MethodOptions withReleaseStateAfter(MethodOptions options, int steps) {
        return new MethodOptions(options.freezing(), options.rate(), options.compression(), options.guardedMetric(),
                options.trainNewTensors(), steps, options.attentionDropoutOnValues());
    }

    /** How the optimizer reports weight change: the ILS metric when freezing, nothing otherwise. */
    public ChangeMetric changeMetric() {
        if (!freezing) {
            return ChangeMetric.NONE;
        }
        return guardedMetric ? ChangeMetric.GUARDED : ChangeMetric.UNGUARDED;
    }
}
