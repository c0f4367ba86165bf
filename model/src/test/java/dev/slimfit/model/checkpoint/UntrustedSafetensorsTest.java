package dev.slimfit.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.TinyModels;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;

import static dev.slimfit.model.checkpoint.CheckpointTestSupport.assertSameBytes;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.freshDevice;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.snapshot;
import static dev.slimfit.model.checkpoint.UntrustedFiles.assertNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutations of a valid checkpoint folder (a tiny BERT classifier saved with its config.json): truncations, flipped
 * bytes, absurd header lengths, and targeted header edits (offsets out of range, overlapping or reordered, huge or
 * negative dims, dtypes and shapes that disagree with the byte count or with config.json, missing and extra tensors,
 * malformed JSON). Each is loaded two ways, into the model through {@link CheckpointFolder} and as new tensors
 * through {@link SafetensorsReader#readAll}, and each must load correctly or be refused with a message naming the
 * file (and, for targeted edits, the tensor or field), within the time and heap bounds of {@link UntrustedFiles}.
 * A refused load leaves the model's weights untouched; no load into the model allocates device memory; reading new
 * tensors never allocates more device memory than the file holds, and frees it all on failure.
 */
class UntrustedSafetensorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A 2-D weight and two same-size biases of the tiny BERT, the targets of the header edits. */
    private static final String WEIGHT = "bert.encoder.layer.0.intermediate.dense.weight";
    private static final String BIAS_A = "bert.encoder.layer.0.attention.self.query.bias";
    private static final String BIAS_B = "bert.encoder.layer.0.attention.self.key.bias";

    private final TestRandom random = new TestRandom();
    private final CpuDevice device = freshDevice("untrusted-safetensors");
    private final BertConfig config = TinyModels.bert(2, 0.0f);
    @TempDir
    Path folder;

    private BertForSequenceClassification saved;
    private BertForSequenceClassification target;
    private byte[] valid;
    private ObjectNode header;
    private byte[] data;
    private Path weights;
    private int cases;
    private int refused;
    private long mostHeap;

    @BeforeEach
    void saveAValidCheckpoint() throws IOException {
        saved = new BertForSequenceClassification(device, config, 1, false);
        saved.initialize(random.nextLong());
        CheckpointFolder.save(saved, folder);
        weights = folder.resolve(CheckpointFolder.WEIGHTS_FILE);
        valid = Files.readAllBytes(weights);
        long headerLength = ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        header = (ObjectNode) JSON.readTree(new String(valid, 8, (int) headerLength, StandardCharsets.UTF_8));
        data = Arrays.copyOfRange(valid, 8 + (int) headerLength, valid.length);
        target = new BertForSequenceClassification(device, config, 2, false);
        target.initialize(random.nextLong());
    }

    @AfterEach
    void closeModels() {
        target.close();
        saved.close();
        assertEquals(0, device.ledger().liveTotal(), "live bytes after the test");
    }

    // ---------------------------------------------------------------- the two loads and their checks

    /** Both loads of one mutated file; returns the outcome of the load into the model. */
    private UntrustedFiles.Outcome check(String caseName, byte[] file) throws IOException {
        cases++;
        Files.write(weights, file);
        String source = weights.toString();
        String name = caseName + " (" + random.describe() + ")";

        Map<String, byte[]> before = snapshot(target);
        long allocations = device.ledger().allocations();
        UntrustedFiles.Outcome intoModel = UntrustedFiles.attempt(name, source, file.length,
                () -> CheckpointFolder.load(target, folder, LoadOptions.ALLOW_MISSING));
        assertEquals(allocations, device.ledger().allocations(), name + ": loading into the model allocates nothing");
        refused += intoModel.loaded() ? 0 : 1;
        mostHeap = Math.max(mostHeap, intoModel.heapBytes());
        if (!intoModel.loaded()) {
            assertSameBytes(before, snapshot(target), name + ": a refused load changes no weight");
        }

        CpuDevice scratch = freshDevice("untrusted-read");
        UntrustedFiles.attempt(name + " (readAll)", source, file.length, () -> {
            try (SafetensorsReader reader = SafetensorsReader.open(weights)) {
                Map<String, Tensor> all = reader.readAll(scratch);
                all.values().forEach(Tensor::close);
            }
        });
        assertEquals(0, scratch.ledger().liveTotal(), name + ": reading frees everything it allocated");
        assertTrue(scratch.ledger().peakTotal() <= file.length, name + ": read " + scratch.ledger().peakTotal()
                + " bytes of tensors from a file of " + file.length);
        return intoModel;
    }

    private void assertRefused(String caseName, byte[] file, String subject) throws IOException {
        assertNames(caseName, check(caseName, file), subject);
    }

    // ---------------------------------------------------------------- building mutated files

    /** The original data under a header edited by {@code edit} (re-serialised, re-padded, new length). */
    private byte[] withHeader(Consumer<ObjectNode> edit) {
        ObjectNode copy = header.deepCopy();
        edit.accept(copy);
        return assemble(copy.toString().getBytes(StandardCharsets.UTF_8), data);
    }

    private byte[] withHeaderText(String text) {
        return assemble(text.getBytes(StandardCharsets.UTF_8), data);
    }

    private static byte[] assemble(byte[] json, byte[] payload) {
        int padding = (8 - (8 + json.length) % 8) % 8;
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + padding + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length + padding).put(json);
        for (int i = 0; i < padding; i++) {
            file.put((byte) ' ');
        }
        return file.put(payload).array();
    }

    private ObjectNode entry(ObjectNode root, String name) {
        return (ObjectNode) root.get(name);
    }

    private long[] offsets(String name) {
        JsonNode o = header.get(name).get("data_offsets");
        return new long[] {o.get(0).asLong(), o.get(1).asLong()};
    }

    private static void setOffsets(ObjectNode entry, long begin, long end) {
        entry.putArray("data_offsets").add(begin).add(end);
    }

    /** A valid, compact file of the given tensors (data in the given order, header by name): a rebuilt checkpoint. */
    private byte[] rebuilt(List<String> dataOrder, Map<String, byte[]> extraData, Map<String, ObjectNode> extraEntries) {
        ObjectNode root = JSON.createObjectNode();
        root.set("__metadata__", header.get("__metadata__"));
        ByteBuffer payload = ByteBuffer.allocate(data.length + extraData.values().stream().mapToInt(b -> b.length).sum());
        long at = 0;
        for (String name : dataOrder) {
            byte[] bytes = extraData.containsKey(name) ? extraData.get(name) : tensorBytes(name);
            ObjectNode e = extraEntries.containsKey(name) ? extraEntries.get(name).deepCopy() : entry(header, name)
                    .deepCopy();
            setOffsets(e, at, at + bytes.length);
            root.set(name, e);
            payload.put(bytes);
            at += bytes.length;
        }
        return assemble(root.toString().getBytes(StandardCharsets.UTF_8), Arrays.copyOf(payload.array(), (int) at));
    }

    private byte[] tensorBytes(String name) {
        long[] o = offsets(name);
        return Arrays.copyOfRange(data, (int) o[0], (int) o[1]);
    }

    private List<String> tensorNames() {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
            String n = it.next();
            if (!n.equals("__metadata__")) {
                names.add(n);
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- the cases

    @Test
    void theValidFileLoadsBitExactly() throws IOException {
        assertTrue(check("unchanged", valid).loaded());
        assertSameBytes(snapshot(saved), snapshot(target), random.describe());
    }

    @Test
    void truncationsAreRefused() throws IOException {
        int dataStart = valid.length - data.length;
        TreeSet<Integer> points = new TreeSet<>();
        for (int i = 0; i <= 16; i++) {
            points.add(i);
        }
        for (int i = 1; i < 64; i++) {
            points.add((int) ((long) valid.length * i / 64));
        }
        points.addAll(List.of(dataStart - 1, dataStart, dataStart + 1, valid.length - 1));
        for (int length : points) {
            assertTrue(length < valid.length);
            UntrustedFiles.Outcome outcome = check("truncated to " + length + " bytes", Arrays.copyOf(valid, length));
            assertTrue(!outcome.loaded(), "truncated to " + length + " bytes must be refused");
        }
    }

    @Test
    void flippedBytesLoadOrAreRefused() throws IOException {
        int dataStart = valid.length - data.length;
        for (int i = 0; i < 120; i++) {
            // two thirds in the length and header, where a flip changes the structure, the rest in the data
            int position = i % 3 == 2 ? dataStart + random.nextInt(data.length) : random.nextInt(dataStart);
            byte[] file = valid.clone();
            file[position] ^= (byte) (1 + random.nextInt(255));
            check("byte " + position + " flipped", file);
        }
    }

    @Test
    void absurdHeaderLengthsAreRefusedWithoutAllocating() throws IOException {
        long headerLength = valid.length - data.length - 8;
        long[] lengths = {0, 1, 7, headerLength - 1, headerLength + 1, valid.length - 8, valid.length,
            1L << 31, 1L << 40, Long.MAX_VALUE, -1L, Long.MIN_VALUE};
        for (long length : lengths) {
            byte[] file = valid.clone();
            ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
            UntrustedFiles.Outcome outcome = check("header length " + Long.toUnsignedString(length), file);
            assertTrue(!outcome.loaded(), "header length " + Long.toUnsignedString(length) + " must be refused");
        }
    }

    @Test
    void offsetsOutOfRangeOverlappingOrReversedAreRefused() throws IOException {
        long[] w = offsets(WEIGHT);
        assertRefused("end past the data", withHeader(h -> setOffsets(entry(h, WEIGHT), w[0], data.length + 4L)),
                WEIGHT);
        assertRefused("begin after end", withHeader(h -> setOffsets(entry(h, WEIGHT), w[1], w[0])), WEIGHT);
        assertRefused("offsets beyond 2^63", withHeader(h -> entry(h, WEIGHT).putArray("data_offsets")
                .add(BigInteger.ZERO).add(new BigInteger("18446744073709551615"))), WEIGHT);
        assertRefused("negative offset", withHeader(h -> setOffsets(entry(h, WEIGHT), -4, w[1] - w[0] - 4)),
                WEIGHT);
        assertRefused("three offsets", withHeader(h -> entry(h, WEIGHT).putArray("data_offsets").add(w[0]).add(w[1])
                .add(w[1])), WEIGHT);
        assertRefused("offsets missing", withHeader(h -> entry(h, WEIGHT).remove("data_offsets")), WEIGHT);
        // shifted onto its neighbour: one range overlaps another and a gap opens elsewhere
        assertRefused("overlapping ranges", withHeader(h -> setOffsets(entry(h, WEIGHT), w[0] - 4, w[1] - 4)),
                "overlap");
        long[] a = offsets(BIAS_A);
        assertRefused("two ranges swapped, sizes differ", withHeader(h -> {
            setOffsets(entry(h, WEIGHT), a[0], a[1]);
            setOffsets(entry(h, BIAS_A), w[0], w[1]);
        }), "'");
    }

    @Test
    void rangesOutOfOrderLoadWhereTheyPoint() throws IOException {
        long[] a = offsets(BIAS_A);
        long[] b = offsets(BIAS_B);
        // two same-size ranges swapped: a valid file whose header points each bias at the other's bytes
        UntrustedFiles.Outcome swapped = check("same-size ranges swapped", withHeader(h -> {
            setOffsets(entry(h, BIAS_A), b[0], b[1]);
            setOffsets(entry(h, BIAS_B), a[0], a[1]);
        }));
        assertTrue(swapped.loaded());
        assertEquals(Arrays.toString(saved.namedParameters().get(BIAS_B).toFloatArray()),
                Arrays.toString(target.namedParameters().get(BIAS_A).toFloatArray()), random.describe());

        // the data in a random order, each entry pointing at its bytes: the same model
        List<String> order = new ArrayList<>(tensorNames());
        Collections.shuffle(order, new Random(random.nextLong()));
        assertTrue(check("data shuffled", rebuilt(order, Map.of(), Map.of())).loaded());
        assertSameBytes(snapshot(saved), snapshot(target), random.describe());
    }

    @Test
    void dimsThatCannotBeOrDisagreeWithTheBytesAreRefused() throws IOException {
        assertRefused("huge dims", withHeader(h -> entry(h, WEIGHT).putArray("shape").add(Integer.MAX_VALUE)
                .add(Integer.MAX_VALUE).add(Integer.MAX_VALUE)), WEIGHT);
        assertRefused("dims beyond int", withHeader(h -> entry(h, WEIGHT).putArray("shape").add(1L << 40).add(1)),
                WEIGHT);
        assertRefused("dims one too many", withHeader(h -> entry(h, WEIGHT).putArray("shape")
                .add(config.intermediateSize()).add(config.hiddenSize() + 1)), WEIGHT);
        assertRefused("negative dims", withHeader(h -> entry(h, WEIGHT).putArray("shape")
                .add(-config.intermediateSize()).add(-config.hiddenSize())), WEIGHT);
        assertRefused("fractional dim", withHeader(h -> entry(h, WEIGHT).putArray("shape").add(12.5).add(8)), WEIGHT);
        assertRefused("dim as string", withHeader(h -> entry(h, WEIGHT).putArray("shape").add("12").add(8)), WEIGHT);
        assertRefused("shape not an array", withHeader(h -> entry(h, WEIGHT).put("shape", 96)), WEIGHT);
        assertRefused("entry not an object", withHeader(h -> h.put(WEIGHT, 5)), WEIGHT);
    }

    @Test
    void dtypesThatDisagreeOrAreUnknownAreRefused() throws IOException {
        assertRefused("F16 for F32 bytes", withHeader(h -> entry(h, WEIGHT).put("dtype", "F16")), WEIGHT);
        assertRefused("F64 for F32 bytes", withHeader(h -> entry(h, WEIGHT).put("dtype", "F64")), WEIGHT);
        assertRefused("unsupported dtype", withHeader(h -> entry(h, WEIGHT).put("dtype", "F8_E4M3")), "F8_E4M3");
        assertRefused("dtype as number", withHeader(h -> entry(h, WEIGHT).put("dtype", 7)), WEIGHT);
        assertRefused("dtype missing", withHeader(h -> entry(h, WEIGHT).remove("dtype")), WEIGHT);
        // same byte count, so the file itself is consistent; the model's F32 parameter cannot take it
        assertRefused("I32 into an F32 parameter", withHeader(h -> entry(h, WEIGHT).put("dtype", "I32")), WEIGHT);
    }

    @Test
    void shapesThatDisagreeWithConfigJsonAreRefused() throws IOException {
        // the transpose has the same bytes, so only the model (built from config.json) can tell
        UntrustedFiles.Outcome outcome = check("transposed weight", withHeader(h -> entry(h, WEIGHT).putArray("shape")
                .add(config.hiddenSize()).add(config.intermediateSize())));
        assertNames("transposed weight", outcome, WEIGHT);
        assertNames("transposed weight", outcome, "expected");
    }

    @Test
    void missingAndExtraTensorsAreReportedOrRefused() throws IOException {
        List<String> without = new ArrayList<>(tensorNames());
        without.remove(WEIGHT);
        assertTrue(check("a tensor left out", rebuilt(without, Map.of(), Map.of())).loaded(), "missing is reported");
        assertEquals(List.of(WEIGHT), CheckpointFolder.load(target, folder, LoadOptions.ALLOW_MISSING).missing());

        assertRefused("entry removed, its bytes left", withHeader(h -> h.remove(WEIGHT)), "gap");

        List<String> with = new ArrayList<>(tensorNames());
        with.add("bert.extra.weight");
        ObjectNode extra = JSON.createObjectNode().put("dtype", "F32");
        extra.putArray("shape").add(3);
        assertRefused("an extra tensor", rebuilt(with, Map.of("bert.extra.weight", new byte[12]),
                Map.of("bert.extra.weight", extra)), "bert.extra.weight");
        assertEquals(List.of("bert.extra.weight"), CheckpointFolder.load(target, folder, LoadOptions.LENIENT).unexpected());
    }

    @Test
    void malformedJsonIsRefused() throws IOException {
        String json = header.toString();
        assertRefused("JSON cut in half", withHeaderText(json.substring(0, json.length() / 2)), "JSON");
        assertRefused("trailing garbage", withHeaderText(json + " x"), "JSON");
        assertRefused("duplicate key", withHeaderText(json.substring(0, json.length() - 1) + ",\"" + WEIGHT + "\":"
                + header.get(WEIGHT) + "}"), WEIGHT);
        assertRefused("array at the root", withHeaderText("[" + json + "]"), "header");
        assertRefused("empty header", withHeaderText(""), "header");
        assertRefused("no tensors but data", withHeaderText("{}"), "belong to no tensor");
        assertRefused("deep nesting", withHeaderText("{\"__metadata__\":" + "[".repeat(100_000)
                + "]".repeat(100_000) + "}"), "JSON");
        assertRefused("metadata not strings", withHeader(h -> ((ObjectNode) h.get("__metadata__")).put("format", 1)),
                "__metadata__");
        assertRefused("metadata an array", withHeader(h -> h.putArray("__metadata__")), "__metadata__");
        byte[] invalidUtf8 = withHeaderText(json);
        int quote = 8 + json.indexOf(WEIGHT);
        invalidUtf8[quote] = (byte) 0xFF;
        assertRefused("invalid UTF-8 in a name", invalidUtf8, "JSON");
    }

    @AfterEach
    void countCases() {
        System.out.println(getClass().getSimpleName() + ": " + cases + " files, " + refused + " refused, at most "
                + mostHeap + " heap bytes for a file of " + valid.length);
    }
}
