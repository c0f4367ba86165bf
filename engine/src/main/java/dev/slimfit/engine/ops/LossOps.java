package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavedSlot;

/** Scalar training losses: cross-entropy with logits (ignore index) and mean squared error. */
final class LossOps {

    private LossOps() {
    }

    /** Mean cross-entropy of {@code logits [..., C]} against int32 {@code targets [...]}; a rank-0 tensor. */
    static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        String op = "crossEntropy";
        Device device = Checks.openOnOneDevice(op, logits, targets);
        Checks.dtype(op, "logits", logits, DType.F32);
        Checks.dtype(op, "targets", targets, DType.I32);
        Checks.rankAtLeast(op, "logits", logits, 1);
        int classes = logits.dim(-1);
        long rowsLong = logits.shape().rows();
        if (targets.numel() != rowsLong || targets.rank() != logits.rank() - 1) {
            throw new IllegalArgumentException(op + ": targets " + targets.describe() + " do not match logits "
                    + logits.describe() + " (expected one target per row of " + classes + " logits)");
        }
        Checks.fits(op, "rows", rowsLong);
        int rows = (int) rowsLong;
        Tensor loss = Tensor.workspace(device, DType.F32, Shape.scalar(), op);
        try (Tensor ld = ArithmeticOps.dense(logits); Tensor td = ArithmeticOps.dense(targets)) {
            try {
                device.kernels().losses().crossEntropyForward(rows, classes, ld.segment(), td.segment(), ignoreIndex,
                        loss.segment());
            } catch (IndexOutOfBoundsException e) {
                loss.close();
                throw new IndexOutOfBoundsException(op + ": targets " + targets.describe() + " for logits "
                        + logits.describe() + ": " + e.getMessage());
            }
            if (Node.recording(logits)) {
                loss.gradFn(new Node(op, logits, targets) {
                    private final SavedSlot savedLogits = save(ld, SaveKinds.LOSS_INPUT, false);
                    private final SavedSlot savedTargets = saveExact(td, "crossEntropy.targets");

                    @Override
                    protected Tensor[] backward(Tensor g) {
                        float dLoss = g.item();
                        Tensor dLogits = Tensor.workspace(g.device(), DType.F32, logits.shape(), "crossEntropy.grad");
                        try (Tensor lv = savedLogits.get(); Tensor tv = savedTargets.get()) {
                            g.device().kernels().losses().crossEntropyBackward(rows, classes, lv.segment(),
                                    tv.segment(), ignoreIndex, dLoss, dLogits.segment());
                        }
                        return new Tensor[] {dLogits, null};
                    }
                });
            }
        }
        return loss;
    }

    /** Mean of {@code (pred − target)²}; the target is a constant. A rank-0 tensor. */
    static Tensor mse(Tensor pred, Tensor target) {
        String op = "mse";
        Device device = Checks.openOnOneDevice(op, pred, target);
        Checks.dtype(op, "pred", pred, DType.F32);
        Checks.dtype(op, "target", target, DType.F32);
        Checks.sameShape(op, pred, target);
        long n = pred.numel();
        Tensor loss = Tensor.workspace(device, DType.F32, Shape.scalar(), op);
        try (Tensor pd = ArithmeticOps.dense(pred); Tensor td = ArithmeticOps.dense(target)) {
            device.kernels().losses().mseForward(n, pd.segment(), td.segment(), loss.segment());
            if (Node.recording(pred)) {
                loss.gradFn(new Node(op, pred, null) {
                    private final SavedSlot savedPred = save(pd, SaveKinds.LOSS_INPUT, false);
                    private final SavedSlot savedTarget = saveExact(td, "mse.target");

                    @Override
                    protected Tensor[] backward(Tensor g) {
                        float dLoss = g.item();
                        Tensor dPred = Tensor.workspace(g.device(), DType.F32, pred.shape(), "mse.grad");
                        try (Tensor pv = savedPred.get(); Tensor tv = savedTarget.get()) {
                            g.device().kernels().losses().mseBackward(n, pv.segment(), tv.segment(), dLoss,
                                    dPred.segment());
                        }
                        return new Tensor[] {dPred, null};
                    }
                });
            }
        }
        return loss;
    }
}
