package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.AdamWParams;
import dev.slimfit.kernels.ChangeMetric;
import dev.slimfit.kernels.Optimizers;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;
import static dev.slimfit.kernels.cpu.VectorLoops.LANES;
import static dev.slimfit.kernels.cpu.VectorLoops.MIN_ELEMENTS_PER_THREAD;
import static dev.slimfit.kernels.cpu.VectorLoops.ORDER;

/**
 * Fused AdamW on the CPU: one pass reads w, g, m, v and writes w, m, v (28 bytes per parameter), with the update in
 * float lanes (FMAs where the formula has a product and a sum). The relative-change metric of SlimFit is computed in
 * the same pass from the weights before and after, so no copy of the weights is kept: |Δw/w| is summed in float
 * lanes over blocks of {@link #METRIC_BLOCK} elements and each block's sum is folded into a double, so a mean over
 * tens of millions of parameters keeps float precision.
 */
public final class CpuOptimizers implements Optimizers {

    /** Elements per metric block: each float lane sums at most METRIC_BLOCK / LANES (≤ 128) terms. */
    private static final int METRIC_BLOCK = 2048;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /** Sum of |Δw/w| and count of the elements it covers, for one chunk. */
    private record Change(double sum, long count) {
    }

    private final Parallel parallel;

    public CpuOptimizers(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public double adamw(long n, MemorySegment w, MemorySegment g, MemorySegment m, MemorySegment v,
                        AdamWParams params, ChangeMetric metric) {
        Coefficients k = new Coefficients(params);
        int chunks = (int) Math.min(parallel.threads(), Math.max(1, n / MIN_ELEMENTS_PER_THREAD));
        Change[] partial = new Change[chunks];
        parallel.forEachTask(chunks, chunk -> partial[chunk] =
                update(n * chunk / chunks, n * (chunk + 1) / chunks, w, g, m, v, k, metric));
        double sum = 0;
        long count = 0;
        for (Change change : partial) {
            sum += change.sum();
            count += change.count();
        }
        return switch (metric) {
            case NONE -> 0;
            case GUARDED -> count == 0 ? 0 : sum / count;
            case UNGUARDED -> sum / count; // the plain mean: NaN for an empty tensor
        };
    }

    /** The step's scalars, as floats, in the form the vector loop uses them. */
    private record Coefficients(float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                                float inverseSqrtCorrection2, float eps, float negativeStepSize) {

        Coefficients(AdamWParams p) {
            this(1 - p.lr() * p.weightDecay(), p.beta1(), 1 - p.beta1(), p.beta2(), 1 - p.beta2(),
                    (float) (1 / Math.sqrt(p.biasCorrection2())), p.eps(), (float) (-p.lr() / p.biasCorrection1()));
        }
    }

    private static Change update(long start, long end, MemorySegment w, MemorySegment g, MemorySegment m,
                                 MemorySegment v, Coefficients k, ChangeMetric metric) {
        boolean measure = metric != ChangeMetric.NONE;
        boolean guarded = metric == ChangeMetric.GUARDED;
        FloatVector beta1 = FloatVector.broadcast(FLOATS, k.beta1());
        FloatVector beta2 = FloatVector.broadcast(FLOATS, k.beta2());
        FloatVector negativeStepSize = FloatVector.broadcast(FLOATS, k.negativeStepSize());
        double changeSum = 0;
        long counted = 0;
        long i = start;
        long vectorEnd = start + FLOATS.loopBound(end - start);
        while (i < vectorEnd) {
            long blockEnd = Math.min(vectorEnd, i + METRIC_BLOCK);
            FloatVector blockChange = FloatVector.zero(FLOATS);
            for (; i < blockEnd; i += LANES) {
                long offset = i * Float.BYTES;
                FloatVector before = FloatVector.fromMemorySegment(FLOATS, w, offset, ORDER);
                FloatVector gi = FloatVector.fromMemorySegment(FLOATS, g, offset, ORDER);
                FloatVector mi = FloatVector.fromMemorySegment(FLOATS, m, offset, ORDER)
                        .fma(beta1, gi.mul(k.oneMinusBeta1()));
                FloatVector vi = FloatVector.fromMemorySegment(FLOATS, v, offset, ORDER)
                        .fma(beta2, gi.mul(gi).mul(k.oneMinusBeta2()));
                FloatVector denominator = vi.sqrt().fma(k.inverseSqrtCorrection2(), k.eps());
                FloatVector after = mi.div(denominator).fma(negativeStepSize, before.mul(k.decay()));
                after.intoMemorySegment(w, offset, ORDER);
                mi.intoMemorySegment(m, offset, ORDER);
                vi.intoMemorySegment(v, offset, ORDER);
                if (measure) {
                    FloatVector change = before.sub(after).div(before).abs();
                    if (guarded) {
                        VectorMask<Float> nonZero = before.compare(VectorOperators.NE, 0f);
                        blockChange = blockChange.add(change, nonZero);
                        counted += nonZero.trueCount();
                    } else {
                        blockChange = blockChange.add(change);
                        counted += LANES;
                    }
                }
            }
            if (measure) {
                changeSum += VectorLoops.sumLanes(blockChange);
            }
        }
        for (; i < end; i++) {
            float before = w.getAtIndex(FLOAT, i);
            float gi = g.getAtIndex(FLOAT, i);
            float mi = Math.fma(m.getAtIndex(FLOAT, i), k.beta1(), gi * k.oneMinusBeta1());
            float vi = Math.fma(v.getAtIndex(FLOAT, i), k.beta2(), gi * gi * k.oneMinusBeta2());
            float denominator = Math.fma((float) Math.sqrt(vi), k.inverseSqrtCorrection2(), k.eps());
            float after = Math.fma(mi / denominator, k.negativeStepSize(), before * k.decay());
            w.setAtIndex(FLOAT, i, after);
            m.setAtIndex(FLOAT, i, mi);
            v.setAtIndex(FLOAT, i, vi);
            if (measure && (!guarded || before != 0)) {
                changeSum += Math.abs((before - after) / before);
                counted++;
            }
        }
        return new Change(changeSum, counted);
    }
}
