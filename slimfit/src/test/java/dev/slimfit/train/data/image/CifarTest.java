package dev.slimfit.train.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import dev.slimfit.train.data.DataFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 and CIFAR-100 binary batches built record by record in the test. */
class CifarTest {

    @TempDir
    Path folder;

    @Test
    void cifar10BatchesComeBackPixelForPixelInPlaneOrder() throws IOException {
        TestRandom random = new TestRandom();
        Path root = Files.createDirectories(folder.resolve(Cifar.CIFAR10_FOLDER));
        int[] counts = random.ints(5, 4);
        int total = 0;
        byte[][] expectedPixels = new byte[20][];
        int[] expectedLabels = new int[20];
        for (int b = 0; b < 5; b++) {
            byte[] file = new byte[counts[b] * (1 + Cifar.PIXEL_BYTES)];
            for (int r = 0; r < counts[b]; r++) {
                int label = random.ints(1, 10)[0];
                byte[] pixels = randomBytes(random, Cifar.PIXEL_BYTES);
                file[r * (1 + Cifar.PIXEL_BYTES)] = (byte) label;
                System.arraycopy(pixels, 0, file, r * (1 + Cifar.PIXEL_BYTES) + 1, Cifar.PIXEL_BYTES);
                expectedPixels[total] = pixels;
                expectedLabels[total] = label;
                total++;
            }
            Files.write(root.resolve(Cifar.CIFAR10_TRAIN_FILES.get(b)), file);
        }
        ImageDataset train = Cifar.cifar10(folder, true);
        assertEquals(total, train.size(), random.describe());
        assertEquals(Cifar.CIFAR10_CLASSES, train.classes());
        for (int i = 0; i < total; i++) {
            assertEquals(expectedLabels[i], train.label(i), random.describe());
            // red plane, then green, then blue, each 32 rows of 32
            int channel = 2;
            int row = 31;
            int column = 5;
            assertEquals(expectedPixels[i][channel * 1024 + row * 32 + column] & 0xFF,
                    train.pixel(i, channel, row, column), random.describe());
            float[] image = train.image(i);
            for (int k = 0; k < Cifar.PIXEL_BYTES; k++) {
                assertEquals((expectedPixels[i][k] & 0xFF) / 255f, image[k], random.describe());
            }
        }
    }

    @Test
    void cifar100UsesTheFineOrCoarseLabelAndItsNameFile() throws IOException {
        TestRandom random = new TestRandom();
        byte[] record = new byte[2 + Cifar.PIXEL_BYTES];
        record[0] = 19;
        record[1] = 99;
        System.arraycopy(randomBytes(random, Cifar.PIXEL_BYTES), 0, record, 2, Cifar.PIXEL_BYTES);
        Files.write(folder.resolve(Cifar.CIFAR100_TEST_FILE), record);
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            names.append("fine").append(i).append('\n');
        }
        Files.writeString(folder.resolve(Cifar.CIFAR100_FINE_NAMES), names);
        ImageDataset fine = Cifar.cifar100(folder, false, Cifar.Cifar100Labels.FINE);
        ImageDataset coarse = Cifar.cifar100(folder, false, Cifar.Cifar100Labels.COARSE);
        assertArrayEquals(new int[] {99}, fine.labels());
        assertEquals("fine99", fine.classes().get(99));
        assertArrayEquals(new int[] {19}, coarse.labels());
        assertEquals("class 19", coarse.classes().get(19));
        assertEquals(record[2 + 1500] & 0xFF, fine.pixel(0, 1, 14, 28));
    }

    @Test
    void truncatedRecordsBadLabelsAndMissingFilesAreNamed() throws IOException {
        Files.write(folder.resolve(Cifar.CIFAR10_TEST_FILE), new byte[2 * 3073 + 100]);
        DataFileException truncated = assertThrows(DataFileException.class, () -> Cifar.cifar10(folder, false));
        assertEquals(folder.resolve(Cifar.CIFAR10_TEST_FILE) + ", byte 6146: truncated record: the file has 6246 "
                + "bytes, 2 whole records of 3073 bytes and 100 bytes more", truncated.getMessage());

        byte[] badLabel = new byte[2 * 3073];
        badLabel[3073] = 10;
        Files.write(folder.resolve(Cifar.CIFAR10_TEST_FILE), badLabel);
        DataFileException label = assertThrows(DataFileException.class, () -> Cifar.cifar10(folder, false));
        assertEquals(folder.resolve(Cifar.CIFAR10_TEST_FILE) + ", byte 3073: record 1 has label 10, but there are 10 "
                + "classes", label.getMessage());

        Files.write(folder.resolve(Cifar.CIFAR10_TRAIN_FILES.getFirst()), new byte[3073]);
        DataFileException missing = assertThrows(DataFileException.class, () -> Cifar.cifar10(folder, true));
        assertEquals(folder.resolve("data_batch_2.bin") + ": no such file", missing.getMessage());

        DataFileException absent = assertThrows(DataFileException.class,
                () -> Cifar.cifar100(folder, true, Cifar.Cifar100Labels.FINE));
        assertTrue(absent.getMessage().startsWith(folder.resolve("train.bin") + ": no such file, nor "), absent.getMessage());

        Files.write(folder.resolve(Cifar.CIFAR100_TRAIN_FILE), new byte[3074]);
        Files.writeString(folder.resolve(Cifar.CIFAR100_COARSE_NAMES), "a\nb\n");
        DataFileException names = assertThrows(DataFileException.class,
                () -> Cifar.cifar100(folder, true, Cifar.Cifar100Labels.COARSE));
        assertEquals(folder.resolve(Cifar.CIFAR100_COARSE_NAMES) + ": lists 2 class names, expected 20",
                names.getMessage());
        // without fine_label_names.txt the 100 fine classes are numbered
        assertEquals("class 0", Cifar.cifar100(folder, true, Cifar.Cifar100Labels.FINE).classes().getFirst());
    }

    static byte[] randomBytes(TestRandom random, int n) {
        int[] values = random.ints(n, 256);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
