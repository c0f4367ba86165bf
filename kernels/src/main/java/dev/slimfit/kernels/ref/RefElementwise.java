package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Elementwise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Scalar reference of {@link Elementwise}: one element at a time, arithmetic in double, rounded once to float. */
public final class RefElementwise implements Elementwise {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public void add(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        for (long i = 0; i < n; i++) {
            double sum = (double) a.getAtIndex(FLOAT, i) + b.getAtIndex(FLOAT, i);
            out.setAtIndex(FLOAT, i, (float) sum);
        }
    }

    @Override
    public void mul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        for (long i = 0; i < n; i++) {
            double product = (double) a.getAtIndex(FLOAT, i) * b.getAtIndex(FLOAT, i);
            out.setAtIndex(FLOAT, i, (float) product);
        }
    }

    @Override
    public void scale(long n, float alpha, MemorySegment x, MemorySegment out) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(FLOAT, i, (float) ((double) alpha * x.getAtIndex(FLOAT, i)));
        }
    }

    @Override
    public void axpy(long n, float alpha, MemorySegment x, MemorySegment y) {
        for (long i = 0; i < n; i++) {
            double updated = y.getAtIndex(FLOAT, i) + (double) alpha * x.getAtIndex(FLOAT, i);
            y.setAtIndex(FLOAT, i, (float) updated);
        }
    }

    @Override
    public void fill(long n, float value, MemorySegment out) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(FLOAT, i, value);
        }
    }

    @Override
    public void addBias(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                long i = (long) r * cols + c;
                double sum = (double) x.getAtIndex(FLOAT, i) + bias.getAtIndex(FLOAT, c);
                out.setAtIndex(FLOAT, i, (float) sum);
            }
        }
    }

    @Override
    public void biasResidual(int rows, int cols, MemorySegment x, MemorySegment bias, MemorySegment residual,
                             MemorySegment out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                long i = (long) r * cols + c;
                double biasValue = bias == null ? 0 : bias.getAtIndex(FLOAT, c);
                double sum = (double) x.getAtIndex(FLOAT, i) + biasValue + residual.getAtIndex(FLOAT, i);
                out.setAtIndex(FLOAT, i, (float) sum);
            }
        }
    }

    /** Walks every index tuple of {@code shape} in row-major order like an odometer and copies one element each. */
    @Override
    public void copyStrided(long[] shape, long[] srcStrides, MemorySegment src, MemorySegment dst, int elementBytes) {
        checkStridedCopy(shape, srcStrides, elementBytes);
        int rank = shape.length;
        for (long extent : shape) {
            if (extent == 0) {
                return;
            }
        }
        long[] index = new long[rank];
        long dstElement = 0;
        while (true) {
            long srcElement = 0;
            for (int d = 0; d < rank; d++) {
                srcElement += index[d] * srcStrides[d];
            }
            MemorySegment.copy(src, srcElement * elementBytes, dst, dstElement * elementBytes, elementBytes);
            dstElement++;
            int d = rank - 1;
            while (d >= 0 && ++index[d] == shape[d]) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private static void checkStridedCopy(long[] shape, long[] srcStrides, int elementBytes) {
        if (shape.length != srcStrides.length) {
            throw new IllegalArgumentException("RefElementwise.copyStrided: " + shape.length + " dimensions but "
                    + srcStrides.length + " strides");
        }
        if (elementBytes != 1 && elementBytes != 2 && elementBytes != 4 && elementBytes != 8) {
            throw new IllegalArgumentException("RefElementwise.copyStrided: element size must be 1, 2, 4 or 8 bytes, "
                    + "got " + elementBytes);
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0 || srcStrides[d] < 0) {
                throw new IllegalArgumentException("RefElementwise.copyStrided: dimension " + d + " has extent "
                        + shape[d] + " and stride " + srcStrides[d] + "; both must be >= 0");
            }
        }
    }
}
