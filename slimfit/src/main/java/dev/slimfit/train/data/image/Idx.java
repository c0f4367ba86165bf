package dev.slimfit.train.data.image;

import dev.slimfit.train.data.DataFileException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX files of MNIST and Fashion-MNIST, gzip-compressed or not: a big-endian magic number (two zero bytes, the
 * element type 0x08 = unsigned byte, the number of dimensions), one big-endian int per dimension, then the
 * elements. Images are 0x00000803 ({@code [count, rows, columns]}), labels 0x00000801 ({@code [count]}).
 */
public final class Idx {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    private static final int GZIP_MAGIC = 0x1F8B;
    private static final int MAGIC_BYTES = 4;
    private static final int DIMENSION_BYTES = 4;

    private Idx() {
    }

    /** The images and labels of an IDX pair as one dataset; the two counts must agree. */
    public static ImageDataset read(Path images, Path labels, List<String> classes, String source) throws IOException {
        byte[][] pixels;
        int rows;
        int columns;
        try (DataInputStream in = open(images)) {
            int[] dims = header(in, images, IMAGES_MAGIC, "images");
            rows = dims[1];
            columns = dims[2];
            pixels = new byte[dims[0]][];
            long offset = MAGIC_BYTES + 3L * DIMENSION_BYTES;
            for (int i = 0; i < dims[0]; i++) {
                pixels[i] = elements(in, images, rows * columns, offset + (long) i * rows * columns,
                        "image " + i + " of " + dims[0]);
            }
            expectEnd(in, images, offset + (long) dims[0] * rows * columns);
        }
        int[] labelValues;
        try (DataInputStream in = open(labels)) {
            int count = header(in, labels, LABELS_MAGIC, "labels")[0];
            if (count != pixels.length) {
                throw DataFileException.inFile(labels, "holds " + count + " labels but " + images + " holds "
                        + pixels.length + " images");
            }
            long offset = MAGIC_BYTES + DIMENSION_BYTES;
            byte[] bytes = elements(in, labels, count, offset, count + " labels");
            expectEnd(in, labels, offset + count);
            labelValues = new int[count];
            for (int i = 0; i < count; i++) {
                labelValues[i] = bytes[i] & 0xFF;
                if (labelValues[i] >= classes.size()) {
                    throw DataFileException.atByte(labels, offset + i, "label " + labelValues[i] + " of image " + i
                            + " is not one of the " + classes.size() + " classes");
                }
            }
        }
        return new ImageDataset(source, 1, rows, columns, pixels, labelValues, classes);
    }

    /** Opens the file, decompressing it if it starts with the gzip magic. */
    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw DataFileException.inFile(file, "no such file");
        }
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file));
        raw.mark(2);
        int first = raw.read();
        int second = raw.read();
        raw.reset();
        if (((first << 8) | second) == GZIP_MAGIC) {
            try {
                return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw)));
            } catch (ZipException e) {
                raw.close();
                throw DataFileException.inFile(file, "broken gzip header: " + e.getMessage(), e);
            }
        }
        return new DataInputStream(raw);
    }

    /** Reads and checks the magic number and dimensions (offsets are in the decompressed stream). */
    private static int[] header(DataInputStream in, Path file, int expectedMagic, String what) throws IOException {
        int magic = readInt(in, file, 0, "the magic number");
        if (magic != expectedMagic) {
            throw DataFileException.atByte(file, 0, String.format("magic number 0x%08X, expected 0x%08X (IDX %s: "
                    + "unsigned bytes in %d dimensions)", magic, expectedMagic, what, expectedMagic & 0xFF));
        }
        int[] dims = new int[expectedMagic & 0xFF];
        long total = 1;
        for (int d = 0; d < dims.length; d++) {
            dims[d] = readInt(in, file, MAGIC_BYTES + (long) d * DIMENSION_BYTES, "dimension " + d);
            if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                throw DataFileException.atByte(file, MAGIC_BYTES + (long) d * DIMENSION_BYTES, "dimension " + d
                        + " is " + dims[d]);
            }
            total *= dims[d];
        }
        if (dims.length == 3 && (long) dims[1] * dims[2] > Integer.MAX_VALUE) {
            throw DataFileException.atByte(file, MAGIC_BYTES, "images of " + dims[1] + "×" + dims[2] + " are too large");
        }
        if (total > Files.size(file) * 1_100L && total > (1L << 20)) {
            // gzip cannot compress beyond ~1000:1; a header that claims more is lying, and would make us allocate
            throw DataFileException.atByte(file, MAGIC_BYTES, "dimensions claim " + total + " bytes, more than a "
                    + Files.size(file) + "-byte file can hold");
        }
        return dims;
    }

    private static int readInt(DataInputStream in, Path file, long offset, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw DataFileException.atByte(file, offset, "the file ends before " + what);
        }
    }

    private static byte[] elements(InputStream in, Path file, int count, long offset, String what) throws IOException {
        byte[] out = new byte[count];
        int read = in.readNBytes(out, 0, count);
        if (read != count) {
            throw DataFileException.atByte(file, offset + read, "truncated: the file ends inside " + what);
        }
        return out;
    }

    private static void expectEnd(InputStream in, Path file, long offset) throws IOException {
        if (in.read() >= 0) {
            throw DataFileException.atByte(file, offset, "extra bytes after the last element: the dimensions "
                    + "disagree with the file's length");
        }
    }
}
