package dev.slimfit.train.data.glue;

import dev.slimfit.train.data.DataFileException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads GLUE's tab-separated files the way their reference readers do (Python's csv module with QUOTE_NONE): a line
 * is split at every tab and nothing else, so quote characters are ordinary text and a field can hold neither a tab
 * nor a line break. Lines end at LF, CR or CR LF; empty lines are skipped; a UTF-8 byte order mark before the first
 * line is dropped. Bytes that are not UTF-8 are an error naming the line.
 */
final class TsvReader {

    private static final char FIELD_SEPARATOR = '\t';
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    /** Receives the fields of each non-empty line with its 1-based line number. */
    @FunctionalInterface
    interface RowHandler {
        void row(long line, String[] fields) throws DataFileException;
    }

    private TsvReader() {
    }

    static void read(Path file, RowHandler handler) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw DataFileException.inFile(file, "no such file");
        }
        // lines are cut from the bytes and decoded one by one, so that a bad byte is reported on its own line
        // (a decoding reader reads ahead and would fail on an earlier line)
        CharsetDecoder strictUtf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long lineNumber = 0;
            boolean more = true;
            while (more) {
                more = readLine(in, bytes);
                if (!more && bytes.size() == 0) {
                    break;
                }
                lineNumber++;
                String line = decode(strictUtf8, bytes, file, lineNumber);
                if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                    line = line.substring(1);
                }
                if (!line.isEmpty()) {
                    handler.row(lineNumber, split(line));
                }
            }
        } catch (NoSuchFileException e) {
            throw DataFileException.inFile(file, "no such file", e);
        }
    }

    /**
     * Reads the bytes of one line (without its LF, CR or CR LF) into {@code line}; returns false at the end of the
     * input, when what was read (possibly nothing) is the last line.
     */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return true;
            }
            if (b == '\r') {
                in.mark(1);
                if (in.read() != '\n') {
                    in.reset();
                }
                return true;
            }
            line.write(b);
        }
        return false;
    }

    private static String decode(CharsetDecoder decoder, ByteArrayOutputStream bytes, Path file, long lineNumber)
            throws DataFileException {
        try {
            return decoder.reset().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw DataFileException.atLine(file, lineNumber, "not UTF-8 text (" + e + ")");
        }
    }

    /** Every tab separates two fields: "a\t\tb" has three fields, the middle one empty. */
    static String[] split(String line) {
        int count = 1;
        for (int i = 0; i < line.length(); i++) {
            count += line.charAt(i) == FIELD_SEPARATOR ? 1 : 0;
        }
        String[] fields = new String[count];
        int start = 0;
        for (int f = 0; f < count; f++) {
            int end = line.indexOf(FIELD_SEPARATOR, start);
            end = end < 0 ? line.length() : end;
            fields[f] = line.substring(start, end);
            start = end + 1;
        }
        return fields;
    }
}
