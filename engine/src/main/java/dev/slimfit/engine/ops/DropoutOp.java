package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;

/**
 * Inverted dropout from a counter-based generator: the node keeps only (seed, offset) and backward regenerates the
 * mask, so no mask is ever stored.
 */
final class DropoutOp {

    private DropoutOp() {
    }

    static Tensor dropout(Tensor x, float p, RandomStream stream) {
        return dropout(x, p, stream, false);
    }

    /**
     * Dropout that takes ownership of {@code x} and closes it, writing the output over x's buffer when this handle is
     * its only one (backward needs nothing of x, so nothing is lost): one buffer instead of two at that moment.
     */
    static Tensor dropoutConsuming(Tensor x, float p, RandomStream stream) {
        try (x) {
            return dropout(x, p, stream, true);
        }
    }

    private static Tensor dropout(Tensor x, float p, RandomStream stream, boolean mayOverwrite) {
        String op = "dropout";
        Device device = Checks.openOnOneDevice(op, x);
        Checks.dtype(op, "x", x, DType.F32);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(op + ": probability must be in [0, 1), got " + p);
        }
        if (p == 0) {
            return ViewOps.identity(x);
        }
        long n = x.numel();
        long seed = stream.seed();
        long offset = stream.reserve(n);
        Tensor y = mayOverwrite ? ArithmeticOps.outputOver(x, op)
                : Tensor.workspace(device, DType.F32, x.shape(), op);
        try (Tensor xd = ArithmeticOps.dense(x)) {
            device.kernels().dropout().forward(n, p, seed, offset, xd.segment(), y.segment());
        }
        if (Node.recording(x)) {
            y.gradFn(new Node(op, x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor dx = ArithmeticOps.gradientOutput(g, "dropout.grad");
                    try (Tensor gd = ArithmeticOps.dense(g)) {
                        g.device().kernels().dropout().backward(n, p, seed, offset, gd.segment(), dx.segment());
                    }
                    return new Tensor[] {dx};
                }
            });
        }
        return y;
    }
}
