package dev.slimfit.model.checkpoint.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.checkpoint.AtomicFile;
import dev.slimfit.model.checkpoint.CheckpointFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.slimfit.model.checkpoint.CheckpointTestSupport.freshDevice;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.integers;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.parameter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The safetensors format itself: files laid out by hand exactly as Hugging Face's writer lays them out are read
 * correctly (every engine dtype, empty and rank-0 tensors, half-precision and double converted), and what the writer
 * produces is checked byte by byte against the format, independently of the reader.
 */
class SafetensorsFormatTest {

    private final TestRandom random = new TestRandom();
    private final CpuDevice device = freshDevice("safetensors-format");
    @TempDir
    Path folder;

    @AfterEach
    void nothingLeaks() {
        assertEquals(0, device.ledger().liveTotal(), "live bytes after the test");
    }

    /** One tensor of a hand-made file: its header JSON fields and its little-endian bytes. */
    private record Stored(String name, String dtype, int[] shape, byte[] bytes) {
    }

    /**
     * A file in the exact Hugging Face layout, built here without the writer: 8-byte little-endian length, the JSON
     * header (keys in the given order, which need not be the data order), space padding to 8, then the data.
     */
    private static byte[] handMade(List<Stored> dataOrder, List<String> headerKeyOrder, Map<String, String> metadata) {
        Map<String, String> entryJson = new LinkedHashMap<>();
        long offset = 0;
        for (Stored s : dataOrder) {
            StringBuilder shape = new StringBuilder("[");
            for (int i = 0; i < s.shape().length; i++) {
                shape.append(i == 0 ? "" : ",").append(s.shape()[i]);
            }
            shape.append(']');
            entryJson.put(s.name(), "{\"dtype\":\"" + s.dtype() + "\",\"shape\":" + shape + ",\"data_offsets\":["
                    + offset + "," + (offset + s.bytes().length) + "]}");
            offset += s.bytes().length;
        }
        StringBuilder header = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            header.append("\"__metadata__\":{");
            List<String> pairs = new ArrayList<>();
            metadata.forEach((k, v) -> pairs.add("\"" + k + "\":\"" + v + "\""));
            header.append(String.join(",", pairs)).append("},");
        }
        List<String> entries = new ArrayList<>();
        for (String key : headerKeyOrder) {
            entries.add("\"" + key + "\":" + entryJson.get(key));
        }
        header.append(String.join(",", entries)).append('}');
        while ((8 + header.length()) % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        for (Stored s : dataOrder) {
            file.put(s.bytes());
        }
        return file.array();
    }

    private static byte[] littleEndianFloats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] littleEndianInts(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    @Test
    void readsAHandMadeFileInTheHuggingFaceLayout() throws IOException {
        float[] weight = random.gaussian(3 * 5, 1.0);
        int[] ids = new int[7];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) random.nextLong();
        }
        byte[] signed = random.bytes(2 * 3);
        byte[] unsigned = random.bytes(5);
        float[] scalar = random.gaussian(1, 1.0);
        List<Stored> data = List.of(
                new Stored("encoder.weight", "F32", new int[] {3, 5}, littleEndianFloats(weight)),
                new Stored("ids", "I32", new int[] {7}, littleEndianInts(ids)),
                new Stored("scalar", "F32", new int[] {}, littleEndianFloats(scalar)),
                new Stored("empty", "F32", new int[] {0, 4}, new byte[0]),
                new Stored("codes", "I8", new int[] {2, 3}, signed),
                new Stored("probabilities", "U8", new int[] {5}, unsigned));
        Path file = folder.resolve("hand.safetensors");
        Files.write(file, handMade(data, List.of("probabilities", "ids", "encoder.weight", "empty", "codes",
                "scalar"), Map.of("format", "pt")));

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertEquals(Map.of("format", "pt"), reader.metadata());
            assertEquals(List.of("encoder.weight", "ids", "scalar", "empty", "codes", "probabilities"),
                    reader.entries().stream().map(SafetensorsEntry::name).toList(), "entries in data order");
            Map<String, Tensor> tensors = reader.readAll(device);
            try {
                assertArrayEquals(weight, tensors.get("encoder.weight").toFloatArray(), random.describe());
                assertEquals(Shape.of(3, 5), tensors.get("encoder.weight").shape());
                assertArrayEquals(ids, tensors.get("ids").toIntArray(), random.describe());
                assertEquals(Shape.scalar(), tensors.get("scalar").shape());
                assertArrayEquals(scalar, tensors.get("scalar").toFloatArray(), random.describe());
                assertEquals(Shape.of(0, 4), tensors.get("empty").shape());
                assertEquals(DType.I8, tensors.get("codes").dtype());
                assertArrayEquals(signed, tensors.get("codes").toByteArray(), random.describe());
                assertEquals(DType.U8, tensors.get("probabilities").dtype());
                assertArrayEquals(unsigned, tensors.get("probabilities").toByteArray(), random.describe());
                for (Tensor t : tensors.values()) {
                    assertEquals(t.name(), t.owner(), "a loaded tensor is owned by its name in the ledger");
                }
            } finally {
                tensors.values().forEach(Tensor::close);
            }
        }
    }

    @Test
    void halfBfloatAndDoubleLoadAsFloat32() throws IOException {
        int n = 37;
        float[] source = random.gaussian(n, 100.0);
        ByteBuffer half = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bfloat = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dbl = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        float[] halfExpected = new float[n];
        float[] bfloatExpected = new float[n];
        float[] doubleExpected = new float[n];
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
            short h = Float.floatToFloat16(source[i]);
            half.putShort(h);
            halfExpected[i] = Float.float16ToFloat(h);
            int upper = Float.floatToRawIntBits(source[i]) >>> 16;
            bfloat.putShort((short) upper);
            // a bfloat16 is the float with its low 16 mantissa bits cleared
            bfloatExpected[i] = Float.intBitsToFloat(Float.floatToRawIntBits(source[i]) & 0xFFFF0000);
            doubles[i] = random.nextDouble() * 1e6 - 5e5;
            dbl.putDouble(doubles[i]);
            doubleExpected[i] = (float) doubles[i];
        }
        // binary16 facts independent of the JDK conversion: 1, -2, the largest finite value and the smallest subnormal
        short[] known = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001};
        float[] knownValues = {1f, -2f, 65504f, (float) Math.pow(2, -24)};
        ByteBuffer knownBytes = ByteBuffer.allocate(known.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short k : known) {
            knownBytes.putShort(k);
        }
        List<Stored> data = List.of(
                new Stored("d", "F64", new int[] {n}, dbl.array()),
                new Stored("h", "F16", new int[] {n}, half.array()),
                new Stored("b", "BF16", new int[] {n}, bfloat.array()),
                new Stored("known", "F16", new int[] {known.length}, knownBytes.array()));
        Path file = folder.resolve("converted.safetensors");
        Files.write(file, handMade(data, List.of("b", "d", "h", "known"), Map.of()));

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            Map<String, Tensor> tensors = reader.readAll(device);
            try {
                assertArrayEquals(halfExpected, tensors.get("h").toFloatArray(), random.describe());
                assertArrayEquals(bfloatExpected, tensors.get("b").toFloatArray(), random.describe());
                assertArrayEquals(doubleExpected, tensors.get("d").toFloatArray(), random.describe());
                assertArrayEquals(knownValues, tensors.get("known").toFloatArray());
                assertEquals(DType.F32, tensors.get("h").dtype());
            } finally {
                tensors.values().forEach(Tensor::close);
            }
        }
    }

    @Test
    void unsupportedDtypesAreNamedWithTheFileAndTensor() throws IOException {
        for (String dtype : List.of("BOOL", "I64", "U16", "F8_E4M3", "complex")) {
            Path file = folder.resolve(dtype + ".safetensors");
            Files.write(file, handMade(List.of(new Stored("t", dtype, new int[] {2}, new byte[16])), List.of("t"),
                    Map.of()));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> SafetensorsReader.open(file).close());
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("'t'")
                    && e.getMessage().contains(dtype), e.getMessage());
        }
    }

    @Test
    void writerProducesTheExactFormat() throws IOException {
        float[] big = random.gaussian(3 * 7, 1.0);
        float[] small = random.gaussian(5, 1.0);
        byte[] codes = random.bytes(11);
        int[] ids = {(int) random.nextLong(), (int) random.nextLong(), (int) random.nextLong()};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.codes", integers(device, "z.codes", DType.I8, codes, 11));
        tensors.put("b.big", parameter(device, "b.big", big, 3, 7));
        tensors.put("ids", integers(device, "ids", DType.I32, littleEndianInts(ids), 3));
        tensors.put("a.small", parameter(device, "a.small", small, 5));
        Path file = folder.resolve("written.safetensors");
        try {
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        } finally {
            tensors.values().forEach(Tensor::close);
        }

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = bytes.getLong(0);
        assertEquals(0, (8 + n) % SafetensorsWriter.DATA_ALIGNMENT, "data starts 8-byte aligned");
        String header = new String(bytes.array(), 8, (int) n, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        assertTrue(json.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), "metadata first: " + json);
        JsonNode root = new ObjectMapper().readTree(json);
        // 4-byte elements first (by name: a.small, b.big, ids), then 1-byte ones
        List<String> order = new ArrayList<>();
        root.properties().forEach(e -> order.add(e.getKey()));
        assertEquals(List.of("__metadata__", "a.small", "b.big", "ids", "z.codes"), order);
        long dataStart = 8 + n;
        long expectedBegin = 0;
        for (String name : order.subList(1, order.size())) {
            JsonNode entry = root.get(name);
            long begin = entry.get("data_offsets").get(0).asLong();
            long end = entry.get("data_offsets").get(1).asLong();
            assertEquals(expectedBegin, begin, name + " follows the previous tensor");
            expectedBegin = end;
        }
        assertEquals(bytes.capacity() - dataStart, expectedBegin, "the data ends the file");
        assertEquals("[3,7]", root.get("b.big").get("shape").toString());
        assertEquals("F32", root.get("b.big").get("dtype").asText());
        assertEquals("I32", root.get("ids").get("dtype").asText());
        assertEquals("I8", root.get("z.codes").get("dtype").asText());
        long bigAt = dataStart + root.get("b.big").get("data_offsets").get(0).asLong();
        for (int i = 0; i < big.length; i++) {
            assertEquals(big[i], bytes.getFloat((int) (bigAt + 4L * i)), "b.big[" + i + "] " + random.describe());
        }
        long idsAt = dataStart + root.get("ids").get("data_offsets").get(0).asLong();
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], bytes.getInt((int) (idsAt + 4L * i)), "ids[" + i + "]");
        }
        long codesAt = dataStart + root.get("z.codes").get("data_offsets").get(0).asLong();
        for (int i = 0; i < codes.length; i++) {
            assertEquals(codes[i], bytes.get((int) (codesAt + i)), "z.codes[" + i + "]");
        }
    }

    @Test
    void writesNonContiguousViewsInRowMajorOrder() throws IOException {
        float[] values = random.gaussian(4 * 6, 1.0);
        Path file = folder.resolve("view.safetensors");
        try (Tensor matrix = parameter(device, "m", values, 4, 6); Tensor transposed = matrix.transpose(0, 1)) {
            SafetensorsWriter.write(file, Map.of("t", transposed), Map.of());
        }
        try (SafetensorsReader reader = SafetensorsReader.open(file); Tensor t = reader.read("t", device)) {
            assertEquals(Shape.of(6, 4), t.shape());
            float[] read = t.toFloatArray();
            for (int r = 0; r < 6; r++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(values[c * 6 + r], read[r * 4 + c], "[" + r + ", " + c + "] " + random.describe());
                }
            }
        }
    }

    @Test
    void aFailedWriteLeavesThePreviousFileAndNoPartialFile() throws IOException {
        Path file = folder.resolve("model.safetensors");
        float[] first = random.gaussian(8, 1.0);
        try (Tensor a = parameter(device, "a", first, 8)) {
            SafetensorsWriter.write(file, Map.of("a", a), Map.of());
        }
        byte[] before = Files.readAllBytes(file);

        // "a" is written first (same dtype, name order); "b" was closed, so the write fails after "a"'s bytes
        Tensor a = parameter(device, "a", random.gaussian(8, 1.0), 8);
        Tensor b = parameter(device, "b", random.gaussian(8, 1.0), 8);
        b.close();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", a);
        tensors.put("b", b);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SafetensorsWriter.write(file, tensors, Map.of()));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        } finally {
            a.close();
        }
        assertArrayEquals(before, Files.readAllBytes(file), "the previous checkpoint is untouched");
        try (Stream<Path> left = Files.list(folder)) {
            assertEquals(List.of(file), left.toList(), "no " + AtomicFile.PARTIAL_SUFFIX + " file is left behind");
        }
    }

    @Test
    void aWrittenFileGetsTheFolderDefaultPermissions() throws IOException {
        Assumptions.assumeTrue(folder.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions only");
        Path file = folder.resolve("model.safetensors");
        try (Tensor a = parameter(device, "a", random.gaussian(4, 1.0), 4)) {
            SafetensorsWriter.write(file, Map.of("a", a), Map.of());
        }
        Path plain = Files.createFile(folder.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file),
                "a checkpoint is as readable as any file the process creates (not owner-only like a temp file)");
    }

    @Test
    void i4TensorsAndTheReservedNameAreRefused() {
        try (Tensor packed = integers(device, "packed", DType.I4, random.bytes(3), 6);
             Tensor t = parameter(device, "t", random.gaussian(2, 1.0), 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SafetensorsWriter.write(folder.resolve("x.safetensors"), Map.of("packed", packed), Map.of()));
            assertTrue(e.getMessage().contains("packed") && e.getMessage().contains("I4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(
                    folder.resolve("y.safetensors"), Map.of(SafetensorsHeader.METADATA_KEY, t), Map.of()));
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        }
    }
}
