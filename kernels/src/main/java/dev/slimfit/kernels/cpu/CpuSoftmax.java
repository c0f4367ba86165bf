package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Softmax;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vector API softmax, rows split over threads. Forward reads each row three times while it is in L1: the maximum
 * of the logits, then the exponentials (stored in {@code y}, summed), then the scaling by 1/sum. The logits are
 * recomputed from {@code x} and the mask rather than stored, which is what makes {@code y == x} safe.
 */
public final class CpuSoftmax implements Softmax {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /** A thread gets at least this many elements; below it the hand-off costs more than the work. */
    private static final long MIN_ELEMENTS_PER_THREAD = 1 << 15;

    private final Parallel parallel;

    public CpuSoftmax(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(int rows, int cols, float scale, MemorySegment x, MemorySegment mask, int rowsPerMaskRow,
                        MemorySegment y) {
        if (rows == 0 || cols == 0) {
            return;
        }
        parallel.forRange(rows, minRowsPerThread(cols), (start, end) -> {
            float[] lanes = new float[LANES];
            for (long r = start; r < end; r++) {
                long maskRow = mask == null ? 0 : r / rowsPerMaskRow;
                forwardRow(cols, scale, x, r * cols, mask, maskRow * cols, y, lanes);
            }
        });
    }

    @Override
    public void backward(int rows, int cols, float scale, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        if (rows == 0 || cols == 0) {
            return;
        }
        parallel.forRange(rows, minRowsPerThread(cols), (start, end) -> {
            float[] lanes = new float[LANES];
            for (long r = start; r < end; r++) {
                backwardRow(cols, scale, y, dy, dx, r * cols, lanes);
            }
        });
    }

    /**
     * One row of forward; {@code row} and {@code maskRow} are element offsets, {@code mask} may be null. Each pass is
     * its own small method: a Vector API loop compiles to plain SIMD code only when everything in it is inlined, and
     * the three passes in one method exceeded the inlining budget. {@code lanes} is the row loop's scratch for lane
     * sums ({@link VectorLoops#sumInLaneOrder}).
     */
    private static void forwardRow(int cols, float scale, MemorySegment x, long row, MemorySegment mask,
                                   long maskRow, MemorySegment y, float[] lanes) {
        float max = rowMax(cols, scale, x, row, mask, maskRow);
        if (max == Float.NEGATIVE_INFINITY) {
            // every logit is masked out: no probability mass anywhere, rather than 0/0
            y.asSlice(row * Float.BYTES, (long) cols * Float.BYTES).fill((byte) 0);
            return;
        }
        float sum = storeExponentials(cols, scale, x, row, mask, maskRow, max, y, lanes);
        scaleRow(cols, y, row, 1 / sum);
    }

    private static float rowMax(int cols, float scale, MemorySegment x, long row, MemorySegment mask, long maskRow) {
        int vectorEnd = FLOATS.loopBound(cols);
        FloatVector maxLanes = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < vectorEnd; c += LANES) {
            maxLanes = maxLanes.max(logits(scale, x, row + c, mask, maskRow + c));
        }
        float max = maxLanes.reduceLanes(VectorOperators.MAX);
        for (int c = vectorEnd; c < cols; c++) {
            max = Math.max(max, logit(scale, x, row + c, mask, maskRow + c));
        }
        return max;
    }

    /** Writes {@code exp(logit − max)} to {@code y} and returns their sum. */
    private static float storeExponentials(int cols, float scale, MemorySegment x, long row, MemorySegment mask,
                                           long maskRow, float max, MemorySegment y, float[] lanes) {
        int vectorEnd = FLOATS.loopBound(cols);
        FloatVector sumLanes = FloatVector.zero(FLOATS);
        for (int c = 0; c < vectorEnd; c += LANES) {
            FloatVector e = VectorExp.exp(logits(scale, x, row + c, mask, maskRow + c).sub(max));
            e.intoMemorySegment(y, (row + c) * Float.BYTES, ORDER);
            sumLanes = sumLanes.add(e);
        }
        sumLanes.intoArray(lanes, 0);
        float sum = VectorLoops.sumInLaneOrder(lanes);
        for (int c = vectorEnd; c < cols; c++) {
            float e = (float) Math.exp(logit(scale, x, row + c, mask, maskRow + c) - max);
            y.setAtIndex(FLOAT, row + c, e);
            sum += e;
        }
        return sum;
    }

    private static void scaleRow(int cols, MemorySegment y, long row, float factor) {
        int vectorEnd = FLOATS.loopBound(cols);
        for (int c = 0; c < vectorEnd; c += LANES) {
            long offset = (row + c) * Float.BYTES;
            FloatVector.fromMemorySegment(FLOATS, y, offset, ORDER).mul(factor).intoMemorySegment(y, offset, ORDER);
        }
        for (int c = vectorEnd; c < cols; c++) {
            y.setAtIndex(FLOAT, row + c, y.getAtIndex(FLOAT, row + c) * factor);
        }
    }

    private static void backwardRow(int cols, float scale, MemorySegment y, MemorySegment dy, MemorySegment dx,
                                    long row, float[] lanes) {
        int vectorEnd = FLOATS.loopBound(cols);
        FloatVector dotLanes = FloatVector.zero(FLOATS);
        for (int c = 0; c < vectorEnd; c += LANES) {
            long offset = (row + c) * Float.BYTES;
            dotLanes = FloatVector.fromMemorySegment(FLOATS, dy, offset, ORDER)
                    .fma(FloatVector.fromMemorySegment(FLOATS, y, offset, ORDER), dotLanes);
        }
        dotLanes.intoArray(lanes, 0);
        float dot = VectorLoops.sumInLaneOrder(lanes);
        for (int c = vectorEnd; c < cols; c++) {
            dot += dy.getAtIndex(FLOAT, row + c) * y.getAtIndex(FLOAT, row + c);
        }

        for (int c = 0; c < vectorEnd; c += LANES) {
            long offset = (row + c) * Float.BYTES;
            FloatVector yc = FloatVector.fromMemorySegment(FLOATS, y, offset, ORDER);
            FloatVector dyc = FloatVector.fromMemorySegment(FLOATS, dy, offset, ORDER);
            yc.mul(scale).mul(dyc.sub(dot)).intoMemorySegment(dx, offset, ORDER);
        }
        for (int c = vectorEnd; c < cols; c++) {
            float yc = y.getAtIndex(FLOAT, row + c);
            dx.setAtIndex(FLOAT, row + c, yc * scale * (dy.getAtIndex(FLOAT, row + c) - dot));
        }
    }

    /** {@code scale·x + mask} for the {@link #LANES} elements at element offset {@code at}. */
    private static FloatVector logits(float scale, MemorySegment x, long at, MemorySegment mask, long maskAt) {
        FloatVector logits = FloatVector.fromMemorySegment(FLOATS, x, at * Float.BYTES, ORDER).mul(scale);
        return mask == null ? logits : logits.add(FloatVector.fromMemorySegment(FLOATS, mask, maskAt * Float.BYTES,
                ORDER));
    }

    private static float logit(float scale, MemorySegment x, long at, MemorySegment mask, long maskAt) {
        float logit = x.getAtIndex(FLOAT, at) * scale;
        return mask == null ? logit : logit + mask.getAtIndex(FLOAT, maskAt);
    }

    static long minRowsPerThread(int cols) {
        return Math.max(1, MIN_ELEMENTS_PER_THREAD / cols);
    }
}
