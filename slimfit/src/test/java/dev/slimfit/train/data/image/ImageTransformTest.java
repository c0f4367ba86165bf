package dev.slimfit.train.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slimfit.kernels.TestRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bilinear resizing (cases computed by hand, and properties on random images) and normalization. */
class ImageTransformTest {

    private static final float EXACT = 1e-6f;

    @Test
    void theSameSizeIsTheIdentityAndAConstantImageStaysConstant() {
        TestRandom random = new TestRandom();
        float[] image = random.uniform(3 * 7 * 5, 0, 1);
        assertArrayEquals(image, Resampler.resize(image, 3, 7, 5, 7, 5), random.describe());
        float[] constant = new float[2 * 9 * 13];
        java.util.Arrays.fill(constant, 0.37f);
        for (int[] size : new int[][] {{3, 4}, {9, 13}, {17, 1}, {1, 1}, {40, 31}}) {
            float[] resized = Resampler.resize(constant, 2, 9, 13, size[0], size[1]);
            for (float v : resized) {
                assertEquals(0.37f, v, EXACT, size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void upscalingInterpolatesBetweenPixelCentres() {
        // a 1x2 row [0, 1] to 1x4: output centres at input x = 0.25, 0.75, 1.25, 1.75; outside the outer pixel
        // centres the edge value holds, between them the value is linear
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, Resampler.resize(new float[] {0, 1}, 1, 1, 2, 1, 4),
                EXACT);
    }

    @Test
    void downscalingAveragesOverAWidenedTriangle() {
        // 1x4 [0, 1, 2, 3] to 1x2: output 0 is centred at x = 1 and the triangle spans 2 input pixels each side:
        // weights 0.75, 0.75, 0.25 on pixels 0, 1, 2 (normalized by 1.75), so (0 + 0.75 + 0.5) / 1.75;
        // output 1 mirrors it around 1.5
        float first = 1.25f / 1.75f;
        assertArrayEquals(new float[] {first, 3 - first}, Resampler.resize(new float[] {0, 1, 2, 3}, 1, 1, 4, 1, 2),
                EXACT);
    }

    @Test
    void aLinearRampStaysLinearAwayFromTheEdges() {
        TestRandom random = new TestRandom();
        int in = 5 + random.ints(1, 20)[0];
        int out = in + 1 + random.ints(1, 30)[0];
        float slope = random.uniform(1, -1, 1)[0];
        float[] ramp = new float[in];
        for (int x = 0; x < in; x++) {
            ramp[x] = slope * (x + 0.5f);
        }
        float[] resized = Resampler.resize(ramp, 1, 1, in, 1, out);
        double scale = in / (double) out;
        for (int i = 0; i < out; i++) {
            double centre = (i + 0.5) * scale;
            if (centre >= 0.5 && centre <= in - 0.5) {
                assertEquals(slope * centre, resized[i], 1e-5, "output " + i + " of " + in + "->" + out + ", "
                        + random.describe());
            }
        }
    }

    @Test
    void viTInputIsResizedChannelConvertedAndNormalizedToMinusOneOne() {
        byte[] gray = {0, (byte) 255, (byte) 51, (byte) 204};
        ImageDataset images = new ImageDataset("2x2 gray", 1, 2, 2, new byte[][] {gray, gray.clone()}, new int[] {0, 1},
                List.of("a", "b"));
        ImageTransform rgb = new ImageTransform(2, 3, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        float[] batch = rgb.batch(images, new int[] {1, 0});
        assertEquals(2 * 3 * 4, batch.length);
        float[] plane = {-1, 1, 0.2f * 2 - 1, 0.8f * 2 - 1};
        for (int k = 0; k < batch.length; k++) {
            assertEquals(plane[k % 4], batch[k], EXACT, "position " + k);
        }
        byte[] colour = {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255};
        ImageDataset rgbImage = new ImageDataset("1x3 rgb", 3, 1, 3, new byte[][] {colour}, new int[] {0},
                List.of("a"));
        ImageTransform toGray = new ImageTransform(1, 1, new float[] {0}, new float[] {1});
        // red, green and blue pixels become their luma weights; 3 pixels resized to 1: centre 1.5, triangle of
        // half-width 3, so distances 1/3, 0, 1/3 give weights 2/3, 1, 2/3, normalized to 2/7, 3/7, 2/7
        float[] luma = toGray.apply(rgbImage, 0);
        assertEquals(1, luma.length);
        assertEquals((2 * 0.299f + 3 * 0.587f + 2 * 0.114f) / 7, luma[0], EXACT);
        assertThrows(IllegalArgumentException.class,
                () -> new ImageTransform(0, 3, new float[3], new float[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new ImageTransform(4, 3, new float[3], new float[] {1, 0, 1}));
    }
}
