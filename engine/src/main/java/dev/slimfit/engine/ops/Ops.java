package dev.slimfit.engine.ops;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.SaveKinds;

/**
 * The differentiable ops of the engine, in one place. Each returns a new tensor (the caller closes it, or its
 * {@link dev.slimfit.engine.Scope} does), validates its arguments before any kernel runs (naming the op and the
 * shapes/dtypes involved), and records a backward node when grad mode is on and an input requires grad.
 */
public final class Ops {

    private Ops() {
    }

    // layout
    public static Tensor reshape(Tensor x, int... dims) {
        return ViewOps.reshape(x, dims);
    }

    public static Tensor permute(Tensor x, int... order) {
        return ViewOps.permute(x, order);
    }

    public static Tensor transpose(Tensor x, int axisA, int axisB) {
        return ViewOps.transpose(x, axisA, axisB);
    }

    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        return ViewOps.narrow(x, axis, start, length);
    }

    public static Tensor expand(Tensor x, int... dims) {
        return ViewOps.expand(x, dims);
    }

    /** A new handle on {@code x} that gradients flow through (no copy). */
    public static Tensor identity(Tensor x) {
        return ViewOps.identity(x);
    }

    public static Tensor contiguous(Tensor x) {
        return ViewOps.contiguous(x);
    }

    public static Tensor concat(int axis, Tensor... inputs) {
        return ViewOps.concat(axis, inputs);
    }

    // arithmetic
    public static Tensor add(Tensor a, Tensor b) {
        return ArithmeticOps.add(a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return ArithmeticOps.mul(a, b);
    }

    public static Tensor scale(Tensor x, float alpha) {
        return ArithmeticOps.scale(x, alpha);
    }

    // products
    public static Tensor matmul(Tensor a, Tensor b) {
        return MatMulOps.matmul(a, b, SaveKinds.MATMUL_OPERAND, SaveKinds.MATMUL_OPERAND, false);
    }

    /** A matmul whose operands are announced to the save policy as {@code kindA} and {@code kindB}. */
    public static Tensor matmul(Tensor a, Tensor b, String kindA, String kindB) {
        return MatMulOps.matmul(a, b, kindA, kindB, false);
    }

    /**
     * {@link #matmul(Tensor, Tensor, String, String)} that closes {@code b} and, when the product has b's shape and
     * nothing else holds b's buffer, writes the product over it in b's layout (attention's context over V).
     */
    public static Tensor matmulConsumingRight(Tensor a, Tensor b, String kindA, String kindB) {
        try (b) {
            return MatMulOps.matmul(a, b, kindA, kindB, true);
        }
    }

    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return MatMulOps.linear(x, weight, bias);
    }

    // activations and normalisation
    public static Tensor gelu(Tensor x) {
        return ActivationOps.gelu(x);
    }

    /** {@link #gelu} that closes {@code x} and may write its output over x's buffer (see the implementation). */
    public static Tensor geluConsuming(Tensor x) {
        return ActivationOps.geluConsuming(x);
    }

    public static Tensor tanh(Tensor x) {
        return ActivationOps.tanh(x);
    }

    public static Tensor softmax(Tensor x) {
        return SoftmaxOp.softmax(x, 1f, null, 1);
    }

    public static Tensor softmax(Tensor x, float scale, Tensor mask, int rowsPerMaskRow) {
        return SoftmaxOp.softmax(x, scale, mask, rowsPerMaskRow);
    }

    /** {@link #softmax(Tensor, float, Tensor, int)} that closes {@code x} and may write its output over x's buffer. */
    public static Tensor softmaxConsuming(Tensor x, float scale, Tensor mask, int rowsPerMaskRow) {
        return SoftmaxOp.softmaxConsuming(x, scale, mask, rowsPerMaskRow);
    }

    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return LayerNormOp.layerNorm(x, gamma, beta, eps);
    }

    public static Tensor embedding(Tensor ids, Tensor table) {
        return EmbeddingOp.embedding(ids, table);
    }

    public static Tensor dropout(Tensor x, float p, RandomStream stream) {
        return DropoutOp.dropout(x, p, stream);
    }

    /** {@link #dropout} that closes {@code x} and may write its output over x's buffer. */
    public static Tensor dropoutConsuming(Tensor x, float p, RandomStream stream) {
        return DropoutOp.dropoutConsuming(x, p, stream);
    }

    // losses and reductions
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        return LossOps.crossEntropy(logits, targets, ignoreIndex);
    }

    public static Tensor mse(Tensor pred, Tensor target) {
        return LossOps.mse(pred, target);
    }

    public static Tensor sum(Tensor x) {
        return ReductionOps.sum(x);
    }

    public static Tensor mean(Tensor x) {
        return ReductionOps.mean(x);
    }

    public static Tensor max(Tensor x) {
        return ReductionOps.max(x);
    }

    // not recorded: construction and in-place updates used by autograd and optimizers
    public static Tensor full(Device device, Shape shape, float value) {
        return ArithmeticOps.full(device, shape, value);
    }

    public static Tensor zeros(Device device, Shape shape) {
        return ViewOps.zeros(device, shape);
    }

    /** {@code target += g} in place; not recorded. */
    public static void accumulate(Tensor target, Tensor g) {
        ArithmeticOps.accumulate(target, g);
    }

    /** Copies {@code src} into {@code dst} (same shape and dtype; dst may be a strided view); not recorded. */
    public static void copyInto(Tensor src, Tensor dst) {
        ViewOps.copyInto(src, dst);
    }
}
