package dev.slimfit.train.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import dev.slimfit.train.data.DataFileException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder of class sub-folders holding PNG and JPEG files written with ImageIO by the test. */
class ImageFolderTest {

    @TempDir
    Path root;

    @Test
    void pngsAtTheTargetSizeComeBackExactlyWithClassesInNameOrder() throws IOException {
        TestRandom random = new TestRandom();
        int side = 3 + random.ints(1, 6)[0];
        int[][] pixels = new int[3][];
        String[] files = {"cat/b.png", "cat/a.png", "dog/only.png"};
        for (int f = 0; f < files.length; f++) {
            pixels[f] = random.ints(side * side, 1 << 24);
            writePng(root.resolve(files[f]), side, side, pixels[f], BufferedImage.TYPE_INT_RGB);
        }
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        Files.writeString(root.resolve("README"), "ignored: not a folder");

        ImageDataset data = ImageFolder.read(root, side);
        assertEquals(List.of("cat", "dog"), data.classes());
        assertArrayEquals(new int[] {0, 0, 1}, data.labels());
        // files in name order: cat/a.png (written second), cat/b.png, dog/only.png
        int[] order = {1, 0, 2};
        for (int i = 0; i < 3; i++) {
            int[] rgb = pixels[order[i]];
            for (int k = 0; k < side * side; k++) {
                int y = k / side;
                int x = k % side;
                String where = "image " + i + " pixel " + k + ", " + random.describe();
                assertEquals((rgb[k] >> 16) & 0xFF, data.pixel(i, 0, y, x), where);
                assertEquals((rgb[k] >> 8) & 0xFF, data.pixel(i, 1, y, x), where);
                assertEquals(rgb[k] & 0xFF, data.pixel(i, 2, y, x), where);
            }
        }
    }

    @Test
    void grayAndJpegImagesOfOtherSizesAreConvertedToRgbAndResized() throws IOException {
        int[] level = new int[6 * 4];
        java.util.Arrays.fill(level, 0x808080);
        writePng(root.resolve("gray/g.png"), 6, 4, level, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage jpeg = new BufferedImage(9, 9, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 9; x++) {
                jpeg.setRGB(x, y, 0x204060);
            }
        }
        Files.createDirectories(root.resolve("photo"));
        assertTrue(ImageIO.write(jpeg, "jpg", root.resolve("photo/p.JPG").toFile()));
        ImageDataset data = ImageFolder.read(root, 5);
        assertEquals(3, data.channels());
        assertEquals(5, data.height());
        for (int c = 0; c < 3; c++) {
            assertEquals(0x80, data.pixel(0, c, 2, 2), "a uniform gray stays uniform");
        }
        // JPEG is lossy: a flat colour comes back within a few levels
        assertEquals(0x20, data.pixel(1, 0, 4, 4), 3);
        assertEquals(0x40, data.pixel(1, 1, 0, 0), 3);
        assertEquals(0x60, data.pixel(1, 2, 2, 1), 3);
    }

    @Test
    void unreadableImagesEmptyFoldersAndMissingRootsAreNamed() throws IOException {
        DataFileException missing = assertThrows(DataFileException.class, () -> ImageFolder.read(root.resolve("no"), 4));
        assertTrue(missing.getMessage().startsWith(root.resolve("no") + ": no such folder"), missing.getMessage());

        DataFileException empty = assertThrows(DataFileException.class, () -> ImageFolder.read(root, 4));
        assertTrue(empty.getMessage().startsWith(root + ": no class sub-folders"), empty.getMessage());

        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/readme.txt"), "x");
        DataFileException noImages = assertThrows(DataFileException.class, () -> ImageFolder.read(root, 4));
        assertTrue(noImages.getMessage().startsWith(root.resolve("a") + ": class folder without images"),
                noImages.getMessage());

        Files.write(root.resolve("a/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        DataFileException broken = assertThrows(DataFileException.class, () -> ImageFolder.read(root, 4));
        assertTrue(broken.getMessage().startsWith(root.resolve("a/broken.png") + ": "), broken.getMessage());
    }

    private static void writePng(Path file, int width, int height, int[] rgb, int type) throws IOException {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int k = 0; k < width * height; k++) {
            image.setRGB(k % width, k / width, rgb[k]);
        }
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, "png", file.toFile()));
    }
}
