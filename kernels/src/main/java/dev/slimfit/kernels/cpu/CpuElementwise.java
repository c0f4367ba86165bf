package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.Elementwise;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.slimfit.kernels.cpu.VectorLoops.FLOATS;
import static dev.slimfit.kernels.cpu.VectorLoops.LANES;
import static dev.slimfit.kernels.cpu.VectorLoops.MIN_ELEMENTS_PER_THREAD;
import static dev.slimfit.kernels.cpu.VectorLoops.ORDER;

/**
 * {@link Elementwise} with the Vector API: one vector of {@link VectorLoops#LANES} floats per step and a scalar tail,
 * long buffers split over the threads in contiguous chunks. All of these are memory-bound; the only aim is to stream
 * at the memory's speed. The strided copy lives in {@link StridedCopy}.
 */
public final class CpuElementwise implements Elementwise {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final Parallel parallel;

    public CpuElementwise(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void add(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                load(a, offset).add(load(b, offset)).intoMemorySegment(out, offset, ORDER);
            }
            for (; i < end; i++) {
                out.setAtIndex(FLOAT, i, a.getAtIndex(FLOAT, i) + b.getAtIndex(FLOAT, i));
            }
        });
    }

    @Override
    public void mul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                load(a, offset).mul(load(b, offset)).intoMemorySegment(out, offset, ORDER);
            }
            for (; i < end; i++) {
                out.setAtIndex(FLOAT, i, a.getAtIndex(FLOAT, i) * b.getAtIndex(FLOAT, i));
            }
        });
    }

    @Override
    public void scale(long n, float alpha, MemorySegment x, MemorySegment out) {
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                load(x, offset).mul(alpha).intoMemorySegment(out, offset, ORDER);
            }
            for (; i < end; i++) {
                out.setAtIndex(FLOAT, i, alpha * x.getAtIndex(FLOAT, i));
            }
        });
    }

    @Override
    public void axpy(long n, float alpha, MemorySegment x, MemorySegment y) {
        FloatVector alphas = FloatVector.broadcast(FLOATS, alpha);
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                long offset = i * Float.BYTES;
                load(x, offset).fma(alphas, load(y, offset)).intoMemorySegment(y, offset, ORDER);
            }
            for (; i < end; i++) {
                y.setAtIndex(FLOAT, i, Math.fma(alpha, x.getAtIndex(FLOAT, i), y.getAtIndex(FLOAT, i)));
            }
        });
    }

    @Override
    public void fill(long n, float value, MemorySegment out) {
        FloatVector broadcast = FloatVector.broadcast(FLOATS, value);
        parallel.forRange(n, MIN_ELEMENTS_PER_THREAD, (start, end) -> {
            long i = start;
            for (long bound = start + FLOATS.loopBound(end - start); i < bound; i += LANES) {
                broadcast.intoMemorySegment(out, i * Float.BYTES, ORDER);
            }
            for (; i < end; i++) {
                out.setAtIndex(FLOAT, i, value);
            }
        });
    }

    @Override
    public void addBias(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment out) {
        biasResidual(rows, cols, x, bias, null, out);
    }

    /** Shared by {@link #addBias} (no residual) and {@link #biasResidual} (bias optional): one pass per row. */
    @Override
    public void biasResidual(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment residual,
                             MemorySegment out) {
        parallel.forRange(rows, VectorLoops.minRowsPerThread(cols), (firstRow, endRow) -> {
            for (long r = firstRow; r < endRow; r++) {
                long rowStart = r * cols;
                int c = 0;
                for (int bound = FLOATS.loopBound(cols); c < bound; c += LANES) {
                    long offset = (rowStart + c) * Float.BYTES;
                    FloatVector sum = load(x, offset);
                    if (bias != null) {
                        sum = sum.add(load(bias, (long) c * Float.BYTES));
                    }
                    if (residual != null) {
                        sum = sum.add(load(residual, offset));
                    }
                    sum.intoMemorySegment(out, offset, ORDER);
                }
                for (; c < cols; c++) {
                    long i = rowStart + c;
                    float sum = x.getAtIndex(FLOAT, i);
                    if (bias != null) {
                        sum += bias.getAtIndex(FLOAT, c);
                    }
                    if (residual != null) {
                        sum += residual.getAtIndex(FLOAT, i);
                    }
                    out.setAtIndex(FLOAT, i, sum);
                }
            }
        });
    }

    @Override
    public void copyStrided(long[] shape, long[] srcStrides, MemorySegment src, MemorySegment dst, int elementBytes) {
        StridedCopy.copy(parallel, shape, srcStrides, src, dst, elementBytes);
    }

    private static FloatVector load(MemorySegment segment, long byteOffset) {
        return FloatVector.fromMemorySegment(FLOATS, segment, byteOffset, ORDER);
    }
}
