package dev.slimfit.model.checkpoint.onnx;

import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.TinyModels;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.checkpoint.CheckpointFormatException;
import dev.slimfit.model.checkpoint.LoadReport;
import dev.slimfit.model.checkpoint.PrefixRule;
import dev.slimfit.model.nn.Module;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.slimfit.model.checkpoint.CheckpointTestSupport.assertSameBytes;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.freshDevice;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX importer on exports of random tiny BERTs written in the layout of the real MiniLM export: every weight
 * comes back bit-exactly (the anonymous MatMul weights found through their biases and transposed), into a base model
 * or, with the prefix rule, a task model; the storage variants protobuf allows read the same.
 */
class BertOnnxImporterTest {

    private final TestRandom random = new TestRandom();
    private final CpuDevice device = freshDevice("onnx-import");
    private final BertConfig config = TinyModels.bert(2, 0.0f);

    @AfterEach
    void nothingLeaks() {
        assertEquals(0, device.ledger().liveTotal(), "live bytes after the test");
    }

    private BertModel randomBase() {
        BertModel model = new BertModel("", device, config, new RandomStream(1), false, false);
        model.initialize(new SplittableRandom(random.nextLong()));
        return model;
    }

    static LoadReport importBytes(Module model, byte[] onnx, String source)
            throws CheckpointFormatException {
        try (OnnxModelFile file = OnnxModelFile.of(MemorySegment.ofArray(onnx), source)) {
            return BertOnnxImporter.importInto(model, file, true);
        }
    }

    @Test
    void everyWeightOfAnExportComesBackBitExactly() throws CheckpointFormatException {
        try (BertModel exported = randomBase(); BertModel imported = randomBase()) {
            byte[] onnx = TinyBertOnnx.of(exported).toBytes();
            long allocationsBefore = device.ledger().allocations();
            LoadReport report = importBytes(imported, onnx, "tiny.onnx");
            assertEquals(allocationsBefore, device.ledger().allocations(), "the import allocates no tensor");
            assertSameBytes(snapshot(exported), snapshot(imported), random.describe());
            assertTrue(report.isComplete(), report.toString());
            assertEquals(PrefixRule.AS_IS, report.rule());
            assertEquals(List.of("embeddings.position_ids"), report.unexpected());
        }
    }

    @Test
    void aTaskModelTakesTheExportUnderItsPrefixAndReportsItsHead() throws CheckpointFormatException {
        try (BertModel exported = randomBase();
             BertForSequenceClassification task = new BertForSequenceClassification(device, config, 3, false)) {
            LoadReport report = importBytes(task, TinyBertOnnx.of(exported).toBytes(), "tiny.onnx");
            assertEquals(PrefixRule.ADD_PREFIX, report.rule());
            assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight",
                    "classifier.bias"), report.missing());
            Map<String, byte[]> encoder = new LinkedHashMap<>();
            snapshot(task).forEach((name, bytes) -> {
                if (!name.startsWith("classifier.") && !name.startsWith("bert.pooler.")) {
                    encoder.put(name.substring("bert.".length()), bytes);
                }
            });
            assertSameBytes(snapshot(exported), encoder, random.describe());
        }
    }

    @Test
    void floatDataAndUnpackedDimsReadLikeRawData() throws CheckpointFormatException {
        try (BertModel exported = randomBase(); BertModel imported = randomBase()) {
            TinyBertOnnx onnx = TinyBertOnnx.of(exported);
            for (TinyBertOnnx.Init init : onnx.initializers) {
                init.asFloatData = init.dataType == OnnxDataType.FLOAT.code() && random.nextInt(2) == 0;
                init.packedDims = random.nextInt(2) == 0;
            }
            importBytes(imported, onnx.toBytes(), "variants.onnx").requireComplete();
            assertSameBytes(snapshot(exported), snapshot(imported), random.describe());
        }
    }

    @Test
    void theGraphIsReadAsWritten() throws CheckpointFormatException {
        try (BertModel exported = randomBase()) {
            TinyBertOnnx onnx = TinyBertOnnx.of(exported);
            try (OnnxModelFile file = OnnxModelFile.of(MemorySegment.ofArray(onnx.toBytes()), "graph.onnx")) {
                OnnxGraph graph = file.graph();
                assertEquals(6, graph.irVersion());
                assertEquals(11, graph.opsetVersion());
                assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), graph.inputs());
                assertEquals(List.of("last_hidden_state"), graph.outputs());
                assertEquals(onnx.nodes.size(), graph.nodes().size());
                for (int i = 0; i < onnx.nodes.size(); i++) {
                    assertEquals(onnx.nodes.get(i).opType(), graph.nodes().get(i).opType());
                    assertEquals(onnx.nodes.get(i).inputs(), graph.nodes().get(i).inputs());
                    assertEquals(onnx.nodes.get(i).outputs(), graph.nodes().get(i).outputs());
                }
                assertEquals(onnx.initializers.stream().map(i -> i.name).toList(),
                        List.copyOf(graph.initializers().keySet()));
                TinyBertOnnx.Init ids = onnx.initializer("embeddings.position_ids");
                OnnxInitializer parsed = graph.initializers().get("embeddings.position_ids");
                assertEquals(OnnxDataType.INT64.code(), parsed.dataType());
                assertEquals(MemorySegment.ofArray(ids.data).byteSize(), file.data(parsed).byteSize());
                assertEquals(-1, MemorySegment.ofArray(ids.data).mismatch(file.data(parsed)), "data view");
            }
        }
    }

    @Test
    void twoMatMulsOntoOneBiasAreRefused() {
        try (BertModel exported = randomBase(); BertModel imported = randomBase()) {
            TinyBertOnnx onnx = TinyBertOnnx.of(exported);
            String bias = "encoder.layer.0.attention.self.query.bias";
            TinyBertOnnx.Init stray = new TinyBertOnnx.Init("onnx::MatMul_9999", OnnxDataType.FLOAT.code(),
                    onnx.matmulWeightFor(bias).dims.clone(), onnx.matmulWeightFor(bias).data.clone());
            onnx.initializers.add(stray);
            onnx.nodes.add(new TinyBertOnnx.Node("MatMul", List.of("x", stray.name), List.of("/stray/MatMul")));
            onnx.nodes.add(new TinyBertOnnx.Node("Add", List.of(bias, "/stray/MatMul"), List.of("/stray/Add")));
            Map<String, byte[]> before = snapshot(imported);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> importBytes(imported, onnx.toBytes(), "stray.onnx"));
            assertTrue(e.getMessage().startsWith("stray.onnx") && e.getMessage().contains("query.weight"),
                    e.getMessage());
            assertSameBytes(before, snapshot(imported), "a refused import changes nothing");
        }
    }
}
