package dev.slimfit.train.data.image;

/**
 * Resizes images with a bilinear (triangle) filter the way PIL's {@code Image.resize(..., BILINEAR)} does, which is
 * what ViT's image processor uses: output pixel {@code i} is centred at input coordinate {@code (i + 0.5) · scale},
 * its weights fall off linearly over one input pixel, and when shrinking the filter is widened by the scale factor
 * so that every input pixel contributes (antialiasing) instead of a few being sampled. Separable: rows first, then
 * columns. Works on floats (PIL rounds to 8 bits after each pass; the difference is below 1/255).
 */
final class Resampler {

    /** The triangle filter's half-width in input pixels at scale 1. */
    private static final double BILINEAR_SUPPORT = 1.0;

    private Resampler() {
    }

    /** Weights of one output coordinate over input coordinates {@code first .. first + weights.length - 1}. */
    private record Taps(int first, double[] weights) {
    }

    /**
     * Resizes {@code [channels, inHeight, inWidth]} to {@code [channels, outHeight, outWidth]}.
     */
    static float[] resize(float[] image, int channels, int inHeight, int inWidth, int outHeight, int outWidth) {
        if (inHeight == outHeight && inWidth == outWidth) {
            return image.clone();
        }
        Taps[] columns = taps(inWidth, outWidth);
        Taps[] rows = taps(inHeight, outHeight);
        float[] wide = new float[channels * inHeight * outWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < inHeight; y++) {
                int in = (c * inHeight + y) * inWidth;
                int out = (c * inHeight + y) * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    wide[out + x] = (float) apply(columns[x], image, in, 1);
                }
            }
        }
        float[] result = new float[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outHeight; y++) {
                Taps taps = rows[y];
                int out = (c * outHeight + y) * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    result[out + x] = (float) apply(taps, wide, c * inHeight * outWidth + x, outWidth);
                }
            }
        }
        return result;
    }

    /** Σ weights[k] · values[base + (first + k) · stride]. */
    private static double apply(Taps taps, float[] values, int base, int stride) {
        double sum = 0;
        for (int k = 0; k < taps.weights().length; k++) {
            sum += taps.weights()[k] * values[base + (taps.first() + k) * stride];
        }
        return sum;
    }

    /** The normalized filter taps of every output coordinate along one axis. */
    static Taps[] taps(int inSize, int outSize) {
        double scale = inSize / (double) outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = BILINEAR_SUPPORT * filterScale;
        Taps[] taps = new Taps[outSize];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            int first = Math.max(0, (int) Math.floor(center - support));
            int last = Math.min(inSize - 1, (int) Math.ceil(center + support));
            double[] weights = new double[last - first + 1];
            double total = 0;
            for (int j = first; j <= last; j++) {
                double distance = Math.abs(j + 0.5 - center) / filterScale;
                double weight = Math.max(0, 1 - distance);
                weights[j - first] = weight;
                total += weight;
            }
            for (int k = 0; k < weights.length; k++) {
                weights[k] /= total;
            }
            taps[i] = new Taps(first, weights);
        }
        return taps;
    }
}
