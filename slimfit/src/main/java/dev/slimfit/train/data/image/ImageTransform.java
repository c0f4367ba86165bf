package dev.slimfit.train.data.image;

import dev.slimfit.model.vit.ViTConfig;

import java.util.Arrays;

/**
 * Turns images into a model's input: channels converted (gray copied into R, G and B; RGB to gray by PIL's luma
 * weights), resized to {@code imageSize × imageSize} ({@link Resampler}: bilinear, antialiased when shrinking),
 * then each channel normalized as {@code (x − mean) / std} with {@code x} in [0, 1].
 *
 * @param imageSize side of the square output
 * @param channels  channels of the output (1 or 3)
 * @param mean      per-channel mean
 * @param std       per-channel standard deviation
 */
public record ImageTransform(int imageSize, int channels, float[] mean, float[] std) {

    /** ViT's default normalization: mean 0.5 and std 0.5 in every channel, mapping [0, 1] to [−1, 1]. */
    public static final float VIT_MEAN = 0.5f;
    public static final float VIT_STD = 0.5f;
    /** PIL's RGB-to-gray ("L") weights. */
    private static final float[] LUMA = {0.299f, 0.587f, 0.114f};

    public ImageTransform {
        if (imageSize <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("image transform: size " + imageSize + " must be positive and "
                    + "channels " + channels + " 1 or 3");
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("image transform: " + mean.length + " means and " + std.length
                    + " stds for " + channels + " channels");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("image transform: std " + Arrays.toString(std) + " must be > 0");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The input a ViT with this config expects: its image size and channels, mean and std 0.5. */
    public static ImageTransform forViT(ViTConfig config) {
        float[] mean = new float[config.numChannels()];
        float[] std = new float[config.numChannels()];
        Arrays.fill(mean, VIT_MEAN);
        Arrays.fill(std, VIT_STD);
        return new ImageTransform(config.imageSize(), config.numChannels(), mean, std);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Floats per transformed image. */
    public int imageFloats() {
        return channels * imageSize * imageSize;
    }

    /** The images at {@code indices}, transformed, as one row-major {@code [n, channels, size, size]} array. */
    public float[] batch(ImageDataset images, int[] indices) {
        float[] out = new float[Math.multiplyExact(indices.length, imageFloats())];
        for (int i = 0; i < indices.length; i++) {
            float[] one = apply(images, indices[i]);
            System.arraycopy(one, 0, out, i * one.length, one.length);
        }
        return out;
    }

    /** One image, transformed: {@code [channels, size, size]}. */
    public float[] apply(ImageDataset images, int index) {
        float[] converted = convertChannels(images.image(index), images.channels(), images.height() * images.width(),
                images.source());
        float[] resized = Resampler.resize(converted, channels, images.height(), images.width(), imageSize,
                imageSize);
        int plane = imageSize * imageSize;
        for (int c = 0; c < channels; c++) {
            for (int k = c * plane; k < (c + 1) * plane; k++) {
                resized[k] = (resized[k] - mean[c]) / std[c];
            }
        }
        return resized;
    }

    private float[] convertChannels(float[] image, int from, int plane, String source) {
        if (from == channels) {
            return image;
        }
        float[] out = new float[channels * plane];
        if (from == 1 && channels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(image, 0, out, c * plane, plane);
            }
        } else if (from == 3 && channels == 1) {
            for (int k = 0; k < plane; k++) {
                out[k] = LUMA[0] * image[k] + LUMA[1] * image[plane + k] + LUMA[2] * image[2 * plane + k];
            }
        } else {
            throw new IllegalArgumentException(source + ": cannot convert " + from + "-channel images to " + channels
                    + " channels");
        }
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageTransform t && imageSize == t.imageSize && channels == t.channels
                && Arrays.equals(mean, t.mean) && Arrays.equals(std, t.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * imageSize + channels) + 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ImageTransform[" + channels + "×" + imageSize + "×" + imageSize + ", mean " + Arrays.toString(mean)
                + ", std " + Arrays.toString(std) + "]";
    }
}
