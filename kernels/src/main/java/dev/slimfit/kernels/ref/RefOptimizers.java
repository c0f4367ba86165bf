package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.kernels.Optimizers;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference of {@link Optimizers}: the AdamW formula of the interface, term by term in double, each state
 * rounded to float once when stored. The change metric compares the stored float weights before and after, i.e.
 * exactly what a caller that copied the weights and divided afterwards would see.
 */
public final class RefOptimizers implements Optimizers {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public double adamw(long n, MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v,
                        AdamWParams params, ChangeMetric metric) {
        double lr = params.lr();
        double beta1 = params.beta1();
        double beta2 = params.beta2();
        double eps = params.eps();
        double stepSize = lr / params.biasCorrection1();
        double sqrtBiasCorrection2 = Math.sqrt(params.biasCorrection2());

        double changeSum = 0;
        long changeCount = 0;
        for (long i = 0; i < n; i++) {
            float before = w.getAtIndex(FLOAT, i);
            double gi = g.getAtIndex(FLOAT, i);
            double decayed = before - lr * params.weightDecay() * before;
            double mi = beta1 * m.getAtIndex(FLOAT, i) + (1 - beta1) * gi;
            double vi = beta2 * v.getAtIndex(FLOAT, i) + (1 - beta2) * gi * gi;
            double denominator = Math.sqrt(vi) / sqrtBiasCorrection2 + eps;
            float after = (float) (decayed - stepSize * mi / denominator);
            w.setAtIndex(FLOAT, i, after);
            m.setAtIndex(FLOAT, i, (float) mi);
            v.setAtIndex(FLOAT, i, (float) vi);

            boolean counted = switch (metric) {
                case NONE -> false;
                case GUARDED -> before != 0;
                case UNGUARDED -> true;
            };
            if (counted) {
                changeSum += Math.abs(((double) before - after) / before);
                changeCount++;
            }
        }
        return switch (metric) {
            case NONE -> 0;
            case GUARDED -> changeCount == 0 ? 0 : changeSum / changeCount;
            // plain mean over every element: 0/0 = NaN for an empty tensor, like torch.mean of nothing
            case UNGUARDED -> changeSum / changeCount;
        };
    }
}
