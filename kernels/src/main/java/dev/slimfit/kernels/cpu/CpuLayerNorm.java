package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.LayerNorm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API LayerNorm, rows split over threads. Forward reads a row three times while it is in L1 (sum, sum of
 * centred values and their squares, output). Backward gives each thread its own {@link ColumnSums} for dgamma and dbeta and
 * adds them in thread order, so the reduction over rows is deterministic for a given thread count. A row of zero
 * columns has mean 0 and variance 0, as in the reference.
 */
public final class CpuLayerNorm implements LayerNorm {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /** A thread gets at least this many elements; below it the hand-off costs more than the work. */
    private static final long MIN_ELEMENTS_PER_THREAD = 1 << 15;

    private final Parallel parallel;

    public CpuLayerNorm(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(int rows, int cols, float eps, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                        MemorySegment y, MemorySegment mean, MemorySegment rstd) {
        parallel.forRange(rows, minRowsPerThread(cols), (start, end) -> {
            float[] moments = new float[2];
            for (long r = start; r < end; r++) {
                forwardRow(cols, eps, x, gamma, beta, y, mean, rstd, r, moments);
            }
        });
    }

    @Override
    public void backward(int rows, int cols, MemorySegment x, MemorySegment mean, MemorySegment rstd,
                         MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma,
                         MemorySegment dbeta) {
        backwardRows(rows, cols, new NormalizedInput(x, mean, null, rstd), gamma, dy, dx, dgamma, dbeta);
    }

    @Override
    public void backwardFromNormalized(int rows, int cols, MemorySegment xhat, MemorySegment rstd,
                                       MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma,
                                       MemorySegment dbeta) {
        backwardRows(rows, cols, new NormalizedInput(null, null, xhat, rstd), gamma, dy, dx, dgamma, dbeta);
    }

    /** One row of forward, in two small methods for the reason given at {@link #backwardRow}. */
    private static void forwardRow(int cols, float eps, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                                   MemorySegment y, MemorySegment meanOut, MemorySegment rstdOut, long r,
                                   float[] moments) {
        long row = r * cols;
        rowMoments(cols, x, row, moments);
        float mean = moments[0];
        float rstd = (float) (1 / Math.sqrt((double) moments[1] + eps));
        writeNormalized(cols, x, gamma, beta, y, row, mean, rstd);
        if (meanOut != null) {
            meanOut.setAtIndex(FLOAT, r, mean);
        }
        if (rstdOut != null) {
            rstdOut.setAtIndex(FLOAT, r, rstd);
        }
    }

    /** The row's mean and biased variance into {@code moments[0..1]}. */
    private static void rowMoments(int cols, MemorySegment x, long row, float[] moments) {
        int vectorEnd = FLOATS.loopBound(cols);
        FloatVector sumLanes = FloatVector.zero(FLOATS);
        for (int c = 0; c < vectorEnd; c += LANES) {
            sumLanes = sumLanes.add(load(x, row + c));
        }
        float sum = VectorLoops.sumLanes(sumLanes);
        for (int c = vectorEnd; c < cols; c++) {
            sum += x.getAtIndex(FLOAT, row + c);
        }
        float roughMean = cols == 0 ? 0 : sum / cols;

        // Second pass on the centred values. Their sum is the rounding error of the first mean, so adding it back
        // makes the mean exact to about an ulp (a constant row then centres to exactly 0 however large 1/√eps is),
        // and it corrects the sum of squares for the same error.
        FloatVector deviationLanes = FloatVector.zero(FLOATS);
        FloatVector squaresLanes = FloatVector.zero(FLOATS);
        for (int c = 0; c < vectorEnd; c += LANES) {
            FloatVector centred = load(x, row + c).sub(roughMean);
            deviationLanes = deviationLanes.add(centred);
            squaresLanes = centred.fma(centred, squaresLanes);
        }
        float deviation = VectorLoops.sumLanes(deviationLanes);
        float squares = VectorLoops.sumLanes(squaresLanes);
        for (int c = vectorEnd; c < cols; c++) {
            float centred = x.getAtIndex(FLOAT, row + c) - roughMean;
            deviation += centred;
            squares += centred * centred;
        }
        moments[0] = cols == 0 ? 0 : roughMean + deviation / cols;
        moments[1] = cols == 0 ? 0 : Math.max(0, (squares - deviation * deviation / cols) / cols);
    }

    /** {@code y = (x − mean)·rstd·gamma + beta} for one row. */
    private static void writeNormalized(int cols, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                                        MemorySegment y, long row, float mean, float rstd) {
        int vectorEnd = FLOATS.loopBound(cols);
        for (int c = 0; c < vectorEnd; c += LANES) {
            FloatVector normalized = load(x, row + c).sub(mean).mul(rstd);
            FloatVector out = beta == null ? normalized.mul(load(gamma, c)) : normalized.fma(load(gamma, c),
                    load(beta, c));
            out.intoMemorySegment(y, (row + c) * Float.BYTES, ORDER);
        }
        for (int c = vectorEnd; c < cols; c++) {
            float normalized = (x.getAtIndex(FLOAT, row + c) - mean) * rstd;
            float shift = beta == null ? 0 : beta.getAtIndex(FLOAT, c);
            y.setAtIndex(FLOAT, row + c, normalized * gamma.getAtIndex(FLOAT, c) + shift);
        }
    }

    private void backwardRows(int rows, int cols, NormalizedInput input, MemorySegment gamma, MemorySegment dy,
                              MemorySegment dx, MemorySegment dgamma, MemorySegment dbeta) {
        int tasks = (int) Math.min(parallel.threads(), Math.max(1, rows / minRowsPerThread(cols)));
        ColumnSums[] gammaSums = new ColumnSums[tasks];
        ColumnSums[] betaSums = new ColumnSums[tasks];
        if (rows > 0 && cols > 0) {
            parallel.forEachTask(tasks, task -> {
                ColumnSums gammaSum = dgamma == null ? null : new ColumnSums(cols);
                ColumnSums betaSum = dbeta == null ? null : new ColumnSums(cols);
                long start = (long) rows * task / tasks;
                long end = (long) rows * (task + 1) / tasks;
                float[] rowSums = new float[2];
                float[] lanes = new float[LANES];
                for (long r = start; r < end; r++) {
                    backwardRow(cols, input, gamma, dy, dx, gammaSum, betaSum, r, rowSums, lanes);
                }
                gammaSums[task] = gammaSum;
                betaSums[task] = betaSum;
            });
        }
        writeColumnSums(cols, gammaSums, dgamma);
        writeColumnSums(cols, betaSums, dbeta);
    }

    /**
     * One row of backward. Split into two small methods on purpose: a Vector API loop only becomes plain SIMD code when
     * everything in it is inlined, and one large method with both passes exceeded the inlining budget (4× slower).
     */
    private static void backwardRow(int cols, NormalizedInput input, MemorySegment gamma, MemorySegment dy,
                                    MemorySegment dx, ColumnSums gammaSum, ColumnSums betaSum, long r,
                                    float[] rowSums, float[] lanes) {
        long row = r * cols;
        float rstd = input.rstd(r);
        float mean = input.mean(r);
        accumulateRow(cols, input, gamma, dy, gammaSum, betaSum, row, mean, rstd, rowSums, lanes);
        if (dx != null) {
            writeDx(cols, input, gamma, dy, dx, row, mean, rstd, rowSums[0] / cols, rowSums[1] / cols);
        }
    }

    /**
     * Σ g and Σ g·x̂ of the row into {@code rowSums[0..1]} ({@code g = dy⊙gamma}); adds dy·x̂ and dy to the column sums.
     * {@code lanes} is the task's scratch for lane sums ({@link VectorLoops#sumInLaneOrder}).
     */
    private static void accumulateRow(int cols, NormalizedInput input, MemorySegment gamma, MemorySegment dy,
                                      ColumnSums gammaSum, ColumnSums betaSum, long row, float mean, float rstd,
                                      float[] rowSums, float[] lanes) {
        int vectorEnd = FLOATS.loopBound(cols);
        FloatVector gLanes = FloatVector.zero(FLOATS);
        FloatVector gXhatLanes = FloatVector.zero(FLOATS);
        for (int c = 0; c < vectorEnd; c += LANES) {
            FloatVector xhat = input.xhatLanes(row + c, mean, rstd);
            FloatVector dyc = load(dy, row + c);
            FloatVector g = dyc.mul(load(gamma, c));
            gLanes = gLanes.add(g);
            gXhatLanes = g.fma(xhat, gXhatLanes);
            if (gammaSum != null) {
                gammaSum.add(c, dyc.mul(xhat));
            }
            if (betaSum != null) {
                betaSum.add(c, dyc);
            }
        }
        gLanes.intoArray(lanes, 0);
        float sumG = VectorLoops.sumInLaneOrder(lanes);
        gXhatLanes.intoArray(lanes, 0);
        float sumGXhat = VectorLoops.sumInLaneOrder(lanes);
        for (int c = vectorEnd; c < cols; c++) {
            float xhat = input.xhat(row + c, mean, rstd);
            float dyc = dy.getAtIndex(FLOAT, row + c);
            float g = dyc * gamma.getAtIndex(FLOAT, c);
            sumG += g;
            sumGXhat += g * xhat;
            if (gammaSum != null) {
                gammaSum.add(c, dyc * xhat);
            }
            if (betaSum != null) {
                betaSum.add(c, dyc);
            }
        }
        rowSums[0] = sumG;
        rowSums[1] = sumGXhat;
    }

    /** {@code dx = rstd·(g − mean(g) − x̂·mean(g⊙x̂))}. */
    private static void writeDx(int cols, NormalizedInput input, MemorySegment gamma, MemorySegment dy,
                                MemorySegment dx, long row, float mean, float rstd, float meanG, float meanGXhat) {
        int vectorEnd = FLOATS.loopBound(cols);
        for (int c = 0; c < vectorEnd; c += LANES) {
            FloatVector xhat = input.xhatLanes(row + c, mean, rstd);
            FloatVector g = load(dy, row + c).mul(load(gamma, c));
            g.sub(meanG).sub(xhat.mul(meanGXhat)).mul(rstd).intoMemorySegment(dx, (row + c) * Float.BYTES, ORDER);
        }
        for (int c = vectorEnd; c < cols; c++) {
            float xhat = input.xhat(row + c, mean, rstd);
            float g = dy.getAtIndex(FLOAT, row + c) * gamma.getAtIndex(FLOAT, c);
            dx.setAtIndex(FLOAT, row + c, (g - meanG - xhat * meanGXhat) * rstd);
        }
    }

    /** Adds the threads' partial sums in thread order and writes them as float; zeros when there were no rows. */
    private static void writeColumnSums(int cols, ColumnSums[] partials, MemorySegment out) {
        if (out == null) {
            return;
        }
        double[] sums = new double[cols];
        for (ColumnSums partial : partials) {
            if (partial != null) {
                partial.addTo(sums);
            }
        }
        for (int c = 0; c < cols; c++) {
            out.setAtIndex(FLOAT, c, (float) sums[c]);
        }
    }

    /**
     * Where backward gets x̂ from: recomputed as {@code (x − mean)·rstd} from the saved input, or read from a saved
     * x̂ ({@code xhat} non-null).
     */
    private record NormalizedInput(MemorySegment x, MemorySegment mean, MemorySegment xhat, MemorySegment rstd) {

        float rstd(long r) {
            return rstd.getAtIndex(FLOAT, r);
        }

        float mean(long r) {
            return xhat == null ? mean.getAtIndex(FLOAT, r) : 0;
        }

        /** x̂ of the {@link #LANES} elements at element offset {@code at}. */
        FloatVector xhatLanes(long at, float mean, float rstd) {
            return xhat != null ? load(xhat, at) : load(x, at).sub(mean).mul(rstd);
        }

        float xhat(long at, float mean, float rstd) {
            return xhat != null ? xhat.getAtIndex(FLOAT, at) : (x.getAtIndex(FLOAT, at) - mean) * rstd;
        }
    }

    private static FloatVector load(MemorySegment segment, long elementOffset) {
        return FloatVector.fromMemorySegment(FLOATS, segment, elementOffset * Float.BYTES, ORDER);
    }

    private static long minRowsPerThread(int cols) {
        return Math.max(1, MIN_ELEMENTS_PER_THREAD / Math.max(1, cols));
    }
}
