package dev.slimfit.kernels;

/**
 * Hyper-parameters of one AdamW step. {@code step} is the 1-based count of updates this tensor has received,
 * including this one (it drives the bias correction).
 */
public record AdamWParams(float lr, float beta1, float beta2, float eps, float weightDecay, long step) {

    public AdamWParams {
        if (step < 1) {
            throw new IllegalArgumentException("AdamW step must be >= 1, got " + step);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
    }

    /** {@code 1 − β1^step}. */
    public double biasCorrection1() {
        return 1 - Math.pow(beta1, step);
    }

    /** {@code 1 − β2^step}. */
    public double biasCorrection2() {
        return 1 - Math.pow(beta2, step);
    }
}
