package dev.slimfit.train.data.image;

import dev.slimfit.train.data.DataFileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 and CIFAR-100 in their binary distributions ({@code cifar-10-batches-bin}, {@code cifar-100-binary}):
 * fixed-size records of label byte(s) then 3072 pixel bytes, the 32×32 red plane, then green, then blue, each row
 * by row. CIFAR-10 records have one label byte; CIFAR-100 records a coarse (20 superclasses) then a fine (100
 * classes) label byte. Class names come from the distribution's text files when present.
 */
public final class Cifar {

    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PIXEL_BYTES = CHANNELS * SIDE * SIDE;

    /** CIFAR-10's classes, in label order (also in its batches.meta.txt). */
    public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");
    public static final List<String> CIFAR10_TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String CIFAR10_TEST_FILE = "test_batch.bin";
    public static final String CIFAR10_META = "batches.meta.txt";
    public static final String CIFAR10_FOLDER = "cifar-10-batches-bin";

    public static final int CIFAR100_COARSE = 20;
    public static final int CIFAR100_FINE = 100;
    public static final String CIFAR100_TRAIN_FILE = "train.bin";
    public static final String CIFAR100_TEST_FILE = "test.bin";
    public static final String CIFAR100_FINE_NAMES = "fine_label_names.txt";
    public static final String CIFAR100_COARSE_NAMES = "coarse_label_names.txt";
    public static final String CIFAR100_FOLDER = "cifar-100-binary";

    /** Which CIFAR-100 label a dataset uses. */
    public enum Cifar100Labels { FINE, COARSE }

    private Cifar() {
    }

    /**
     * CIFAR-10's training (5 batches, 50,000 images) or test (10,000) set from {@code folder}: the
     * {@value #CIFAR10_FOLDER} folder itself or the folder holding it.
     */
    public static ImageDataset cifar10(Path folder, boolean train) throws IOException {
        Path root = locate(folder, CIFAR10_FOLDER, train ? CIFAR10_TRAIN_FILES.getFirst() : CIFAR10_TEST_FILE);
        List<String> classes = classNames(root.resolve(CIFAR10_META), CIFAR10_CLASSES.size(), CIFAR10_CLASSES);
        List<Path> files = new ArrayList<>();
        for (String name : train ? CIFAR10_TRAIN_FILES : List.of(CIFAR10_TEST_FILE)) {
            files.add(root.resolve(name));
        }
        return read(files, 1, 0, classes, "CIFAR-10 " + (train ? "train" : "test") + " (" + root + ")");
    }

    /** CIFAR-100's training (50,000 images) or test (10,000) set with its fine or coarse labels. */
    public static ImageDataset cifar100(Path folder, boolean train, Cifar100Labels labels) throws IOException {
        String file = train ? CIFAR100_TRAIN_FILE : CIFAR100_TEST_FILE;
        Path root = locate(folder, CIFAR100_FOLDER, file);
        boolean fine = labels == Cifar100Labels.FINE;
        int count = fine ? CIFAR100_FINE : CIFAR100_COARSE;
        List<String> classes = classNames(root.resolve(fine ? CIFAR100_FINE_NAMES : CIFAR100_COARSE_NAMES), count,
                null);
        return read(List.of(root.resolve(file)), 2, fine ? 1 : 0, classes, "CIFAR-100 " + (train ? "train" : "test")
                + ", " + (fine ? "fine" : "coarse") + " labels (" + root + ")");
    }

    /**
     * Reads record files.
     *
     * @param labelBytes bytes before the pixels of each record
     * @param labelIndex which of them is the label used
     */
    static ImageDataset read(List<Path> files, int labelBytes, int labelIndex, List<String> classes, String source)
            throws IOException {
        int recordBytes = labelBytes + PIXEL_BYTES;
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw DataFileException.inFile(file, "no such file");
            }
            long size = Files.size(file);
            if (size % recordBytes != 0) {
                throw DataFileException.atByte(file, size - size % recordBytes, "truncated record: the file has "
                        + size + " bytes, " + size / recordBytes + " whole records of " + recordBytes + " bytes and "
                        + size % recordBytes + " bytes more");
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] record = new byte[recordBytes];
                for (long r = 0; r < size / recordBytes; r++) {
                    if (in.readNBytes(record, 0, recordBytes) != recordBytes) {
                        throw DataFileException.atByte(file, r * recordBytes, "the file ended inside record " + r);
                    }
                    int label = record[labelIndex] & 0xFF;
                    if (label >= classes.size()) {
                        throw DataFileException.atByte(file, r * recordBytes + labelIndex, "record " + r
                                + " has label " + label + ", but there are " + classes.size() + " classes");
                    }
                    labels.add(label);
                    byte[] pixels = new byte[PIXEL_BYTES];
                    System.arraycopy(record, labelBytes, pixels, 0, PIXEL_BYTES);
                    images.add(pixels);
                }
            }
        }
        return new ImageDataset(source, CHANNELS, SIDE, SIDE, images.toArray(byte[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray(), classes);
    }

    private static Path locate(Path folder, String distributionFolder, String expectedFile) throws DataFileException {
        if (Files.isRegularFile(folder.resolve(expectedFile))) {
            return folder;
        }
        Path nested = folder.resolve(distributionFolder);
        if (Files.isRegularFile(nested.resolve(expectedFile))) {
            return nested;
        }
        throw DataFileException.inFile(folder.resolve(expectedFile), "no such file, nor "
                + nested.resolve(expectedFile) + ": give the " + distributionFolder + " folder or the one holding it");
    }

    /**
     * The class names of a names file (one per line, blank lines ignored); without the file, {@code fallback}, or
     * "class 0", "class 1", ... when there is none.
     */
    private static List<String> classNames(Path file, int count, List<String> fallback) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (fallback != null) {
                return fallback;
            }
            List<String> numbered = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                numbered.add("class " + i);
            }
            return numbered;
        }
        List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(line -> !line.isEmpty()).toList();
        if (names.size() != count) {
            throw DataFileException.inFile(file, "lists " + names.size() + " class names, expected " + count);
        }
        return names;
    }
}
