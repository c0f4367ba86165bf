package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Reductions;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;
import static dev.slimfit.kernels.cpu.VectorLoops.LANES;
import static dev.slimfit.kernels.cpu.VectorLoops.MIN_ELEMENTS_PER_THREAD;
import static dev.slimfit.kernels.cpu.VectorLoops.ORDER;

/**
 * {@link Reductions} with the Vector API. Sums accumulate in double lanes: floats are loaded half a vector at a time
 * and widened, which costs nothing against memory bandwidth and makes a sum over millions of elements as accurate as
 * the reference's. Several accumulators hide the latency of the additions. The max propagates NaN like the
 * reference ({@code Math.max} semantics, which the Vector API's MAX follows) and is −∞ for nothing. Threads reduce
 * contiguous chunks; partial results are combined in chunk order, so a result does not depend on timing.
 */
public final class CpuReductions implements Reductions {

    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** Floats that widen into one double vector: half of a preferred float vector. */
    private static final VectorSpecies<Float> HALF_FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    private static final int HALF_LANES = HALF_FLOATS.length();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final Parallel parallel;

    public CpuReductions(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void sum(long n, MemorySegment x, MemorySegment out) {
        out.setAtIndex(FLOAT, 0, (float) parallelSum(n, x));
    }

    @Override
    public void mean(long n, MemorySegment x, MemorySegment out) {
        out.setAtIndex(FLOAT, 0, (float) (parallelSum(n, x) / n));
    }

    @Override
    public void max(long n, MemorySegment x, MemorySegment out) {
        int chunks = chunks(n);
        float[] partial = new float[chunks];
        parallel.forEachTask(chunks, chunk -> partial[chunk] = max(x, n * chunk / chunks, n * (chunk + 1) / chunks));
        float max = Float.NEGATIVE_INFINITY;
        for (float value : partial) {
            max = Math.max(max, value);
        }
        out.setAtIndex(FLOAT, 0, max);
    }

    @Override
    public void sumLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        parallel.forRange(rows, VectorLoops.minRowsPerThread(cols), (first, end) -> {
            for (long r = first; r < end; r++) {
                out.setAtIndex(FLOAT, r, (float) sum(x, r * cols, r * cols + cols));
            }
        });
    }

    @Override
    public void meanLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        parallel.forRange(rows, VectorLoops.minRowsPerThread(cols), (first, end) -> {
            for (long r = first; r < end; r++) {
                out.setAtIndex(FLOAT, r, (float) (sum(x, r * cols, r * cols + cols) / cols));
            }
        });
    }

    @Override
    public void maxLastDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        parallel.forRange(rows, VectorLoops.minRowsPerThread(cols), (first, end) -> {
            for (long r = first; r < end; r++) {
                out.setAtIndex(FLOAT, r, max(x, r * cols, r * cols + cols));
            }
        });
    }

    /**
     * Column sums: rows are streamed in order and added into a double accumulator per column (a few KiB, it stays in
     * L1); each thread sums a contiguous block of rows and the blocks' accumulators are added in order.
     */
    @Override
    public void sumFirstDim(int rows, int cols, MemorySegment x, MemorySegment out) {
        int chunks = (int) Math.min(parallel.threads(),
                Math.max(1, (long) rows / VectorLoops.minRowsPerThread(cols)));
        double[][] partial = new double[chunks][cols];
        parallel.forEachTask(chunks, chunk -> {
            long firstRow = (long) rows * chunk / chunks;
            long endRow = (long) rows * (chunk + 1) / chunks;
            addRows(x, firstRow, endRow, cols, partial[chunk]);
        });
        for (int c = 0; c < cols; c++) {
            double sum = 0;
            for (double[] block : partial) {
                sum += block[c];
            }
            out.setAtIndex(FLOAT, c, (float) sum);
        }
    }

    private double parallelSum(long n, MemorySegment x) {
        int chunks = chunks(n);
        double[] partial = new double[chunks];
        parallel.forEachTask(chunks, chunk -> partial[chunk] = sum(x, n * chunk / chunks, n * (chunk + 1) / chunks));
        double sum = 0;
        for (double value : partial) {
            sum += value;
        }
        return sum;
    }

    private int chunks(long n) {
        return (int) Math.min(parallel.threads(), Math.max(1, n / MIN_ELEMENTS_PER_THREAD));
    }

    /** Σ x[start, end) in double: four double-vector accumulators fed by widened half vectors of floats. */
    private static double sum(MemorySegment x, long start, long end) {
        DoubleVector acc0 = DoubleVector.zero(DOUBLES);
        DoubleVector acc1 = acc0;
        DoubleVector acc2 = acc0;
        DoubleVector acc3 = acc0;
        long i = start;
        int step = 4 * HALF_LANES;
        for (long bound = start + (end - start) / step * step; i < bound; i += step) {
            long offset = i * Float.BYTES;
            acc0 = acc0.add(widen(x, offset));
            acc1 = acc1.add(widen(x, offset + HALF_LANES * Float.BYTES));
            acc2 = acc2.add(widen(x, offset + 2L * HALF_LANES * Float.BYTES));
            acc3 = acc3.add(widen(x, offset + 3L * HALF_LANES * Float.BYTES));
        }
        double sum = VectorLoops.sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < end; i++) {
            sum += x.getAtIndex(FLOAT, i);
        }
        return sum;
    }

    /** max of x[start, end), NaN if any is NaN, −∞ if empty. */
    private static float max(MemorySegment x, long start, long end) {
        FloatVector acc0 = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
        FloatVector acc1 = acc0;
        long i = start;
        int step = 2 * LANES;
        for (long bound = start + (end - start) / step * step; i < bound; i += step) {
            long offset = i * Float.BYTES;
            acc0 = acc0.max(FloatVector.fromMemorySegment(FLOATS, x, offset, ORDER));
            acc1 = acc1.max(FloatVector.fromMemorySegment(FLOATS, x, offset + (long) LANES * Float.BYTES, ORDER));
        }
        float max = acc0.max(acc1).reduceLanes(VectorOperators.MAX);
        for (; i < end; i++) {
            max = Math.max(max, x.getAtIndex(FLOAT, i));
        }
        return max;
    }

    /** acc[c] += Σ_{r in [firstRow, endRow)} x[r, c]. */
    private static void addRows(MemorySegment x, long firstRow, long endRow, int cols, double[] acc) {
        for (long r = firstRow; r < endRow; r++) {
            long rowOffset = r * cols * Float.BYTES;
            int c = 0;
            for (int bound = cols / HALF_LANES * HALF_LANES; c < bound; c += HALF_LANES) {
                DoubleVector.fromArray(DOUBLES, acc, c).add(widen(x, rowOffset + (long) c * Float.BYTES))
                        .intoArray(acc, c);
            }
            for (; c < cols; c++) {
                acc[c] += x.getAtIndex(FLOAT, r * cols + c);
            }
        }
    }

    private static DoubleVector widen(MemorySegment x, long byteOffset) {
        return (DoubleVector) FloatVector.fromMemorySegment(HALF_FLOATS, x, byteOffset, ORDER)
                .convertShape(VectorOperators.F2D, DOUBLES, 0);
    }
}
