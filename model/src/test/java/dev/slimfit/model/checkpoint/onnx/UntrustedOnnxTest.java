package dev.slimfit.model.checkpoint.onnx;

import com.sun.management.ThreadMXBean;
import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.TinyModels;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.checkpoint.UntrustedFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static dev.slimfit.model.checkpoint.CheckpointTestSupport.assertSameBytes;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.freshDevice;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.snapshot;
import static dev.slimfit.model.checkpoint.UntrustedFiles.assertNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corrupt ONNX files: a tiny BERT export in the MiniLM layout mutated at the protobuf level (truncations, flipped
 * bytes, lengths and dims far beyond the file, negative dims, too many dims, duplicate names, wrong data types,
 * external data, dims that disagree with the data or with the model, a missing bias) and the real MiniLM file
 * truncated and flipped. Each import must succeed with every parameter accounted for, or be refused with the file
 * (and, where targeted, the initializer) named, within the bounds of {@link UntrustedFiles}; a refused import
 * changes no weight, and no import allocates device memory.
 */
class UntrustedOnnxTest {

    private static final String SOURCE = "tiny-bert.onnx";
    private static final String BIAS = "encoder.layer.1.intermediate.dense.bias";

    private final TestRandom random = new TestRandom();
    private final CpuDevice device = freshDevice("untrusted-onnx");
    private final BertConfig config = TinyModels.bert(2, 0.0f);
    private BertModel exported;
    private BertModel target;
    private int cases;
    private int refused;

    @BeforeEach
    void export() {
        exported = new BertModel("", device, config, new RandomStream(1), false, false);
        exported.initialize(new SplittableRandom(random.nextLong()));
        target = new BertModel("", device, config, new RandomStream(2), false, false);
        target.initialize(new SplittableRandom(random.nextLong()));
    }

    @AfterEach
    void close() {
        exported.close();
        target.close();
        assertEquals(0, device.ledger().liveTotal(), "live bytes after the test");
        System.out.println(getClass().getSimpleName() + ": " + cases + " files, " + refused + " refused");
    }

    private UntrustedFiles.Outcome check(String caseName, byte[] file) {
        String name = caseName + " (" + random.describe() + ")";
        Map<String, byte[]> before = snapshot(target);
        long allocations = device.ledger().allocations();
        UntrustedFiles.Outcome outcome = UntrustedFiles.attempt(name, SOURCE, file.length, () -> {
            try (OnnxModelFile onnx = OnnxModelFile.of(MemorySegment.ofArray(file), SOURCE)) {
                BertOnnxImporter.importInto(target, onnx, false);
            }
        });
        assertEquals(allocations, device.ledger().allocations(), name + ": an import allocates nothing");
        if (!outcome.loaded()) {
            assertSameBytes(before, snapshot(target), name + ": a refused import changes no weight");
        }
        cases++;
        refused += outcome.loaded() ? 0 : 1;
        return outcome;
    }

    private byte[] mutated(Consumer<TinyBertOnnx> edit) {
        TinyBertOnnx onnx = TinyBertOnnx.of(exported);
        edit.accept(onnx);
        return onnx.toBytes();
    }

    @Test
    void theValidExportImports() {
        assertTrue(check("unchanged", mutated(o -> { })).loaded());
        assertSameBytes(snapshot(exported), snapshot(target), random.describe());
    }

    @Test
    void truncationsAndFlippedBytesImportOrAreRefused() {
        byte[] valid = mutated(o -> { });
        TreeSet<Integer> points = new TreeSet<>();
        for (int i = 0; i <= 16; i++) {
            points.add(i);
        }
        for (int i = 1; i < 96; i++) {
            points.add((int) ((long) valid.length * i / 96));
        }
        points.add(valid.length - 1);
        for (int length : points) {
            check("truncated to " + length + " bytes", Arrays.copyOf(valid, length));
        }
        for (int i = 0; i < 200; i++) {
            byte[] file = valid.clone();
            int position = random.nextInt(file.length);
            file[position] ^= (byte) (1 + random.nextInt(255));
            check("byte " + position + " flipped", file);
        }
    }

    @Test
    void lengthsAndDimsBeyondTheFileAreRefused() {
        for (long declared : new long[] {1L << 31, (1L << 31) - 1, 1L << 40, -1L}) {
            UntrustedFiles.Outcome o = check("raw_data length " + Long.toUnsignedString(declared),
                    mutated(x -> x.matmulWeightFor(BIAS).declaredLength = declared));
            assertTrue(!o.loaded(), "raw_data length " + Long.toUnsignedString(declared) + " must be refused");
        }
        assertNames("huge dims", check("huge dims", mutated(x -> x.matmulWeightFor(BIAS).dims =
                new long[] {1L << 40, 1L << 40})), "onnx::MatMul_");
        assertNames("overflowing dims", check("overflowing dims", mutated(x -> x.matmulWeightFor(BIAS).dims =
                new long[] {1L << 32, 1L << 32, 1L << 32})), "onnx::MatMul_");
        assertNames("negative dim", check("negative dim", mutated(x -> x.initializer(BIAS).dims =
                new long[] {-config.intermediateSize()})), BIAS);
        assertNames("too many dims", check("too many dims", mutated(x -> {
            long[] dims = new long[OnnxModelReader.MAX_RANK + 1];
            Arrays.fill(dims, 1);
            x.initializer(BIAS).dims = dims;
        })), BIAS);
        assertNames("dims disagree with the data", check("dims disagree with the data", mutated(x ->
                x.initializer(BIAS).dims = new long[] {config.intermediateSize() + 1})), BIAS);
    }

    @Test
    void initializersTheModelCannotTakeAreRefused() {
        assertNames("wrong data type", check("wrong data type", mutated(x ->
                x.initializer(BIAS).dataType = OnnxDataType.INT32.code())), BIAS);
        assertNames("external data", check("external data", mutated(x -> x.initializer(BIAS).external = true)), BIAS);
        assertNames("duplicate name", check("duplicate name", mutated(x -> x.initializers.add(x.initializer(BIAS)))),
                BIAS);
        // the intermediate weight stored as [out, in] instead of [in, out]
        assertNames("weight not transposed", check("weight not transposed", mutated(x -> {
            TinyBertOnnx.Init w = x.matmulWeightFor(BIAS);
            w.dims = new long[] {w.dims[1], w.dims[0]};
        })), "expected");
        // without its bias, neither the bias nor its MatMul weight can be named
        UntrustedFiles.Outcome missing = check("bias missing", mutated(x -> x.initializers.remove(x.initializer(BIAS))));
        assertNames("bias missing", missing, BIAS);
        assertNames("bias missing", missing, "encoder.layer.1.intermediate.dense.weight");
        UntrustedFiles.Outcome extra = check("an extra initializer", mutated(x -> x.initializers.add(
                new TinyBertOnnx.Init("something.else", OnnxDataType.FLOAT.code(), new long[] {2}, new byte[8]))));
        assertTrue(extra.loaded(), "initializers that are not weights are reported, not refused");
        assertTrue(!check("no graph", new byte[] {0x08, 0x06}).loaded(), "a model without a graph is refused");
    }

    /**
     * Heap that parsing the intact MiniLM file may take: its structure (637 nodes, 102 initializer headers) needs well
     * under 1 MiB; a copy of the 90 MB file (what protobuf's ByteBuffer decoder falls back to without Unsafe) would
     * not fit.
     */
    private static final long STRUCTURE_HEAP_BOUND = 8L << 20;

    @Test
    void theRealFileParsesWithoutCopyingItsData() throws IOException {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = readAsset(arena);
            long before = threads.getCurrentThreadAllocatedBytes();
            try (OnnxModelFile onnx = OnnxModelFile.of(file, SOURCE)) {
                long heap = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(heap < STRUCTURE_HEAP_BOUND, "parsing allocated " + heap + " heap bytes for a file of "
                        + file.byteSize());
                assertEquals(102, onnx.graph().initializers().size());
            }
        }
    }

    /** Truncations and flips of the real 90 MB file, in memory, imported into a model of MiniLM's shape. */
    @Test
    void theRealMiniLmFileTruncatedOrFlipped() throws IOException {
        // shared: the attempts run on the time-bound thread
        try (Arena arena = Arena.ofShared();
             BertModel miniLm = new BertModel("", device, MiniLmOnnxImporter.config(), new RandomStream(0),
                     MiniLmOnnxImporter.HAS_POOLER, false)) {
            MemorySegment file = readAsset(arena);
            long size = file.byteSize();
            checksum = checksum(miniLm);
            List<Long> cuts = new ArrayList<>();
            for (int i = 1; i < 24; i++) {
                cuts.add(size * i / 24 + random.nextInt(1024));
            }
            cuts.addAll(List.of(1L, 16L, 1000L, size - 1));
            for (long cut : cuts) {
                realCase("real file truncated to " + cut, file.asSlice(0, cut), miniLm);
            }
            for (int i = 0; i < 24; i++) {
                // the structure (nodes, names, lengths) is in the first few hundred KiB and around each initializer
                long position = i % 2 == 0 ? random.nextInt(1 << 18) : (long) (random.nextDouble() * size);
                byte original = file.get(ValueLayout.JAVA_BYTE, position);
                file.set(ValueLayout.JAVA_BYTE, position, (byte) (original ^ (1 + random.nextInt(255))));
                try {
                    realCase("real file, byte " + position + " flipped", file, miniLm);
                } finally {
                    file.set(ValueLayout.JAVA_BYTE, position, original);
                }
            }
        }
    }

    /** Checksum of the MiniLM-shaped model's weights after the last import that went through. */
    private long checksum;

    private void realCase(String caseName, MemorySegment bytes, BertModel miniLm) {
        String name = caseName + " (" + random.describe() + ")";
        long allocations = device.ledger().allocations();
        // the heap bound scales with the file: the real file parses with far less than its multiple
        UntrustedFiles.Outcome outcome = UntrustedFiles.attempt(name, SOURCE, bytes.byteSize(), () -> {
            try (OnnxModelFile onnx = OnnxModelFile.of(bytes, SOURCE)) {
                BertOnnxImporter.importInto(miniLm, onnx, false);
            }
        });
        assertEquals(allocations, device.ledger().allocations(), name + ": an import allocates nothing");
        if (outcome.loaded()) {
            checksum = checksum(miniLm);
        } else {
            assertEquals(checksum, checksum(miniLm), name + ": a refused import changes no weight");
        }
        cases++;
        refused += outcome.loaded() ? 0 : 1;
    }

    private static MemorySegment readAsset(Arena arena) throws IOException {
        try (InputStream in = MiniLmAssets.openOnnx()) {
            byte[] bytes = in.readAllBytes();
            MemorySegment copy = arena.allocate(bytes.length);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, copy, 0, bytes.length);
            return copy;
        }
    }

    private static long checksum(BertModel model) {
        CRC32 crc = new CRC32();
        for (Tensor t : model.parameters()) {
            crc.update(t.segment().asByteBuffer());
        }
        return crc.getValue();
    }
}
