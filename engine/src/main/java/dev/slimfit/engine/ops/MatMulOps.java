package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavedSlot;

/**
 * Matrix products: batched {@code matmul} and the {@code linear} layer. Transposed views go to GEMM as transpose
 * flags, never as copies. Each operand is saved only when the other one's gradient is wanted (a Linear keeps its
 * input only while its weight trains).
 */
final class MatMulOps {

    private MatMulOps() {
    }

    /**
     * {@code a [..., m, k] @ b [..., k, n]} with equal batch dimensions, or {@code b [k, n]} shared by the batch.
     * {@code kindA}/{@code kindB} name what the operands are, for the save policy. With {@code mayOverwriteRight} the
     * product may be written over b's buffer (see {@link #productOverRight}).
     */
    static Tensor matmul(Tensor a, Tensor b, String kindA, String kindB, boolean mayOverwriteRight) {
        String op = "matmul";
        Checks.openOnOneDevice(op, a, b);
        checkOperands(op, a, b);
        // the node (and any encoding of the operands, with its temporaries) comes before the output buffer, so
        // that the two never coexist
        Node node = null;
        if (Node.recording(a, b)) {
            boolean sharedRight = b.rank() == 2 && a.rank() > 2;
            node = new Node(op, a, b) {
                // B serves A's gradient and A serves B's: each is saved only when the other's gradient is wanted
                private final SavedSlot savedB = needsGrad(0) ? save(b, kindB, a.isLeaf()) : null;
                private final SavedSlot savedA = needsGrad(1) ? save(a, kindA, b.isLeaf()) : null;
                private final Shape shapeA = a.shape();
                private final Shape shapeB = b.shape();
                // each gradient is laid out like its operand, so the views that made the operand lead back freely
                private final long[] stridesA = a.strides();
                private final long[] stridesB = b.strides();

                private final boolean leftLarger = a.numel() > b.numel();

                @Override
                protected Tensor[] backward(Tensor g) {
                    if (MatrixOperand.of(g) != null) {
                        return gradients(g);
                    }
                    // a gradient GEMM cannot walk (attention's heads permuted back from [B, S, H·d]) is copied once
                    // for both products, and the view is closed so that its buffer goes now rather than after both
                    Tensor dense = ViewOps.contiguousCopy(g);
                    g.close();
                    try (dense) {
                        return gradients(dense);
                    }
                }

                /**
                 * Each gradient needs the other operand's saved copy, which is released as soon as that gradient
                 * exists. The one computed first is the one whose release frees more (attention's V, held by this
                 * node alone, before the probabilities, which the softmax also holds), so that less is held while
                 * both gradients exist; on a tie, the one whose operand, if decoded whole, is larger.
                 */
                private Tensor[] gradients(Tensor g) {
                    long freedByA = releasableBytes(savedA);
                    long freedByB = releasableBytes(savedB);
                    boolean rightFirst = freedByA != freedByB ? freedByA > freedByB : leftLarger;
                    Tensor ga = null;
                    Tensor gb = null;
                    try {
                        if (rightFirst) {
                            gb = gradientB(g, false);
                            close(savedA);
                        }
                        ga = gradientA(g);
                        close(savedB);
                        if (!rightFirst) {
                            // dC is not read after this product: dB may take its buffer
                            gb = gradientB(g, true);
                            close(savedA);
                        }
                        return new Tensor[] {ga, gb};
                    } catch (RuntimeException e) {
                        close(ga);
                        close(gb);
                        throw e;
                    }
                }

                /** dA = dC · Bᵀ. */
                private Tensor gradientA(Tensor g) {
                    if (savedB == null) {
                        return null;
                    }
                    Tensor sliced = productDecodingSlices(g, savedB, shapeB, true, stridesA, false, "matmul.gradA");
                    if (sliced != null) {
                        return sliced;
                    }
                    try (Tensor bv = savedB.get(); Tensor bt = ViewOps.transpose(bv, -1, -2)) {
                        return productLaidOut(g, bt, shapeA, stridesA, "matmul.gradA");
                    }
                }

                /** dB = Aᵀ · dC; written over dC's buffer when {@code lastUseOfG} allows it (see below). */
                private Tensor gradientB(Tensor g, boolean lastUseOfG) {
                    if (savedA == null) {
                        return null;
                    }
                    if (sharedRight) {
                        try (Tensor av = savedA.get()) {
                            return gradientOfSharedRight(av, g);
                        }
                    }
                    // attention's dV = Pᵀ·dC has dC's shape and, both split from [B, S, H·d], its layout: when nothing
                    // else holds dC, dV takes its place (12 MiB fewer next to dP at BERT-base, batch 32)
                    boolean overG = lastUseOfG && g.isOnlyHandleOnBuffer() && shapeB.equals(g.shape());
                    Tensor sliced = productDecodingSlices(g, savedA, shapeA, false, stridesB, overG, "matmul.gradB");
                    if (sliced != null) {
                        return sliced;
                    }
                    try (Tensor av = savedA.get(); Tensor at = ViewOps.transpose(av, -1, -2)) {
                        return productLaidOut(at, g, shapeB, stridesB, "matmul.gradB");
                    }
                }
            };
        }
        // the node saved b first: an exact save holds a second reference to its buffer, which rules overwriting out
        Tensor out = mayOverwriteRight && canWriteOverRight(a, b) ? productOverRight(a, b, op) : product(a, b, op);
        if (node != null) {
            out.gradFn(node);
        }
        return out;
    }

    /** Whether the product has b's shape, b's layout is one GEMM can write, and nothing else holds b's buffer. */
    private static boolean canWriteOverRight(Tensor a, Tensor b) {
        if (a.rank() != b.rank() || b.rank() < 3 || a.dim(-2) != b.dim(-2) || !b.isOnlyHandleOnBuffer()) {
            return false;
        }
        MatrixOperand layout = MatrixOperand.of(b);
        return layout != null && !layout.transposed();
    }

    /**
     * {@code a @ b} written over b's buffer, in b's layout, one example (first dimension) at a time: each example's
     * product needs only that example of b, so it goes to a buffer of one example's size and then over the example
     * it was computed from. Attention's context thus takes V's place (at BERT-base, batch 32, 12 MiB fewer while
     * the probabilities are alive), in V's [B, S, H, d] order, so merging the heads afterwards is a view.
     */
    private static Tensor productOverRight(Tensor a, Tensor b, String op) {
        SavedSlot.forgetSharedEncodings(b);
        Tensor out = b.alias();
        try (Tensor example = Tensor.workspace(b.device(), DType.F32, b.shape().withDim(0, 1), op)) {
            for (int e = 0; e < b.dim(0); e++) {
                try (Tensor aExample = exampleView(a, e); Tensor outExample = exampleView(out, e)) {
                    productInto(aExample, outExample, example, op);
                    ViewOps.copyInto(example, outExample);
                }
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Example {@code e} of {@code t}'s first dimension as a view of size 1 there, outside the autograd graph. */
    private static Tensor exampleView(Tensor t, int e) {
        return t.view(t.shape().withDim(0, 1), t.strides(), t.offset() + e * t.strides()[0]);
    }

    private static long releasableBytes(SavedSlot slot) {
        return slot == null ? 0 : slot.releasableBytes();
    }

    private static void close(SavedSlot slot) {
        if (slot != null) {
            slot.close();
        }
    }

    private static void close(Tensor tensor) {
        if (tensor != null) {
            tensor.close();
        }
    }

    private static void checkOperands(String op, Tensor a, Tensor b) {
        Checks.dtype(op, "a", a, DType.F32);
        Checks.dtype(op, "b", b, DType.F32);
        Checks.rankAtLeast(op, "a", a, 2);
        Checks.rankAtLeast(op, "b", b, 2);
        if (a.dim(-1) != b.dim(-2)) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: " + a.describe() + " @ "
                    + b.describe());
        }
        if (b.rank() > 2) {
            if (a.rank() != b.rank()) {
                throw new IllegalArgumentException(op + ": batch ranks differ: " + a.describe() + " @ "
                        + b.describe());
            }
            for (int d = 0; d < a.rank() - 2; d++) {
                if (a.dim(d) != b.dim(d)) {
                    throw new IllegalArgumentException(op + ": batch dimensions differ: " + a.describe() + " @ "
                            + b.describe());
                }
            }
        }
    }

    /** {@code a @ b} into a new contiguous workspace tensor; not recorded. */
    static Tensor product(Tensor a, Tensor b, String op) {
        int[] outDims = a.dims();
        outDims[a.rank() - 1] = b.dim(-1);
        Tensor out = Tensor.workspace(a.device(), DType.F32, Shape.of(outDims), op);
        productInto(a, b, out, op);
        return out;
    }

    /** {@code a @ b} (of {@code shape}) into a new workspace tensor laid out like {@code strides}; not recorded. */
    private static Tensor productLaidOut(Tensor a, Tensor b, Shape shape, long[] strides, String op) {
        Tensor out = ViewOps.emptyLaidOutLike(a.device(), shape, strides, op);
        try {
            productInto(a, b, out, op);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** {@code a @ b} written into {@code out} of the product's shape, in any layout GEMM can write; not recorded. */
    private static void productInto(Tensor a, Tensor b, Tensor out, String op) {
        Device device = a.device();
        int rank = a.rank();
        int m = a.dim(-2);
        int k = a.dim(-1);
        int n = b.dim(-1);
        if (out.numel() == 0) {
            return;
        }
        if (k == 0) {
            try (Tensor zeros = Tensor.workspace(device, DType.F32, out.shape(), op)) {
                device.kernels().elementwise().fill(zeros.numel(), 0f, zeros.segment());
                ViewOps.copyInto(zeros, out);
            }
            return;
        }
        if (b.rank() == 2 && rank > 2 && out.isContiguous()) {
            // one tall GEMM instead of a batch: [batch·m, k] @ [k, n]
            long rows = a.numel() / k;
            Checks.fits(op, "rows", rows);
            try (Tensor a2 = ViewOps.reshape(a, (int) rows, k)) {
                gemm(a2, b, out, (int) rows, n, k, 1);
            }
            return;
        }
        long batch = out.numel() / ((long) m * n);
        Checks.fits(op, "batch", batch);
        gemm(a, b, out, m, n, k, (int) batch);
    }

    /**
     * A gradient product in which one factor is a saved operand stored encoded: {@code g · savedᵀ} when
     * {@code savedOnRight}, else {@code savedᵀ · g}. The saved operand is decoded a slice of its first (batch)
     * dimension at a time into a small buffer, and each slice's product is written into its part of the result,
     * so the full decoded operand never exists (attention at BERT-base, batch 32: 12 MiB for V, 24 MiB for the
     * probabilities). Returns null when that cannot be done (an exact or unbatched operand, or slices that would
     * split an encoding's granule); the caller then decodes whole. With {@code overG} (g is not needed afterwards,
     * nothing else holds it, and the result has its shape) each slice's product goes through a buffer of the slice's
     * size and then over the slice of g it was computed from, and the result is g's buffer.
     */
    private static Tensor productDecodingSlices(Tensor g, SavedSlot saved, Shape savedShape, boolean savedOnRight,
                                                long[] outLayout, boolean overG, String op) {
        int rank = savedShape.rank();
        if (saved.isExact() || rank < 3 || g.rank() != rank || savedShape.dim(0) < 2) {
            return null;
        }
        int examples = savedShape.dim(0);
        long perExample = savedShape.numel() / examples;
        long granule = saved.decodeGranule();
        long chunk = SavedSlot.decodeChunkElements(g.device());
        int perSlice = (int) Math.max(1, Math.min(examples, chunk / Math.max(1, perExample)));
        if (perExample == 0 || (perExample * perSlice) % granule != 0) {
            return null;
        }
        int[] outDims = g.dims();
        if (savedOnRight) {
            outDims[rank - 1] = savedShape.dim(-2);
        } else {
            outDims[rank - 2] = savedShape.dim(-1);
        }
        Shape outShape = Shape.of(outDims);
        Tensor out = overG ? g.alias() : ViewOps.emptyLaidOutLike(g.device(), outShape, outLayout, op);
        try (Tensor buffer = Tensor.workspace(g.device(), DType.F32, savedShape.withDim(0, perSlice),
                op + ".decodedSlice");
             Tensor sliceOut = overG ? Tensor.workspace(g.device(), DType.F32, outShape.withDim(0, perSlice), op)
                     : null) {
            for (int start = 0; start < examples; start += perSlice) {
                int length = Math.min(perSlice, examples - start);
                Shape sliceShape = savedShape.withDim(0, length);
                Shape outSliceShape = outShape.withDim(0, length);
                try (Tensor decoded = buffer.view(sliceShape, sliceShape.contiguousStrides(), 0);
                     Tensor decodedT = ViewOps.transpose(decoded, -1, -2);
                     Tensor gSlice = ViewOps.narrow(g, 0, start, length);
                     Tensor outSlice = ViewOps.narrow(out, 0, start, length);
                     Tensor target = overG ? sliceOut.view(outSliceShape, outSliceShape.contiguousStrides(), 0)
                             : outSlice.alias()) {
                    saved.decodeRangeInto(start * perExample, length * perExample, decoded);
                    if (savedOnRight) {
                        productInto(gSlice, decodedT, target, op);
                    } else {
                        productInto(decodedT, gSlice, target, op);
                    }
                    if (overG) {
                        ViewOps.copyInto(target, outSlice);
                    }
                }
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static void gemm(Tensor a, Tensor b, Tensor out, int m, int n, int k, int batch) {
        MatrixOperand co = MatrixOperand.of(out);
        boolean sharedRight = b.rank() == 2 && a.rank() > 2;
        if (co != null && co.transposed() && !sharedRight) {
            // a column-major output (the gradient of a transposed operand, such as attention's Kᵀ, laid out like
            // it): Cᵀ = Bᵀ·Aᵀ is row-major
            try (Tensor at = ViewOps.transpose(a, -1, -2); Tensor bt = ViewOps.transpose(b, -1, -2);
                 Tensor ct = ViewOps.transpose(out, -1, -2)) {
                gemm(bt, at, ct, n, m, k, batch);
            }
            return;
        }
        if (co == null || co.transposed()) {
            gemmThroughDense(a, b, out, m, n, k, batch);
            return;
        }
        MatrixOperand ao = MatrixOperand.of(a);
        MatrixOperand bo = MatrixOperand.of(b);
        Tensor ac = null;
        Tensor bc = null;
        try {
            if (ao == null) {
                ac = ViewOps.contiguousCopy(a);
                ao = MatrixOperand.of(ac);
            }
            if (bo == null) {
                bc = ViewOps.contiguousCopy(b);
                bo = MatrixOperand.of(bc);
            }
            if (batch == 1) {
                out.device().kernels().gemm().gemm(ao.transposed(), bo.transposed(), m, n, k, 1f, ao.base(), ao.ld(),
                        bo.base(), bo.ld(), 0f, co.base(), co.ld());
                return;
            }
            boolean sharedB = b.rank() == 2;
            // a two-level batch (heads within examples): groups of strided batches
            int inner = ao.outer() > 1 ? ao.batch() : !sharedB && bo.outer() > 1 ? bo.batch()
                    : co.outer() > 1 ? co.batch() : batch;
            if (!co.splitsInto(inner)) {
                gemmThroughDense(a, b, out, m, n, k, batch);
                return;
            }
            if (!ao.splitsInto(inner)) {
                ac = ViewOps.contiguousCopy(a);
                ao = MatrixOperand.of(ac);
            }
            if (!sharedB && !bo.splitsInto(inner)) {
                bc = ViewOps.contiguousCopy(b);
                bo = MatrixOperand.of(bc);
            }
            long strideB = sharedB ? 0 : bo.batchStride();
            long groupA = ao.groupStride(inner);
            long groupB = sharedB ? 0 : bo.groupStride(inner);
            long groupC = co.groupStride(inner);
            out.device().kernels().gemm().gemmGroupedBatched(ao.transposed(), bo.transposed(), m, n, k, 1f,
                    ao.base(), ao.ld(), ao.batchStride(), groupA, bo.base(), bo.ld(), strideB, groupB, 0f,
                    co.base(), co.ld(), co.batchStride(), groupC, inner, batch / inner);
        } finally {
            if (ac != null) {
                ac.close();
            }
            if (bc != null) {
                bc.close();
            }
        }
    }

    /** For an output layout GEMM cannot write: the product row-major, then copied into place. */
    private static void gemmThroughDense(Tensor a, Tensor b, Tensor out, int m, int n, int k, int batch) {
        try (Tensor dense = Tensor.workspace(out.device(), DType.F32, out.shape(), "matmul.output")) {
            gemm(a, b, dense, m, n, k, batch);
            ViewOps.copyInto(dense, out);
        }
    }

    /** Gradient of a right operand shared by the batch: {@code Aᵀ · dC} summed over the batch, one tall product. */
    private static Tensor gradientOfSharedRight(Tensor a, Tensor g) {
        int k = a.dim(-1);
        int n = g.dim(-1);
        long rows = a.numel() / Math.max(k, 1);
        try (Tensor a2 = ViewOps.reshape(a, (int) rows, k); Tensor g2 = ViewOps.reshape(g, (int) rows, n);
             Tensor at = ViewOps.transpose(a2, 0, 1)) {
            return product(at, g2, "matmul.gradB");
        }
    }

    /** {@code x [..., in] · wᵀ + bias}, with {@code w [out, in]} and {@code bias [out]} (nullable). */
    static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        String op = "linear";
        Device device = Checks.openOnOneDevice(op, x, w, bias);
        Checks.dtype(op, "input", x, DType.F32);
        Checks.dtype(op, "weight", w, DType.F32);
        Checks.rank(op, "weight", w, 2);
        Checks.rankAtLeast(op, "input", x, 1);
        int in = w.dim(1);
        int outFeatures = w.dim(0);
        if (x.dim(-1) != in) {
            throw new IllegalArgumentException(op + ": input " + x.describe() + " does not match weight "
                    + w.describe() + " (expected last dimension " + in + ")");
        }
        if (bias != null) {
            Checks.dtype(op, "bias", bias, DType.F32);
            if (bias.rank() != 1 || bias.dim(0) != outFeatures) {
                throw new IllegalArgumentException(op + ": bias " + bias.describe() + " does not match weight "
                        + w.describe() + " (expected [" + outFeatures + "])");
            }
        }
        long rowsLong = x.numel() / Math.max(in, 1);
        Checks.fits(op, "rows", rowsLong);
        int rows = (int) rowsLong;
        int[] outDims = x.dims();
        outDims[outDims.length - 1] = outFeatures;
        Tensor y = Tensor.workspace(device, DType.F32, Shape.of(outDims), op);
        if (y.numel() > 0) {
            try (Tensor x2 = ArithmeticOps.dense(x)) {
                if (in == 0) {
                    device.kernels().elementwise().fill(y.numel(), 0f, y.segment());
                } else {
                    try (Tensor wd = weightOperand(w)) {
                        MatrixOperand wo = MatrixOperand.of(wd);
                        // Y = X · Wᵀ: W stored [out, in] row-major means op(B) = Wᵀ, a transpose flag
                        device.kernels().gemm().gemm(false, !wo.transposed(), rows, outFeatures, in, 1f,
                                x2.segment(), in, wo.base(), wo.ld(), 0f, y.segment(), outFeatures);
                    }
                }
                if (bias != null) {
                    try (Tensor bd = ArithmeticOps.dense(bias)) {
                        device.kernels().elementwise().addBias(rows, outFeatures, y.segment(), bd.segment(),
                                y.segment());
                    }
                }
            }
        }
        if (Node.recording(x, w, bias)) {
            Shape inputShape = x.shape();
            y.gradFn(new LinearNode(op, x, w, bias, inputShape, rows, in, outFeatures));
        }
        return y;
    }

    /** The weight as a GEMM operand: itself (row- or column-major) or, for other layouts, a contiguous copy. */
    private static Tensor weightOperand(Tensor w) {
        return MatrixOperand.of(w) != null ? w.alias() : ViewOps.contiguousCopy(w);
    }

    private static final class LinearNode extends Node {
        private final Shape inputShape;
        private final int rows;
        private final int in;
        private final int outFeatures;
        private final SavedSlot savedInput;
        private final SavedSlot savedWeight;

        LinearNode(String op, Tensor x, Tensor w, Tensor bias, Shape inputShape, int rows, int in, int outFeatures) {
            super(op, x, w, bias);
            this.inputShape = inputShape;
            this.rows = rows;
            this.in = in;
            this.outFeatures = outFeatures;
            // the input serves only the weight's gradient: kept only while the weight trains
            this.savedInput = needsGrad(1) ? save(x, SaveKinds.LINEAR_INPUT, true) : null;
            // the weight serves the input's gradient; held exactly (a parameter's buffer stays a parameter)
            this.savedWeight = needsGrad(0) ? saveExact(w, "linear.weight") : null;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Device device = g.device();
            Tensor gx = null;
            Tensor gw = null;
            Tensor gb = null;
            try (Tensor g2 = ArithmeticOps.dense(g)) {
                if (needsGrad(0)) {
                    try (Tensor w = savedWeight.get();
                         Tensor wd = weightOperand(w)) {
                        // an input that already collected a gradient elsewhere (a layer input feeding Q, K, V and
                        // the residual) gets this one added into it
                        Tensor collected = gradientSoFar(0, inputShape);
                        if (collected == null) {
                            gx = Tensor.workspace(device, DType.F32, inputShape, "linear.gradInput");
                        }
                        Tensor target = collected != null ? collected : gx;
                        if (collected == null && gx.numel() > 0 && outFeatures == 0) {
                            device.kernels().elementwise().fill(gx.numel(), 0f, gx.segment());
                        } else if (target.numel() > 0 && outFeatures > 0) {
                            MatrixOperand wo = MatrixOperand.of(wd);
                            // dX [rows, in] = dY [rows, out] · W [out, in] (+ dX so far)
                            device.kernels().gemm().gemm(false, wo.transposed(), rows, in, outFeatures, 1f,
                                    g2.segment(), outFeatures, wo.base(), wo.ld(), collected != null ? 1f : 0f,
                                    target.segment(), in);
                        }
                    }
                }
                if (needsGrad(1)) {
                    try (Tensor x = savedInput.get(); Tensor xd = ArithmeticOps.dense(x)) {
                        // a weight used before (the feed-forward block's token slices) adds into its gradient
                        Tensor accumulated = gradientSoFar(1, Shape.of(outFeatures, in));
                        if (accumulated == null) {
                            gw = Tensor.workspace(device, DType.F32, Shape.of(outFeatures, in), "linear.gradWeight");
                        }
                        Tensor target = accumulated != null ? accumulated : gw;
                        float beta = accumulated != null ? 1f : 0f;
                        if (rows == 0 && accumulated == null) {
                            device.kernels().elementwise().fill(gw.numel(), 0f, gw.segment());
                        } else if (rows > 0 && target.numel() > 0) {
                            // dW [out, in] = dYᵀ [out, rows] · X [rows, in] (+ dW so far)
                            device.kernels().gemm().gemm(true, false, outFeatures, in, rows, 1f, g2.segment(),
                                    outFeatures, xd.segment(), in, beta, target.segment(), in);
                        }
                    }
                }
                if (needsGrad(2)) {
                    gb = Tensor.workspace(device, DType.F32, Shape.of(outFeatures), "linear.gradBias");
                    device.kernels().reductions().sumFirstDim(rows, outFeatures, g2.segment(), gb.segment());
                }
            }
            return new Tensor[] {gx, gw, gb};
        }
    }
}
