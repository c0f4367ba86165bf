package dev.slimfit.train.data.glue;

import dev.slimfit.train.data.DataFileException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a GLUE file keeps the text(s) and the label: by column name in a header line (every task but CoLA), or by
 * position in files without a header (CoLA's train and dev files: source, label, original label, sentence).
 *
 * @param header       whether the first line names the columns
 * @param firstName    header name of the first text column
 * @param secondName   header name of the second text column, or null for single-sentence tasks
 * @param labelName    header name of the label column
 * @param fieldCount   fields per line of a headerless file
 * @param firstIndex   position of the text in a headerless file
 * @param labelIndex   position of the label in a headerless file
 */
record ColumnLayout(boolean header, String firstName, String secondName, String labelName, int fieldCount,
                    int firstIndex, int labelIndex) {

    /** Positions of the needed fields in each row, and how many fields a row has. */
    record Columns(int first, int second, int label, int fieldCount) {
    }

    static ColumnLayout named(String firstName, String secondName, String labelName) {
        return new ColumnLayout(true, firstName, secondName, labelName, -1, -1, -1);
    }

    static ColumnLayout headerless(int fieldCount, int firstIndex, int labelIndex) {
        return new ColumnLayout(false, null, null, null, fieldCount, firstIndex, labelIndex);
    }

    boolean pairs() {
        return secondName != null;
    }

    Columns headerlessColumns() {
        return new Columns(firstIndex, -1, labelIndex, fieldCount);
    }

    /** Finds the named columns in a header line; a missing one is an error naming the file and what it has. */
    Columns resolve(Path file, long line, String[] headerFields) throws DataFileException {
        return new Columns(find(file, line, headerFields, firstName),
                secondName == null ? -1 : find(file, line, headerFields, secondName),
                find(file, line, headerFields, labelName), headerFields.length);
    }

    private static int find(Path file, long line, String[] header, String name) throws DataFileException {
        int found = -1;
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                if (found >= 0) {
                    throw DataFileException.atLine(file, line, "the header names column '" + name + "' twice");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw DataFileException.atLine(file, line, "the header has no column '" + name + "' (it has "
                    + Arrays.toString(header) + ")");
        }
        return found;
    }
}
