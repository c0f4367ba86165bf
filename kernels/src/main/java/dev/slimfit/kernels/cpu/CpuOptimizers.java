package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Optimizers;
import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;

import java.lang.foreign.MemorySegment;

/** STUB: to be replaced by the cpu implementation of {@link Optimizers}. */
public final class CpuOptimizers implements Optimizers {

    private final Parallel parallel;

    public CpuOptimizers(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public double adamw(long n, MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v, AdamWParams params, ChangeMetric metric) {
        throw new UnsupportedOperationException("CpuOptimizers.adamw not implemented yet");
    }
}
