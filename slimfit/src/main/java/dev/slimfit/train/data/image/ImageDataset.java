package dev.slimfit.train.data.image;

import java.util.Arrays;
import java.util.List;

/**
 * Labelled images of one size, kept as 8-bit pixels (one byte per value, as every source format stores them):
 * image {@code i} is {@code channels × height × width} bytes in channel-major order (all of the first channel's
 * rows, then the next channel's), value {@code v} meaning intensity {@code v / 255}. {@link ImageTransform} turns
 * a batch of them into the model's float input.
 */
public final class ImageDataset {

    private final String source;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[][] images;
    private final int[] labels;
    private final List<String> classes;

    /**
     * @param source   where the images came from, for messages and reports
     * @param images   one array of {@code channels * height * width} bytes per image (not copied)
     * @param labels   the class index of each image
     * @param classes  class names by index
     */
    public ImageDataset(String source, int channels, int height, int width, byte[][] images, int[] labels,
                        List<String> classes) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(source + ": image shape " + channels + "×" + height + "×" + width
                    + " must be positive");
        }
        if (images.length != labels.length) {
            throw new IllegalArgumentException(source + ": " + images.length + " images for " + labels.length
                    + " labels");
        }
        int imageBytes = channels * height * width;
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != imageBytes) {
                throw new IllegalArgumentException(source + ": image " + i + " has " + images[i].length
                        + " bytes, expected " + imageBytes);
            }
            if (labels[i] < 0 || labels[i] >= classes.size()) {
                throw new IllegalArgumentException(source + ": image " + i + " has label " + labels[i]
                        + " outside the " + classes.size() + " classes");
            }
        }
        this.source = source;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.images = images;
        this.labels = labels;
        this.classes = List.copyOf(classes);
    }

    public String source() {
        return source;
    }

    public int size() {
        return images.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public List<String> classes() {
        return classes;
    }

    public int label(int index) {
        return labels[index];
    }

    public int[] labels() {
        return labels.clone();
    }

    /** The labels of the images at {@code indices}, in that order (a batch's targets). */
    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return out;
    }

    /** One image's 8-bit value at (channel, row, column), 0..255. */
    public int pixel(int index, int channel, int row, int column) {
        return images[index][(channel * height + row) * width + column] & 0xFF;
    }

    /** One image as floats in [0, 1], {@code [channels, height, width]}. */
    public float[] image(int index) {
        byte[] bytes = images[index];
        float[] out = new float[bytes.length];
        for (int k = 0; k < bytes.length; k++) {
            out[k] = (bytes[k] & 0xFF) / 255f;
        }
        return out;
    }

    /** The images at {@code indices}, in that order (pixels shared, not copied). */
    public ImageDataset subset(int[] indices, String subsetSource) {
        byte[][] picked = new byte[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = images[indices[i]];
        }
        return new ImageDataset(subsetSource, channels, height, width, picked, labels(indices), classes);
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[classes.size()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "ImageDataset[" + source + ": " + size() + " images " + channels + "×" + height + "×" + width + ", "
                + classes.size() + " classes " + Arrays.toString(classCounts()) + "]";
    }
}
