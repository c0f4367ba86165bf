package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.Softmax;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Scalar reference of {@link Softmax}: row by row, in double, subtracting the row maximum before exponentiating. */
public final class RefSoftmax implements Softmax {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public void forward(int rows, int cols, float scale, MemorySegment x, MemorySegment mask, int rowsPerMaskRow,
                        MemorySegment y) {
        double[] logits = new double[cols];
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            long maskRow = mask == null ? 0 : (long) (r / rowsPerMaskRow) * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                double logit = (double) scale * x.getAtIndex(FLOAT, row + c);
                if (mask != null) {
                    logit += mask.getAtIndex(FLOAT, maskRow + c);
                }
                logits[c] = logit;
                max = Math.max(max, logit);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                // every logit is masked out: no probability mass anywhere, rather than 0/0
                for (int c = 0; c < cols; c++) {
                    y.setAtIndex(FLOAT, row + c, 0f);
                }
                continue;
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(logits[c] - max);
            }
            for (int c = 0; c < cols; c++) {
                y.setAtIndex(FLOAT, row + c, (float) (Math.exp(logits[c] - max) / sum));
            }
        }
    }

    @Override
    public void backward(int rows, int cols, float scale, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += (double) dy.getAtIndex(FLOAT, row + c) * y.getAtIndex(FLOAT, row + c);
            }
            for (int c = 0; c < cols; c++) {
                double yc = y.getAtIndex(FLOAT, row + c);
                double dyc = dy.getAtIndex(FLOAT, row + c);
                dx.setAtIndex(FLOAT, row + c, (float) (scale * yc * (dyc - dot)));
            }
        }
    }
}
