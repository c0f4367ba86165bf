package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavedSlot;

/** GELU (erf form) and tanh. GELU keeps its input (its derivative is recomputed from it), tanh its output. */
final class ActivationOps {

    private ActivationOps() {
    }

    static Tensor gelu(Tensor x) {
        String op = "gelu";
        Device device = Checks.openOnOneDevice(op, x);
        Checks.dtype(op, "x", x, DType.F32);
        Tensor y = Tensor.workspace(device, DType.F32, x.shape(), op);
        try (Tensor xd = ArithmeticOps.dense(x)) {
            device.kernels().activations().geluForward(x.numel(), xd.segment(), y.segment());
        }
        if (Node.recording(x)) {
            y.gradFn(new Node(op, x) {
                private final SavedSlot input = save(x, SaveKinds.GELU_INPUT, false);

                @Override
                protected Tensor[] backward(Tensor g) {
                    if (input.isExact()) {
                        Tensor dx = ArithmeticOps.gradientOutput(g, "gelu.grad");
                        try (Tensor xs = input.get(); Tensor xd = ArithmeticOps.dense(xs);
                             Tensor gd = ArithmeticOps.dense(g)) {
                            g.device().kernels().activations().geluBackward(g.numel(), xd.segment(), gd.segment(),
                                    dx.segment());
                        }
                        return new Tensor[] {dx};
                    }
                    // an encoded input is decoded straight into the output buffer, which the kernel then
                    // overwrites element by element with the gradient: no separate decoded copy
                    Tensor dx = Tensor.workspace(g.device(), DType.F32, g.shape(), "gelu.grad");
                    input.getInto(dx);
                    try (Tensor gd = ArithmeticOps.dense(g)) {
                        g.device().kernels().activations().geluBackward(g.numel(), dx.segment(), gd.segment(),
                                dx.segment());
                    }
                    return new Tensor[] {dx};
                }
            });
        }
        return y;
    }

    static Tensor tanh(Tensor x) {
        String op = "tanh";
        Device device = Checks.openOnOneDevice(op, x);
        Checks.dtype(op, "x", x, DType.F32);
        Tensor y = Tensor.workspace(device, DType.F32, x.shape(), op);
        try (Tensor xd = ArithmeticOps.dense(x)) {
            device.kernels().activations().tanhForward(x.numel(), xd.segment(), y.segment());
        }
        if (Node.recording(x)) {
            y.gradFn(new Node(op, x) {
                private final SavedSlot output = save(y, SaveKinds.TANH_OUTPUT, false);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor dx = ArithmeticOps.gradientOutput(g, "tanh.grad");
                    try (Tensor ys = output.get(); Tensor yd = ArithmeticOps.dense(ys);
                         Tensor gd = ArithmeticOps.dense(g)) {
                        g.device().kernels().activations().tanhBackward(g.numel(), yd.segment(), gd.segment(),
                                dx.segment());
                        return new Tensor[] {dx};
                    }
                }
            });
        }
        return y;
    }
}
