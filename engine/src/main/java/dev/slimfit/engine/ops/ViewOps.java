package dev.slimfit.engine.ops;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;

import java.util.Arrays;

/**
 * Layout ops: views that share storage (reshape of a contiguous tensor, permute, transpose, narrow, expand) and the
 * copies that materialise a layout (contiguous, copies into strided views). All are differentiable.
 */
final class ViewOps {

    private ViewOps() {
    }

    static Tensor reshape(Tensor x, int... requested) {
        x.checkOpen("reshape");
        Shape target = inferShape(x, requested);
        Tensor out;
        if (x.isContiguous()) {
            out = x.view(target, target.contiguousStrides(), x.offset());
        } else {
            try (Tensor dense = contiguousCopy(x)) {
                out = dense.view(target, target.contiguousStrides(), dense.offset());
            }
        }
        if (Node.recording(x)) {
            Shape inputShape = x.shape();
            out.gradFn(new Node("reshape", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {reshape(g, inputShape.toArray())};
                }
            });
        }
        return out;
    }

    private static Shape inferShape(Tensor x, int[] requested) {
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            if (requested[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(requested)
                            + " for " + x.describe());
                }
                inferred = i;
            } else if (requested[i] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Arrays.toString(requested));
            } else {
                known *= requested[i];
            }
        }
        int[] dims = requested.clone();
        if (inferred >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(requested)
                        + " for " + x.describe());
            }
            dims[inferred] = Math.toIntExact(x.numel() / known);
        }
        Shape target = Shape.of(dims);
        if (target.numel() != x.numel()) {
            throw new IllegalArgumentException("reshape: " + x.describe() + " (" + x.numel() + " elements) cannot be "
                    + "viewed as " + target + " (" + target.numel() + " elements)");
        }
        return target;
    }

    static Tensor permute(Tensor x, int... order) {
        x.checkOpen("permute");
        int rank = x.rank();
        if (order.length != rank) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " for " + x.describe());
        }
        boolean[] seen = new boolean[rank];
        int[] dims = x.dims();
        long[] strides = x.strides();
        int[] newDims = new int[rank];
        long[] newStrides = new long[rank];
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) {
            int axis = order[i] < 0 ? order[i] + rank : order[i];
            if (axis < 0 || axis >= rank || seen[axis]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(order) + " is not a permutation of "
                        + "the axes of " + x.describe());
            }
            seen[axis] = true;
            newDims[i] = dims[axis];
            newStrides[i] = strides[axis];
            inverse[axis] = i;
        }
        Tensor out = x.view(Shape.of(newDims), newStrides, x.offset());
        if (Node.recording(x)) {
            out.gradFn(new Node("permute", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {permute(g, inverse)};
                }
            });
        }
        return out;
    }

    static Tensor transpose(Tensor x, int axisA, int axisB) {
        int rank = x.rank();
        int a = x.shape().axis(axisA);
        int b = x.shape().axis(axisB);
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    static Tensor narrow(Tensor x, int axis, int start, int length) {
        x.checkOpen("narrow");
        int a = x.shape().axis(axis);
        int size = x.dim(a);
        if (start < 0 || length < 0 || start + length > size) {
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") out of "
                    + "bounds for axis " + axis + " of " + x.describe());
        }
        long[] strides = x.strides();
        Tensor out = x.view(x.shape().withDim(a, length), strides, x.offset() + start * strides[a]);
        if (Node.recording(x)) {
            Shape inputShape = x.shape();
            out.gradFn(new Node("narrow", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    // a slice of an input that already collected a gradient (the feed-forward block's slices of
                    // the residual stream) adds into its rows there, rather than into a full-size buffer of zeros
                    Tensor collected = gradientSoFar(0, inputShape);
                    if (collected != null) {
                        try (Tensor region = collected.view(g.shape(), collected.strides(),
                                start * collected.strides()[a])) {
                            if (region.isContiguous()) {
                                Ops.accumulate(region, g);
                                return new Tensor[] {null};
                            }
                        }
                    }
                    Tensor full = Ops.zeros(g.device(), inputShape);
                    try (Tensor region = full.view(g.shape(), full.strides(),
                            start * full.strides()[a])) {
                        copyInto(g, region);
                    }
                    return new Tensor[] {full};
                }
            });
        }
        return out;
    }

    /** Broadcasts size-1 (or missing leading) dimensions to {@code dims} without copying (stride 0). */
    static Tensor expand(Tensor x, int... dims) {
        x.checkOpen("expand");
        int rank = dims.length;
        if (rank < x.rank()) {
            throw new IllegalArgumentException("expand: cannot expand " + x.describe() + " to fewer dimensions "
                    + Arrays.toString(dims));
        }
        int[] xDims = x.dims();
        long[] xStrides = x.strides();
        long[] strides = new long[rank];
        int shift = rank - xDims.length;
        for (int i = 0; i < rank; i++) {
            int source = i - shift;
            if (source < 0) {
                strides[i] = 0;
            } else if (xDims[source] == dims[i]) {
                strides[i] = xStrides[source];
            } else if (xDims[source] == 1) {
                strides[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: " + x.describe() + " cannot be expanded to "
                        + Arrays.toString(dims) + " (dimension " + i + ")");
            }
        }
        Tensor out = x.view(Shape.of(dims), strides, x.offset());
        if (Node.recording(x)) {
            Shape inputShape = x.shape();
            out.gradFn(new Node("expand", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Broadcasting.sumToShape(g, inputShape)};
                }
            });
        }
        return out;
    }

    /** A new handle on the same view, recorded in the graph (gradients pass through unchanged). */
    static Tensor identity(Tensor x) {
        x.checkOpen("identity");
        Tensor out = x.alias();
        if (Node.recording(x)) {
            out.gradFn(new Node("identity", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.alias()};
                }
            });
        }
        return out;
    }

    /** The same data in row-major layout: a copy when needed, else a new handle on the same buffer. */
    static Tensor contiguous(Tensor x) {
        x.checkOpen("contiguous");
        Tensor out = x.isContiguous() ? x.alias() : contiguousCopy(x);
        if (Node.recording(x)) {
            out.gradFn(new Node("contiguous", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.alias()};
                }
            });
        }
        return out;
    }

    /**
     * A new workspace tensor of {@code shape} whose memory order follows {@code referenceStrides} when they describe a
     * dense permutation (every element once, no gaps), else row-major. For a gradient laid out like its operand: the
     * views that led to the operand (attention's heads split from [B, S, H·d]) then lead back without a copy.
     */
    static Tensor emptyLaidOutLike(Device device, Shape shape, long[] referenceStrides, String owner) {
        int rank = shape.rank();
        Integer[] order = new Integer[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = i;
        }
        // outermost first; a stable sort keeps ties (size-1 axes) in their axis order
        Arrays.sort(order, (x, y) -> Long.compare(referenceStrides[y], referenceStrides[x]));
        boolean permuted = false;
        long expected = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int axis = order[i];
            permuted |= axis != i;
            if (shape.dim(axis) == 1) {
                continue;
            }
            if (referenceStrides[axis] != expected) {
                return Tensor.workspace(device, DType.F32, shape, owner);
            }
            expected *= shape.dim(axis);
        }
        if (!permuted) {
            return Tensor.workspace(device, DType.F32, shape, owner);
        }
        int[] memoryDims = new int[rank];
        for (int i = 0; i < rank; i++) {
            memoryDims[i] = shape.dim(order[i]);
        }
        Shape memoryShape = Shape.of(memoryDims);
        long[] memoryStrides = memoryShape.contiguousStrides();
        long[] strides = new long[rank];
        for (int i = 0; i < rank; i++) {
            strides[order[i]] = memoryStrides[i];
        }
        try (Tensor base = Tensor.workspace(device, DType.F32, memoryShape, owner)) {
            return base.view(shape, strides, 0);
        }
    }

    /** A row-major workspace copy of any view (not recorded). */
    static Tensor contiguousCopy(Tensor x) {
        Device device = x.device();
        Tensor out = Tensor.workspace(device, x.dtype(), x.shape(), "contiguous");
        if (x.numel() > 0) {
            device.kernels().elementwise().copyStrided(longs(x.dims()), x.strides(), x.baseSegment(), out.segment(),
                    x.dtype().elementBytes());
        }
        return out;
    }

    /** Copies {@code src} into the (possibly strided) view {@code dst} of the same shape and dtype; not recorded. */
    static void copyInto(Tensor src, Tensor dst) {
        String op = "copyInto";
        Checks.openOnOneDevice(op, src, dst);
        Checks.sameShape(op, src, dst);
        Checks.sameDtype(op, src, dst);
        if (src.numel() == 0) {
            return;
        }
        Device device = src.device();
        if (src.dtype().isPacked()) {
            device.memory().copy(src.segment(), dst.segment(), src.byteSize());
        } else if (dst.isContiguous()) {
            device.kernels().elementwise().copyStrided(longs(src.dims()), src.strides(), src.baseSegment(),
                    dst.segment(), src.dtype().elementBytes());
        } else {
            device.kernels().elementwise().copyStridedToStrided(longs(src.dims()), src.strides(), src.baseSegment(),
                    dst.strides(), dst.baseSegment(), src.dtype().elementBytes());
        }
    }

    static long[] longs(int[] dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    /** Concatenation along {@code axis}; every input has the same dims except along the axis. */
    static Tensor concat(int axis, Tensor... inputs) {
        String op = "concat";
        if (inputs.length == 0) {
            throw new IllegalArgumentException("concat: no inputs");
        }
        Device device = Checks.openOnOneDevice(op, inputs);
        Tensor first = inputs[0];
        int a = first.shape().axis(axis);
        int total = 0;
        for (Tensor t : inputs) {
            Checks.sameDtype(op, first, t);
            if (t.rank() != first.rank()) {
                throw new IllegalArgumentException("concat: rank mismatch: " + first.describe() + " vs " + t.describe());
            }
            for (int d = 0; d < first.rank(); d++) {
                if (d != a && t.dim(d) != first.dim(d)) {
                    throw new IllegalArgumentException("concat along axis " + axis + ": shape mismatch: "
                            + first.describe() + " vs " + t.describe());
                }
            }
            total += t.dim(a);
        }
        if (first.dtype() == DType.I4) {
            throw new UnsupportedOperationException("concat of packed I4 tensors");
        }
        Shape outShape = first.shape().withDim(a, total);
        Tensor out = Tensor.workspace(device, first.dtype(), outShape, op);
        int start = 0;
        int[] starts = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            starts[i] = start;
            Tensor t = inputs[i];
            try (Tensor region = out.view(t.shape(), out.strides(), start * out.strides()[a])) {
                copyInto(t, region);
            }
            start += t.dim(a);
        }
        if (Node.recording(inputs)) {
            int[] lengths = Arrays.stream(inputs).mapToInt(t -> t.dim(a)).toArray();
            out.gradFn(new Node(op, inputs) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor[] grads = new Tensor[lengths.length];
                    for (int i = 0; i < lengths.length; i++) {
                        if (needsGrad(i)) {
                            Tensor part = g.view(g.shape().withDim(a, lengths[i]), g.strides(),
                                    g.offset() + starts[i] * g.strides()[a]);
                            if (part.isContiguous()) {
                                // a view suffices (concatenation along the first axis): no copy of g
                                grads[i] = part;
                            } else {
                                try (part) {
                                    grads[i] = contiguousCopy(part);
                                }
                            }
                        }
                    }
                    return grads;
                }
            });
        }
        return out;
    }

    /** A zero-filled float32 workspace tensor. */
    static Tensor zeros(Device device, Shape shape) {
        return Tensor.zeros(device, DType.F32, shape, Category.WORKSPACE, dev.slimfit.engine.Names.label("zeros"));
    }
}
