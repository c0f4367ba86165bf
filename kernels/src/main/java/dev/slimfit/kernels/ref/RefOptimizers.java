package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Optimizers;
import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the ref implementation of {@link Optimizers}. */
public final class RefOptimizers implements Optimizers {

    @Override
    public double adamw(long n, MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, AdamWParams params, ChangeMetric metric) {
        throw new UnsupportedOperationException("RefOptimizers.adamw not implemented yet");
    }
}
