package dev.slimfit.kernels;

import java.lang.foreign.MemorySegment;

/** Fused optimizer updates: one pass over weights, gradient and state. */
public interface Optimizers {

    /**
     * One AdamW step in place, as {@code torch.optim.AdamW}: {@code w ← w − lr·wd·w}, then
     * {@code m ← β1·m + (1−β1)·g}, {@code v ← β2·v + (1−β2)·g²},
     * {@code w ← w − (lr / (1−β1^t))·m / (√v/√(1−β2^t) + eps)}.
     *
     * @return the relative-change metric of this update, as {@code metric} asks: the mean over elements of
     *     {@code |(w_before − w_after) / w_before|} (see {@link ChangeMetric} for zero weights); 0 for
     *     {@link ChangeMetric#NONE}.
     */
    double adamw(long n, MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v,
                 AdamWParams params, ChangeMetric metric);
}
