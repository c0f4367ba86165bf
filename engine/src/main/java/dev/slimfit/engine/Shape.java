package dev.slimfit.engine;

import java.util.Arrays;

/** An immutable list of dimension sizes, outermost first (row-major). */
public final class Shape {

    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final long numel;

    private Shape(int[] dims) {
        long count = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            count = Math.multiplyExact(count, d);
        }
        this.dims = dims;
        this.numel = count;
    }

    public static Shape of(int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return dims[axis(axis)];
    }

    /** Normalises a possibly negative axis, with a clear error when out of range. */
    public int axis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + this);
        }
        return a;
    }

    public long numel() {
        return numel;
    }

    public int[] toArray() {
        return dims.clone();
    }

    /** Product of the dimensions before {@code axis} (for treating a tensor as rows × cols). */
    public long prefixProduct(int axis) {
        long p = 1;
        for (int i = 0; i < axis; i++) {
            p *= dims[i];
        }
        return p;
    }

    /** Size of the last dimension (1 for a scalar). */
    public int last() {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    /** Number of rows when the last dimension is the row length. */
    public long rows() {
        return dims.length == 0 ? 1 : prefixProduct(dims.length - 1);
    }

    /** Row-major strides in elements. */
    public long[] contiguousStrides() {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        return strides;
    }

    public Shape withDim(int axis, int size) {
        int[] d = dims.clone();
        d[axis(axis)] = size;
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
