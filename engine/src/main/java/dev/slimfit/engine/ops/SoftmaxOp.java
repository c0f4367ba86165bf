package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.autograd.SaveKinds;
import dev.slimfit.engine.autograd.SavedSlot;

/** Softmax over the last dimension with a scale and an additive mask; keeps its output for backward. */
final class SoftmaxOp {

    private SoftmaxOp() {
    }

    /**
     * {@code softmax(scale·x + mask)} over the last dimension. {@code mask} (nullable, not differentiated) holds
     * rows of the same length; row {@code r} of x uses mask row {@code r / rowsPerMaskRow}.
     */
    static Tensor softmax(Tensor x, float scale, Tensor mask, int rowsPerMaskRow) {
        return softmax(x, scale, mask, rowsPerMaskRow, false);
    }

    /**
     * {@link #softmax} that takes ownership of {@code x} and closes it, writing the probabilities over the scores
     * when this handle is their buffer's only one (backward needs the output, never the input): attention's scores
     * and probabilities, the largest tensors of a layer, then never coexist.
     */
    static Tensor softmaxConsuming(Tensor x, float scale, Tensor mask, int rowsPerMaskRow) {
        try (x) {
            return softmax(x, scale, mask, rowsPerMaskRow, true);
        }
    }

    private static Tensor softmax(Tensor x, float scale, Tensor mask, int rowsPerMaskRow, boolean mayOverwrite) {
        String op = "softmax";
        Device device = Checks.openOnOneDevice(op, x, mask);
        Checks.dtype(op, "x", x, DType.F32);
        Checks.rankAtLeast(op, "x", x, 1);
        int cols = x.dim(-1);
        long rowsLong = x.shape().rows();
        Checks.fits(op, "rows", rowsLong);
        int rows = (int) rowsLong;
        if (mask != null) {
            Checks.dtype(op, "mask", mask, DType.F32);
            if (rowsPerMaskRow < 1) {
                throw new IllegalArgumentException(op + ": rowsPerMaskRow must be >= 1, got " + rowsPerMaskRow);
            }
            long maskRowsNeeded = rows == 0 ? 0 : (rows - 1) / rowsPerMaskRow + 1;
            if (mask.dim(-1) != cols || mask.shape().rows() < maskRowsNeeded) {
                throw new IllegalArgumentException(op + ": mask " + mask.describe() + " does not fit scores "
                        + x.describe() + " with " + rowsPerMaskRow + " rows per mask row (needs " + maskRowsNeeded
                        + " rows of " + cols + ")");
            }
        }
        Tensor y = mayOverwrite ? ArithmeticOps.outputOver(x, op)
                : Tensor.workspace(device, DType.F32, x.shape(), op);
        try (Tensor xd = ArithmeticOps.dense(x); Tensor md = mask == null ? null : ArithmeticOps.dense(mask)) {
            device.kernels().softmax().forward(rows, cols, scale, xd.segment(), md == null ? null : md.segment(),
                    Math.max(rowsPerMaskRow, 1), y.segment());
        }
        if (Node.recording(x)) {
            y.gradFn(new Node(op, x) {
                private final SavedSlot output = save(y, SaveKinds.SOFTMAX_OUTPUT, false);

                @Override
                protected Tensor[] backward(Tensor g) {
                    // the softmax kernel allows dx to alias dy
                    Tensor dx = ArithmeticOps.gradientOutput(g, "softmax.grad");
                    try (Tensor gd = ArithmeticOps.dense(g)) {
                        int rowsPerSlice = rowsPerDecodedSlice();
                        if (rowsPerSlice == 0) {
                            try (Tensor ys = output.get(); Tensor yd = ArithmeticOps.dense(ys)) {
                                g.device().kernels().softmax().backward(rows, cols, scale, yd.segment(),
                                        gd.segment(), dx.segment());
                            }
                        } else {
                            backwardThroughSlices(rowsPerSlice, gd, dx);
                        }
                        return new Tensor[] {dx};
                    }
                }

                /**
                 * Rows of an encoded output decoded at a time (whole rows, a multiple of the encoding's granule), or
                 * 0 to use the saved output whole: it is exact, or it fits one slice anyway.
                 */
                private int rowsPerDecodedSlice() {
                    long elements = (long) rows * cols;
                    long chunk = SavedSlot.decodeChunkElements(device);
                    if (output.isExact() || cols == 0 || elements <= chunk) {
                        return 0;
                    }
                    int perSlice = (int) Math.max(1, chunk / cols);
                    return ((long) perSlice * cols) % output.decodeGranule() == 0 ? perSlice : 0;
                }

                /** The backward a slice of rows at a time, decoding the saved probabilities into a small buffer. */
                private void backwardThroughSlices(int rowsPerSlice, Tensor gd, Tensor dx) {
                    Device device = gd.device();
                    long rowBytes = (long) cols * Float.BYTES;
                    try (Tensor decoded = Tensor.workspace(device, DType.F32, Shape.of(rowsPerSlice, cols),
                            "softmax.grad.decodedSlice")) {
                        for (int first = 0; first < rows; first += rowsPerSlice) {
                            int count = Math.min(rowsPerSlice, rows - first);
                            output.decodeRangeInto((long) first * cols, (long) count * cols, decoded);
                            device.kernels().softmax().backward(count, cols, scale, decoded.segment(),
                                    gd.segment().asSlice(first * rowBytes, count * rowBytes),
                                    dx.segment().asSlice(first * rowBytes, count * rowBytes));
                        }
                    }
                }
            });
        }
        return y;
    }
}
