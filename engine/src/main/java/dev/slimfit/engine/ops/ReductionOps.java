package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;

/** Whole-tensor reductions to a rank-0 tensor: sum and mean (differentiable) and max (not differentiable). */
final class ReductionOps {

    private ReductionOps() {
    }

    static Tensor sum(Tensor x) {
        return reduce("sum", x, false);
    }

    static Tensor mean(Tensor x) {
        return reduce("mean", x, true);
    }

    private static Tensor reduce(String op, Tensor x, boolean mean) {
        Device device = Checks.openOnOneDevice(op, x);
        Checks.dtype(op, "x", x, DType.F32);
        Tensor out = Tensor.workspace(device, DType.F32, Shape.scalar(), op);
        try (Tensor xd = ArithmeticOps.dense(x)) {
            if (mean) {
                device.kernels().reductions().mean(x.numel(), xd.segment(), out.segment());
            } else {
                device.kernels().reductions().sum(x.numel(), xd.segment(), out.segment());
            }
        }
        if (Node.recording(x)) {
            Shape inputShape = x.shape();
            long n = x.numel();
            out.gradFn(new Node(op, x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    // broadcast the scalar gradient without a host round trip
                    int[] ones = new int[inputShape.rank()];
                    java.util.Arrays.fill(ones, 1);
                    try (Tensor g1 = ViewOps.reshape(g, ones); Tensor expanded = ViewOps.expand(g1,
                            inputShape.toArray()); Tensor dense = ViewOps.contiguousCopy(expanded)) {
                        return new Tensor[] {mean ? ArithmeticOps.scale(dense, 1f / n) : dense.alias()};
                    }
                }
            });
        }
        return out;
    }

    /** The largest element (NaN if any is NaN; −∞ for an empty tensor); not differentiable. */
    static Tensor max(Tensor x) {
        String op = "max";
        Device device = Checks.openOnOneDevice(op, x);
        Checks.dtype(op, "x", x, DType.F32);
        Tensor out = Tensor.workspace(device, DType.F32, Shape.scalar(), op);
        try (Tensor xd = ArithmeticOps.dense(x)) {
            device.kernels().reductions().max(x.numel(), xd.segment(), out.segment());
        }
        return out;
    }
}
