package dev.slimfit.kernels.ref;

import dev.slimfit.kernels.LayerNorm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference of {@link LayerNorm}, in double with a two-pass variance. A row of zero columns has the
 * statistics of an empty sum: mean 0 and variance 0, so {@code rstd = 1/√eps}.
 */
public final class RefLayerNorm implements LayerNorm {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public void forward(int rows, int cols, float eps, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                        MemorySegment y, MemorySegment mean, MemorySegment rstd) {
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += x.getAtIndex(FLOAT, row + c);
            }
            double rowMean = cols == 0 ? 0 : sum / cols;
            double squares = 0;
            for (int c = 0; c < cols; c++) {
                double centred = x.getAtIndex(FLOAT, row + c) - rowMean;
                squares += centred * centred;
            }
            double variance = cols == 0 ? 0 : squares / cols;
            double rowRstd = 1 / Math.sqrt(variance + eps);
            for (int c = 0; c < cols; c++) {
                double normalized = (x.getAtIndex(FLOAT, row + c) - rowMean) * rowRstd;
                double shift = beta == null ? 0 : beta.getAtIndex(FLOAT, c);
                y.setAtIndex(FLOAT, row + c, (float) (normalized * gamma.getAtIndex(FLOAT, c) + shift));
            }
            if (mean != null) {
                mean.setAtIndex(FLOAT, r, (float) rowMean);
            }
            if (rstd != null) {
                rstd.setAtIndex(FLOAT, r, (float) rowRstd);
            }
        }
    }

    @Override
    public void backward(int rows, int cols, MemorySegment x, MemorySegment mean, MemorySegment rstd,
                         MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma,
                         MemorySegment dbeta) {
        double[] xhat = new double[cols];
        Gradients gradients = new Gradients(cols);
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            double rowMean = mean.getAtIndex(FLOAT, r);
            double rowRstd = rstd.getAtIndex(FLOAT, r);
            for (int c = 0; c < cols; c++) {
                xhat[c] = (x.getAtIndex(FLOAT, row + c) - rowMean) * rowRstd;
            }
            gradients.addRow(r, cols, xhat, rowRstd, gamma, dy, dx);
        }
        gradients.write(cols, dgamma, dbeta);
    }

    @Override
    public void backwardFromNormalized(int rows, int cols, MemorySegment xhat, MemorySegment rstd,
                                       MemorySegment gamma, MemorySegment dy, MemorySegment dx, MemorySegment dgamma,
                                       MemorySegment dbeta) {
        double[] rowXhat = new double[cols];
        Gradients gradients = new Gradients(cols);
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            for (int c = 0; c < cols; c++) {
                rowXhat[c] = xhat.getAtIndex(FLOAT, row + c);
            }
            gradients.addRow(r, cols, rowXhat, rstd.getAtIndex(FLOAT, r), gamma, dy, dx);
        }
        gradients.write(cols, dgamma, dbeta);
    }

    /** The part of backward shared by both entry points: everything after x̂ of a row is known. */
    private static final class Gradients {

        private final double[] dgamma;
        private final double[] dbeta;

        Gradients(int cols) {
            dgamma = new double[cols];
            dbeta = new double[cols];
        }

        void addRow(int r, int cols, double[] xhat, double rstd, MemorySegment gamma, MemorySegment dy,
                    MemorySegment dx) {
            long row = (long) r * cols;
            double sumG = 0;
            double sumGXhat = 0;
            for (int c = 0; c < cols; c++) {
                double dyc = dy.getAtIndex(FLOAT, row + c);
                double g = dyc * gamma.getAtIndex(FLOAT, c);
                sumG += g;
                sumGXhat += g * xhat[c];
                dgamma[c] += dyc * xhat[c];
                dbeta[c] += dyc;
            }
            if (dx == null) {
                return;
            }
            double meanG = sumG / cols;
            double meanGXhat = sumGXhat / cols;
            for (int c = 0; c < cols; c++) {
                double g = dy.getAtIndex(FLOAT, row + c) * (double) gamma.getAtIndex(FLOAT, c);
                dx.setAtIndex(FLOAT, row + c, (float) (rstd * (g - meanG - xhat[c] * meanGXhat)));
            }
        }

        void write(int cols, MemorySegment dgammaOut, MemorySegment dbetaOut) {
            for (int c = 0; c < cols; c++) {
                if (dgammaOut != null) {
                    dgammaOut.setAtIndex(FLOAT, c, (float) dgamma[c]);
                }
                if (dbetaOut != null) {
                    dbetaOut.setAtIndex(FLOAT, c, (float) dbeta[c]);
                }
            }
        }
    }
}
