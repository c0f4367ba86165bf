package dev.slimfit.train.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file is missing, unreadable or not in its format; the message names the file and, where there is one,
 * the line (text formats) or byte offset (binary formats) of the problem, and what was expected there.
 */
public final class DataFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private DataFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A problem in the file as a whole (missing, empty, wrong magic number). */
    public static DataFileException inFile(Path file, String problem) {
        return new DataFileException(file + ": " + problem, null);
    }

    public static DataFileException inFile(Path file, String problem, Throwable cause) {
        return new DataFileException(file + ": " + problem, cause);
    }

    /** A problem on one line (1-based) of a text file. */
    public static DataFileException atLine(Path file, long line, String problem) {
        return new DataFileException(file + ", line " + line + ": " + problem, null);
    }

    /** A problem at a byte offset of a binary file. */
    public static DataFileException atByte(Path file, long offset, String problem) {
        return new DataFileException(file + ", byte " + offset + ": " + problem, null);
    }
}
