package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Codec;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavedSlot;
import dev.slimfit.kernels.LayerNorm;

/**
 * LayerNorm over the last dimension. Backward needs the normalised input x̂ (for dx and dgamma): in full precision
 * the op keeps its input x with the row mean and rstd (x is usually alive anyway as a residual); when the save
 * policy compresses {@link SaveKinds#LAYERNORM_INPUT}, the op stores x̂ itself in that codec plus rstd, and
 * backward works from x̂. When only beta trains, nothing is saved (dbeta = Σ dy).
 */
final class LayerNormOp {

    private LayerNormOp() {
    }

    static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        String op = "layernorm";
        Device device = Checks.openOnOneDevice(op, x, gamma, beta);
        Checks.dtype(op, "x", x, DType.F32);
        Checks.dtype(op, "gamma", gamma, DType.F32);
        Checks.rankAtLeast(op, "x", x, 1);
        int cols = x.dim(-1);
        if (gamma.rank() != 1 || gamma.dim(0) != cols) {
            throw new IllegalArgumentException(op + ": gamma " + gamma.describe() + " does not match input "
                    + x.describe());
        }
        if (beta != null) {
            Checks.dtype(op, "beta", beta, DType.F32);
            if (beta.rank() != 1 || beta.dim(0) != cols) {
                throw new IllegalArgumentException(op + ": beta " + beta.describe() + " does not match input "
                        + x.describe());
            }
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException(op + ": eps must be > 0, got " + eps);
        }
        long rowsLong = x.shape().rows();
        Checks.fits(op, "rows", rowsLong);
        int rows = (int) rowsLong;
        LayerNorm kernels = device.kernels().layerNorm();
        Tensor y = Tensor.workspace(device, DType.F32, x.shape(), op);
        boolean recording = Node.recording(x, gamma, beta);
        try (Tensor xd = ArithmeticOps.dense(x); Tensor gd = ArithmeticOps.dense(gamma);
             Tensor bd = beta == null ? null : ArithmeticOps.dense(beta);
             Tensor mean = Tensor.workspace(device, DType.F32, Shape.of(rows), op + ".mean");
             Tensor rstd = Tensor.workspace(device, DType.F32, Shape.of(rows), op + ".rstd")) {
            kernels.forward(rows, cols, eps, xd.segment(), gd.segment(), bd == null ? null : bd.segment(),
                    y.segment(), mean.segment(), rstd.segment());
            if (recording) {
                y.gradFn(new LayerNormNode(op, x, gamma, beta, xd, mean, rstd, rows, cols, eps));
            }
        }
        return y;
    }

    private static final class LayerNormNode extends Node {
        private final int rows;
        private final int cols;
        private final Shape shape;
        private final SavedSlot savedGamma;
        private final SavedSlot savedInput;
        private final SavedSlot savedNormalized;
        private final SavedSlot savedMean;
        private final SavedSlot savedRstd;

        LayerNormNode(String op, Tensor x, Tensor gamma, Tensor beta, Tensor xDense, Tensor mean, Tensor rstd,
                      int rows, int cols, float eps) {
            super(op, x, gamma, beta);
            this.rows = rows;
            this.cols = cols;
            this.shape = x.shape();
            boolean needX = needsGrad(0);
            boolean needGamma = needsGrad(1);
            // gamma serves dx; held exactly (a parameter's buffer stays a parameter)
            this.savedGamma = needX ? saveExact(gamma, "layernorm.gamma") : null;
            if (needX || needGamma) {
                Codec codec = codecFor(SaveKinds.LAYERNORM_INPUT, needGamma);
                if (codec instanceof Codec.None) {
                    savedInput = saveWith(xDense, SaveKinds.LAYERNORM_INPUT, needGamma, codec);
                    savedMean = saveExact(mean, "layernorm.mean");
                    savedNormalized = null;
                } else {
                    try (Tensor xhat = normalized(xDense, mean, rstd, rows, cols, eps)) {
                        savedNormalized = saveWith(xhat, SaveKinds.LAYERNORM_INPUT, needGamma, codec);
                    }
                    savedInput = null;
                    savedMean = null;
                }
                savedRstd = saveExact(rstd, "layernorm.rstd");
            } else {
                savedInput = null;
                savedNormalized = null;
                savedMean = null;
                savedRstd = null;
            }
        }

        /** x̂ = (x − mean)·rstd, computed by the forward kernel with gamma = 1 and no shift. */
        private static Tensor normalized(Tensor x, Tensor mean, Tensor rstd, int rows, int cols, float eps) {
            Device device = x.device();
            try (Tensor ones = ArithmeticOps.full(device, Shape.of(cols), 1f)) {
                Tensor xhat = Tensor.workspace(device, DType.F32, x.shape(), "layernorm.normalized");
                device.kernels().layerNorm().forward(rows, cols, eps, x.segment(), ones.segment(), null,
                        xhat.segment(), null, null);
                return xhat;
            }
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Device device = g.device();
            LayerNorm kernels = device.kernels().layerNorm();
            boolean needX = needsGrad(0);
            boolean needGamma = needsGrad(1);
            boolean needBeta = needsGrad(2);
            Tensor dx = needX ? Tensor.workspace(device, DType.F32, shape, "layernorm.gradInput") : null;
            Tensor dgamma = needGamma ? Tensor.workspace(device, DType.F32, Shape.of(cols), "layernorm.gradGamma")
                    : null;
            Tensor dbeta = needBeta ? Tensor.workspace(device, DType.F32, Shape.of(cols), "layernorm.gradBeta") : null;
            try (Tensor gd = ArithmeticOps.dense(g)) {
                if (!needX && !needGamma) {
                    device.kernels().reductions().sumFirstDim(rows, cols, gd.segment(), dbeta.segment());
                    return new Tensor[] {null, null, dbeta};
                }
                try (Tensor gamma = savedGamma != null ? savedGamma.get() : null;
                     Tensor gammaDense = gamma == null ? null : ArithmeticOps.dense(gamma);
                     Tensor rstd = savedRstd.get()) {
                    // gamma is needed only for dx; without dx the kernels still read it, so pass ones
                    try (Tensor ones = gammaDense == null ? ArithmeticOps.full(device, Shape.of(cols), 1f) : null) {
                        Tensor gammaUsed = gammaDense != null ? gammaDense : ones;
                        if (savedInput != null) {
                            try (Tensor x = savedInput.get(); Tensor mean = savedMean.get()) {
                                kernels.backward(rows, cols, x.segment(), mean.segment(), rstd.segment(),
                                        gammaUsed.segment(), gd.segment(), seg(dx), seg(dgamma), seg(dbeta));
                            }
                        } else {
                            try (Tensor xhat = savedNormalized.get()) {
                                kernels.backwardFromNormalized(rows, cols, xhat.segment(), rstd.segment(),
                                        gammaUsed.segment(), gd.segment(), seg(dx), seg(dgamma), seg(dbeta));
                            }
                        }
                    }
                }
            }
            return new Tensor[] {dx, dgamma, dbeta};
        }

        private static java.lang.foreign.MemorySegment seg(Tensor t) {
            return t == null ? null : t.segment();
        }
    }
}
