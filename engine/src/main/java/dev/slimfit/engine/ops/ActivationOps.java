package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavedSlot;

import java.lang.foreign.MemorySegment;

/** GELU (erf form) and tanh. GELU keeps its input (its derivative is recomputed from it), tanh its output. */
final class ActivationOps {

    private ActivationOps() {
    }

    static Tensor gelu(Tensor x) {
        return gelu(x, false);
    }

    /**
     * GELU that takes ownership of {@code x} and closes it. When this handle is the buffer's only one and backward
     * does not keep {@code x} as it is (it is stored encoded, or not at all), the output is written over {@code x}:
     * the float32 pre-activation, which in a compressed mode nothing needs any more, then never coexists with the
     * output (BERT-base, batch 32: 48 MiB per FFN).
     */
    static Tensor geluConsuming(Tensor x) {
        try (x) {
            return gelu(x, true);
        }
    }

    private static Tensor gelu(Tensor x, boolean mayOverwrite) {
        String op = "gelu";
        Device device = Checks.openOnOneDevice(op, x);
        Checks.dtype(op, "x", x, DType.F32);
        // the node saves x before any overwrite; an exact save holds a second reference, which rules overwriting out
        Node node = Node.recording(x) ? geluNode(x) : null;
        Tensor y = mayOverwrite ? ArithmeticOps.outputOver(x, op)
                : Tensor.workspace(device, DType.F32, x.shape(), op);
        try (Tensor xd = ArithmeticOps.dense(x)) {
            device.kernels().activations().geluForward(x.numel(), xd.segment(), y.segment());
        }
        if (node != null) {
            y.gradFn(node);
        }
        return y;
    }

    private static Node geluNode(Tensor x) {
        return new Node("gelu", x) {
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
                if (g.isSoleOwner()) {
                    // the gradient overwrites g, and the encoded input passes through a small buffer: neither a
                    // second full-size gradient nor a full decoded copy exists
                    Tensor dx = g.alias();
                    backwardThroughChunks(input, dx);
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
        };
    }

    /** {@code g ← g · gelu'(x)} over a contiguous {@code g}, decoding the saved x a chunk at a time. */
    private static void backwardThroughChunks(SavedSlot input, Tensor g) {
        long n = g.numel();
        long granule = input.decodeGranule();
        long chunk = Math.max(granule, SavedSlot.decodeChunkElements(g.device()) / granule * granule);
        Shape bufferShape = Shape.of(Math.toIntExact(Math.min(chunk, n)));
        try (Tensor decoded = Tensor.workspace(g.device(), DType.F32, bufferShape, "gelu.grad.decoded")) {
            for (long first = 0; first < n; first += chunk) {
                long count = Math.min(chunk, n - first);
                input.decodeRangeInto(first, count, decoded);
                MemorySegment part = g.segment().asSlice(first * Float.BYTES, count * Float.BYTES);
                g.device().kernels().activations().geluBackward(count, decoded.segment(), part, part);
            }
        }
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
