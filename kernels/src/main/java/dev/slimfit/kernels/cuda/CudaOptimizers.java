package dev.slimfit.kernels.cuda;

import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.kernels.Optimizers;

import java.lang.foreign.MemorySegment;

/**
 * {@link Optimizers} on the GPU: one fused AdamW kernel; with a change metric it also leaves per-block partial sums
 * of |Δw/w| and of the counted elements, which a one-block kernel adds in order. Returning the metric as a double
 * means one small synchronous read-back per call (none with {@link ChangeMetric#NONE}).
 */
final class CudaOptimizers implements Optimizers {

    private final CudaExecution execution;

    CudaOptimizers(CudaExecution execution) {
        this.execution = execution;
    }

    @Override
    public double adamw(long n, MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v,
                        AdamWParams params, ChangeMetric metric) {
        if (n == 0) {
            return switch (metric) {
                case NONE, GUARDED -> 0;
                case UNGUARDED -> Double.NaN; // the mean of nothing, as the reference
            };
        }
        double stepSize = params.lr() / params.biasCorrection1();
        double sqrtBiasCorrection2 = Math.sqrt(params.biasCorrection2());
        if (metric == ChangeMetric.NONE) {
            launch(execution.streaming(n), n, w, g, m, v, params, stepSize, sqrtBiasCorrection2, metric, null);
            return 0;
        }
        LaunchShape shape = LaunchShape.reduction(n, CudaExecution.MAX_PARTIALS);
        synchronized (execution) {
            MemorySegment partials = execution.scratch().workspace(2 * shape.gridX() * Double.BYTES);
            launch(shape, n, w, g, m, v, params, stepSize, sqrtBiasCorrection2, metric, partials);
            execution.kernel(KernelFunction.FINISH_PAIR_SUMS, LaunchShape.singleBlock(CudaExecution.FINISH_THREADS))
                    .pointer(partials).int64(shape.gridX()).pointer(execution.scratch().pairSlot()).launch();
            DeviceScratch.Status status = execution.scratch().readStatus();
            double sum = status.firstSum();
            double count = status.secondSum();
            return metric == ChangeMetric.GUARDED && count == 0 ? 0 : sum / count;
        }
    }

    private void launch(LaunchShape shape, long n, MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v,
                        AdamWParams params, double stepSize, double sqrtBiasCorrection2, ChangeMetric metric,
                        MemorySegment partials) {
        execution.kernel(KernelFunction.ADAMW_F32, shape).pointer(w).pointer(g).pointer(m).pointer(v).int64(n)
                .float64(params.lr()).float64(params.beta1()).float64(params.beta2()).float64(params.eps())
                .float64(params.weightDecay()).float64(stepSize).float64(sqrtBiasCorrection2)
                .int32(metric.ordinal()).pointer(partials).launch();
    }
}
