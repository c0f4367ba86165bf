package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavedSlot;
import dev.slimfit.kernels.Elementwise;

/** Elementwise arithmetic with broadcasting: add, mul, scale, and the in-place accumulation autograd uses. */
final class ArithmeticOps {

    private ArithmeticOps() {
    }

    static Tensor add(Tensor a, Tensor b) {
        String op = "add";
        Device device = Checks.openOnOneDevice(op, a, b);
        Checks.dtype(op, "a", a, DType.F32);
        Checks.dtype(op, "b", b, DType.F32);
        Shape outShape = Broadcasting.shape(op, a, b);
        Tensor out = Tensor.workspace(device, DType.F32, outShape, op);
        Elementwise kernels = device.kernels().elementwise();
        if (a.shape().equals(outShape) && b.shape().equals(outShape)) {
            try (Tensor ad = dense(a); Tensor bd = dense(b)) {
                kernels.add(outShape.numel(), ad.segment(), bd.segment(), out.segment());
            }
        } else if (a.shape().equals(outShape) && Broadcasting.isRowBroadcast(b.shape(), outShape)) {
            rowBroadcastAdd(kernels, a, b, out);
        } else if (b.shape().equals(outShape) && Broadcasting.isRowBroadcast(a.shape(), outShape)) {
            rowBroadcastAdd(kernels, b, a, out);
        } else {
            try (Tensor ae = ViewOps.expand(a, outShape.toArray()); Tensor be = ViewOps.expand(b, outShape.toArray());
                 Tensor ad = ViewOps.contiguousCopy(ae); Tensor bd = ViewOps.contiguousCopy(be)) {
                kernels.add(outShape.numel(), ad.segment(), bd.segment(), out.segment());
            }
        }
        if (Node.recording(a, b)) {
            Shape aShape = a.shape();
            Shape bShape = b.shape();
            out.gradFn(new Node(op, a, b) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {
                        needsGrad(0) ? Broadcasting.sumToShape(g, aShape) : null,
                        needsGrad(1) ? Broadcasting.sumToShape(g, bShape) : null};
                }
            });
        }
        return out;
    }

    private static void rowBroadcastAdd(Elementwise kernels, Tensor full, Tensor row, Tensor out) {
        long cols = row.numel();
        long rows = cols == 0 ? 0 : full.numel() / cols;
        Checks.fits("add", "rows", rows);
        Checks.fits("add", "cols", cols);
        try (Tensor fd = dense(full); Tensor rd = dense(row)) {
            kernels.addBias((int) rows, (int) cols, fd.segment(), rd.segment(), out.segment());
        }
    }

    static Tensor mul(Tensor a, Tensor b) {
        String op = "mul";
        Device device = Checks.openOnOneDevice(op, a, b);
        Checks.dtype(op, "a", a, DType.F32);
        Checks.dtype(op, "b", b, DType.F32);
        Shape outShape = Broadcasting.shape(op, a, b);
        Tensor out = Tensor.workspace(device, DType.F32, outShape, op);
        try (Tensor ae = ViewOps.expand(a, outShape.toArray()); Tensor be = ViewOps.expand(b, outShape.toArray());
             Tensor ad = dense(ae); Tensor bd = dense(be)) {
            device.kernels().elementwise().mul(outShape.numel(), ad.segment(), bd.segment(), out.segment());
        }
        if (Node.recording(a, b)) {
            Shape aShape = a.shape();
            Shape bShape = b.shape();
            out.gradFn(new Node(op, a, b) {
                // d(a·b)/da needs b, and d/db needs a: save each only if the other's gradient is wanted
                private final SavedSlot savedB = needsGrad(0) ? save(b, SaveKinds.MUL_OPERAND, false) : null;
                private final SavedSlot savedA = needsGrad(1) ? save(a, SaveKinds.MUL_OPERAND, false) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor ga = null;
                    Tensor gb = null;
                    if (savedB != null) {
                        try (Tensor bv = savedB.get(); Tensor prod = mulNoGrad(g, bv)) {
                            ga = Broadcasting.sumToShape(prod, aShape);
                        }
                    }
                    if (savedA != null) {
                        try (Tensor av = savedA.get(); Tensor prod = mulNoGrad(g, av)) {
                            gb = Broadcasting.sumToShape(prod, bShape);
                        }
                    }
                    return new Tensor[] {ga, gb};
                }
            });
        }
        return out;
    }

    private static Tensor mulNoGrad(Tensor a, Tensor b) {
        return mul(a, b); // backward runs with recording off, so this records nothing
    }

    static Tensor scale(Tensor x, float alpha) {
        String op = "scale";
        Device device = Checks.openOnOneDevice(op, x);
        Checks.dtype(op, "x", x, DType.F32);
        Tensor out = Tensor.workspace(device, DType.F32, x.shape(), op);
        try (Tensor xd = dense(x)) {
            device.kernels().elementwise().scale(x.numel(), alpha, xd.segment(), out.segment());
        }
        if (Node.recording(x)) {
            out.gradFn(new Node(op, x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor dx = gradientOutput(g, "scale.grad");
                    try (Tensor gd = dense(g)) {
                        g.device().kernels().elementwise().scale(g.numel(), alpha, gd.segment(), dx.segment());
                    }
                    return new Tensor[] {dx};
                }
            });
        }
        return out;
    }

    /** {@code target += g} in place (same shape; target contiguous). Not recorded. */
    static void accumulate(Tensor target, Tensor g) {
        String op = "accumulate";
        Device device = Checks.openOnOneDevice(op, target, g);
        Checks.sameShape(op, target, g);
        Checks.dtype(op, "target", target, DType.F32);
        Checks.dtype(op, "gradient", g, DType.F32);
        try (Tensor gd = dense(g)) {
            device.kernels().elementwise().axpy(g.numel(), 1f, gd.segment(), target.segment());
        }
    }

    /** A float32 workspace tensor filled with {@code value}. */
    static Tensor full(Device device, Shape shape, float value) {
        Tensor out = Tensor.workspace(device, DType.F32, shape, "full");
        device.kernels().elementwise().fill(shape.numel(), value, out.segment());
        return out;
    }

    /**
     * Where an elementwise backward writes the gradient it computes from {@code g}: {@code g}'s own buffer (a new
     * handle on it) when nothing else uses that buffer — autograd drops its handle right after — else a new
     * workspace tensor. Saves one gradient-sized allocation per elementwise op in backward.
     */
    static Tensor gradientOutput(Tensor g, String op) {
        return g.isSoleOwner() ? g.alias() : Tensor.workspace(g.device(), DType.F32, g.shape(), op);
    }

    /**
     * Where an elementwise op that was handed {@code x} writes its output: x's own buffer (a new handle on it) when
     * nothing else holds that buffer — no view, alias or exact save — else a new workspace buffer. Encodings made of
     * x so far stop being shared with later saves, since they will no longer describe its contents.
     */
    static Tensor outputOver(Tensor x, String op) {
        if (!x.isSoleOwner()) {
            return Tensor.workspace(x.device(), DType.F32, x.shape(), op);
        }
        SavedSlot.forgetSharedEncodings(x);
        return x.alias();
    }

    /** {@code x} itself as a new handle if contiguous, else a contiguous copy; the caller closes it. */
    static Tensor dense(Tensor x) {
        return x.isContiguous() ? x.alias() : ViewOps.contiguousCopy(x);
    }
}
