package dev.slimfit.train.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import dev.slimfit.train.data.DataFileException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX image and label files written by the test, plain and gzip-compressed, and broken ones. */
class IdxTest {

    private static final List<String> TEN = FashionMnist.CLASSES;

    @TempDir
    Path folder;

    @Test
    void gzipAndPlainFilesOfOddSizesComeBackExactly() throws IOException {
        TestRandom random = new TestRandom();
        for (boolean gzip : new boolean[] {true, false}) {
            int count = random.ints(1, 9)[0];
            int rows = 1 + random.ints(1, 7)[0];
            int columns = 1 + random.ints(1, 7)[0];
            byte[] pixels = CifarTest.randomBytes(random, count * rows * columns);
            int[] labels = random.ints(count, 10);
            Path images = write("images" + gzip, gzip, header(Idx.IMAGES_MAGIC, count, rows, columns), pixels);
            Path labelFile = write("labels" + gzip, gzip, header(Idx.LABELS_MAGIC, count), toBytes(labels));
            ImageDataset data = Idx.read(images, labelFile, TEN, "test");
            String where = "gzip " + gzip + ", " + count + "×" + rows + "×" + columns + ", " + random.describe();
            assertEquals(count, data.size(), where);
            assertEquals(1, data.channels(), where);
            assertEquals(rows, data.height(), where);
            assertEquals(columns, data.width(), where);
            for (int i = 0; i < count; i++) {
                assertEquals(labels[i], data.label(i), where);
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < columns; x++) {
                        assertEquals(pixels[(i * rows + y) * columns + x] & 0xFF, data.pixel(i, 0, y, x), where);
                    }
                }
            }
        }
    }

    @Test
    void anEmptySetIsValid() throws IOException {
        ImageDataset data = Idx.read(write("i", true, header(Idx.IMAGES_MAGIC, 0, 28, 28), new byte[0]),
                write("l", true, header(Idx.LABELS_MAGIC, 0), new byte[0]), TEN, "empty");
        assertEquals(0, data.size());
    }

    @Test
    void badMagicTruncationExtraBytesAndDisagreeingCountsAreNamed() throws IOException {
        Path labels = write("labels", true, header(Idx.LABELS_MAGIC, 2), new byte[] {1, 2});
        Path swapped = write("swapped", true, header(Idx.LABELS_MAGIC, 2), new byte[] {1, 2});
        assertError(swapped, labels, swapped + ", byte 0: magic number 0x00000801, expected 0x00000803");

        Path truncated = write("truncated", true, header(Idx.IMAGES_MAGIC, 2, 3, 3), new byte[12]);
        assertError(truncated, labels, truncated + ", byte 28: truncated: the file ends inside image 1 of 2");

        Path extra = write("extra", false, header(Idx.IMAGES_MAGIC, 2, 3, 3), new byte[19]);
        assertError(extra, labels, extra + ", byte 34: extra bytes after the last element");

        Path shortHeader = write("short", true, new byte[] {0, 0, 8, 3, 0, 0}, new byte[0]);
        assertError(shortHeader, labels, shortHeader + ", byte 4: the file ends before dimension 0");

        Path three = write("three", true, header(Idx.IMAGES_MAGIC, 3, 2, 2), new byte[12]);
        assertError(three, labels, labels + ": holds 2 labels but " + three + " holds 3 images");

        Path two = write("two", true, header(Idx.IMAGES_MAGIC, 2, 2, 2), new byte[8]);
        Path badLabel = write("badLabel", true, header(Idx.LABELS_MAGIC, 2), new byte[] {3, 10});
        assertError(two, badLabel, badLabel + ", byte 9: label 10 of image 1 is not one of the 10 classes");

        Path zeroRows = write("zeroRows", true, header(Idx.IMAGES_MAGIC, 2, 0, 2), new byte[0]);
        assertError(zeroRows, labels, zeroRows + ", byte 8: dimension 1 is 0");

        Path huge = write("huge", true, header(Idx.IMAGES_MAGIC, 1_000_000, 1000, 1000), new byte[0]);
        assertError(huge, labels, "more than a");

        assertError(folder.resolve("absent"), labels, folder.resolve("absent") + ": no such file");
    }

    private void assertError(Path images, Path labels, String expected) {
        DataFileException error = assertThrows(DataFileException.class, () -> Idx.read(images, labels, TEN, "x"));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    static byte[] header(int magic, int... dims) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, boolean gzip, byte[] header, byte[] body) throws IOException {
        Path file = folder.resolve(name + (gzip ? ".gz" : ""));
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            out.write(header);
            out.write(body);
        }
        return file;
    }

    private static byte[] toBytes(int[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
