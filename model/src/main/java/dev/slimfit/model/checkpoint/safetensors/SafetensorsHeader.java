package dev.slimfit.model.checkpoint.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimfit.engine.Shape;
import dev.slimfit.model.checkpoint.CheckpointFormatException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file, parsed and checked against the file it came from. The layout (Hugging Face's):
 * an unsigned 64-bit little-endian length N, N bytes of UTF-8 JSON mapping each tensor name to {@code {"dtype",
 * "shape", "data_offsets": [begin, end]}} (plus an optional {@code "__metadata__"} object of strings), then the
 * data section, to which the offsets are relative.
 *
 * <p>The file is untrusted, so nothing is taken on faith, and each check fails with the file and the tensor named:
 * the header length fits the file and {@link #MAX_HEADER_BYTES}; the JSON is one object without duplicate keys;
 * every dtype is one we read; every dimension and offset is a non-negative integer; each range holds exactly
 * {@code numel × element size} bytes; and, as the reference implementation demands, the ranges sorted by offset
 * tile the data section exactly (no gap, no overlap, nothing past the end, nothing left over).
 */
public record SafetensorsHeader(long headerBytes, List<SafetensorsEntry> entries, Map<String, String> metadata) {

    /** Bytes of the little-endian length that opens the file. */
    public static final int LENGTH_PREFIX_BYTES = Long.BYTES;

    /** The largest header accepted: the limit of Hugging Face's reader, far above any real model's header. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The header key that holds string metadata instead of a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    private static final ValueLayout.OfLong LITTLE_ENDIAN_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public SafetensorsHeader {
        entries = List.copyOf(entries);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** File offset of the data section, to which every entry's offsets are relative. */
    public long dataStart() {
        return LENGTH_PREFIX_BYTES + headerBytes;
    }

    /** Total bytes of tensor data. */
    public long dataBytes() {
        return entries.isEmpty() ? 0 : entries.getLast().end();
    }

    /** The entry named {@code name}, or null. */
    public SafetensorsEntry entry(String name) {
        for (SafetensorsEntry e : entries) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Parses and checks the header of {@code file} (the whole file's bytes, typically mapped).
     *
     * @param source the file's name for messages
     */
    public static SafetensorsHeader parse(MemorySegment file, String source) throws CheckpointFormatException {
        long fileBytes = file.byteSize();
        if (fileBytes < LENGTH_PREFIX_BYTES) {
            throw CheckpointFormatException.file(source, "has " + fileBytes + " bytes, too few for the "
                    + LENGTH_PREFIX_BYTES + "-byte header length that opens a safetensors file");
        }
        long headerBytes = file.get(LITTLE_ENDIAN_LONG, 0);
        long available = fileBytes - LENGTH_PREFIX_BYTES;
        // the length is unsigned in the format: a negative long is a length above 2^63, as invalid as any too large
        if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES) {
            throw CheckpointFormatException.file(source, "header length " + Long.toUnsignedString(headerBytes)
                    + " is above the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerBytes > available) {
            throw CheckpointFormatException.file(source, "header length " + headerBytes + " runs past the end of the "
                    + "file (" + available + " bytes follow the length; the file is truncated or not safetensors)");
        }
        byte[] json = file.asSlice(LENGTH_PREFIX_BYTES, headerBytes).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root = parseJson(json, source);
        long dataBytes = available - headerBytes;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<SafetensorsEntry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            if (property.getKey().equals(METADATA_KEY)) {
                readMetadata(property.getValue(), source, metadata);
            } else {
                entries.add(readEntry(property.getKey(), property.getValue(), source, dataBytes));
            }
        }
        checkTiling(entries, dataBytes, source);
        return new SafetensorsHeader(headerBytes, entries, metadata);
    }

    private static JsonNode parseJson(byte[] json, String source) throws CheckpointFormatException {
        if (json.length == 0 || json[0] != '{') {
            throw CheckpointFormatException.file(source, "header does not start with '{' (not a safetensors file, or "
                    + "a corrupt header length)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw CheckpointFormatException.file(source, "header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CheckpointFormatException(source + ": header could not be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw CheckpointFormatException.file(source, "header is not a JSON object");
        }
        return root;
    }

    private static void readMetadata(JsonNode node, String source, Map<String, String> into)
            throws CheckpointFormatException {
        if (!node.isObject()) {
            throw CheckpointFormatException.field(source, METADATA_KEY, "must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw CheckpointFormatException.field(source, METADATA_KEY + "." + e.getKey(), "must be a string, found "
                        + describe(e.getValue()));
            }
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static SafetensorsEntry readEntry(String name, JsonNode node, String source, long dataBytes)
            throws CheckpointFormatException {
        if (!node.isObject()) {
            throw CheckpointFormatException.tensor(source, name, "header entry must be an object with dtype, shape "
                    + "and data_offsets");
        }
        SafetensorsDType dtype = readDType(name, node.get("dtype"), source);
        int[] dims = readShape(name, node.get("shape"), source);
        long[] offsets = readOffsets(name, node.get("data_offsets"), source);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw CheckpointFormatException.tensor(source, name, "data_offsets [" + begin + ", " + end + "] end "
                    + "before they begin");
        }
        if (end > dataBytes) {
            throw CheckpointFormatException.tensor(source, name, "data_offsets [" + begin + ", " + end + "] run past "
                    + "the data section of " + dataBytes + " bytes");
        }
        long expected = byteCount(name, dtype, dims, source);
        if (expected != end - begin) {
            throw CheckpointFormatException.tensor(source, name, "dtype " + dtype + " and shape " + Shape.of(dims)
                    + " need " + expected + " bytes, but data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin));
        }
        return new SafetensorsEntry(name, dtype, Shape.of(dims), begin, end);
    }

    private static SafetensorsDType readDType(String name, JsonNode node, String source)
            throws CheckpointFormatException {
        if (node == null || !node.isTextual()) {
            throw CheckpointFormatException.tensor(source, name, "dtype must be a string, found " + describe(node));
        }
        return SafetensorsDType.parse(node.textValue()).orElseThrow(() -> CheckpointFormatException.tensor(source,
                name, "dtype " + node.textValue() + " is not supported (readable: "
                        + SafetensorsDType.supportedNames() + ")"));
    }

    private static int[] readShape(String name, JsonNode node, String source) throws CheckpointFormatException {
        if (node == null || !node.isArray()) {
            throw CheckpointFormatException.tensor(source, name, "shape must be an array, found " + describe(node));
        }
        int[] dims = new int[node.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw CheckpointFormatException.tensor(source, name, "shape[" + i + "] must be an integer in [0, "
                        + Integer.MAX_VALUE + "], found " + quote(d));
            }
            dims[i] = d.intValue();
        }
        return dims;
    }

    private static long[] readOffsets(String name, JsonNode node, String source) throws CheckpointFormatException {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw CheckpointFormatException.tensor(source, name, "data_offsets must be an array [begin, end], found "
                    + describe(node));
        }
        long[] offsets = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = node.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw CheckpointFormatException.tensor(source, name, "data_offsets[" + i + "] must be a non-negative "
                        + "64-bit integer, found " + quote(o));
            }
            offsets[i] = o.longValue();
        }
        return offsets;
    }

    /** numel × element size, or an error when it does not fit in 64 bits. */
    private static long byteCount(String name, SafetensorsDType dtype, int[] dims, String source)
            throws CheckpointFormatException {
        try {
            long numel = 1;
            for (int d : dims) {
                numel = Math.multiplyExact(numel, d);
            }
            return Math.multiplyExact(numel, dtype.elementBytes());
        } catch (ArithmeticException e) {
            // Shape.of would overflow too: the dims are printed as they are
            throw CheckpointFormatException.tensor(source, name, "shape " + Arrays.toString(dims)
                    + " has more bytes than fit in 64 bits");
        }
    }

    /** Sorted by offset, the ranges must follow each other from 0 to the end of the data without gap or overlap. */
    private static void checkTiling(List<SafetensorsEntry> entries, long dataBytes, String source)
            throws CheckpointFormatException {
        entries.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
        long covered = 0;
        String previous = null;
        for (SafetensorsEntry e : entries) {
            if (e.begin() < covered) {
                throw CheckpointFormatException.tensor(source, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap tensor '" + previous + "', which ends at " + covered);
            }
            if (e.begin() > covered) {
                throw CheckpointFormatException.tensor(source, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] leave a gap of " + (e.begin() - covered) + " bytes after "
                        + (previous == null ? "the header" : "tensor '" + previous + "'"));
            }
            covered = e.end();
            previous = e.name();
        }
        if (covered != dataBytes) {
            throw CheckpointFormatException.file(source, "the tensors cover " + covered + " bytes of a data section of "
                    + dataBytes + " bytes (" + (dataBytes - covered) + " bytes belong to no tensor; truncated header "
                    + "or appended data)");
        }
    }

    /** Longest excerpt of a JSON value quoted in a message: a corrupt header must not make messages huge. */
    private static final int MAX_QUOTED_CHARS = 60;

    private static String describe(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType() + " " + quote(node);
    }

    private static String quote(JsonNode node) {
        String text = node.toString();
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }
}
