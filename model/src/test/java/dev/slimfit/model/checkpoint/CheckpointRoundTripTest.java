package dev.slimfit.model.checkpoint;

import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.RandomStream;
import dev.slimfit.engine.Tensor;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.TinyModels;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForQuestionAnswering;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.bert.BertModel;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsReader;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsWriter;
import dev.slimfit.model.vit.ViTConfig;
import dev.slimfit.model.vit.ViTForImageClassification;
import dev.slimfit.model.vit.ViTModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.slimfit.model.checkpoint.CheckpointTestSupport.assertSameBytes;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.freshDevice;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.parameter;
import static dev.slimfit.model.checkpoint.CheckpointTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Save → load of whole models (bit-exact), the base-model prefix rule in both directions, the load report, and the
 * checks that a folder's config.json and weights fit the model.
 */
class CheckpointRoundTripTest {

    private final TestRandom random = new TestRandom();
    private final CpuDevice device = freshDevice("checkpoint-round-trip");
    @TempDir
    Path folder;

    @AfterEach
    void nothingLeaks() {
        assertEquals(0, device.ledger().liveTotal(), "live bytes after the test");
    }

    @Test
    void tinyBertClassifierRoundTripsBitExactly() throws IOException {
        BertConfig config = TinyModels.bert(3, 0.1f);
        try (BertForSequenceClassification saved = new BertForSequenceClassification(device, config, 1, false);
             BertForSequenceClassification loaded = new BertForSequenceClassification(device, config, 2, false)) {
            saved.initialize(random.nextLong());
            CheckpointFolder.save(saved, folder);
            assertEquals(config, CheckpointFolder.readBertConfig(folder), "config.json round trip");

            LoadReport report = CheckpointFolder.load(loaded, folder, LoadOptions.EXACT);
            assertSameBytes(snapshot(saved), snapshot(loaded), "BERT " + random.describe());
            assertEquals(PrefixRule.AS_IS, report.rule());
            assertTrue(report.isComplete() && report.unexpected().isEmpty(), report.toString());
            assertEquals(List.copyOf(saved.namedParameters().keySet()), report.loaded());
            try (SafetensorsReader reader = SafetensorsReader.open(folder.resolve(CheckpointFolder.WEIGHTS_FILE))) {
                assertEquals(CheckpointFolder.TRANSFORMERS_METADATA, reader.metadata());
            }
        }
    }

    @Test
    void tinyViTClassifierRoundTripsBitExactly() throws IOException {
        ViTConfig config = TinyModels.vit(4, 0.0f);
        try (ViTForImageClassification saved = new ViTForImageClassification(device, config, 1, false);
             ViTForImageClassification loaded = new ViTForImageClassification(device, config, 2, false)) {
            saved.initialize(random.nextLong());
            CheckpointFolder.save(saved, folder);
            assertEquals(config, CheckpointFolder.readVitConfig(folder), "config.json round trip");
            LoadReport report = CheckpointFolder.load(loaded, folder, LoadOptions.EXACT);
            assertSameBytes(snapshot(saved), snapshot(loaded), "ViT " + random.describe());
            assertTrue(report.unexpected().isEmpty(), report.toString());
        }
    }

    @Test
    void aTaskModelLoadsABaseCheckpointAndReportsItsNewHead() throws IOException {
        BertConfig config = TinyModels.bert(2, 0.0f);
        try (BertModel base = new BertModel("", device, config, new RandomStream(1), true, false);
             BertForSequenceClassification task = new BertForSequenceClassification(device, config, 3, false)) {
            base.initialize(new SplittableRandom(random.nextLong()));
            CheckpointFolder.save(base, folder);
            LoadReport report = CheckpointFolder.load(task, folder, LoadOptions.ALLOW_MISSING);

            assertEquals(PrefixRule.ADD_PREFIX, report.rule());
            assertEquals(List.of("classifier.weight", "classifier.bias"), report.missing());
            assertTrue(report.unexpected().isEmpty(), report.toString());
            Map<String, byte[]> expected = new LinkedHashMap<>();
            snapshot(base).forEach((name, bytes) -> expected.put("bert." + name, bytes));
            Map<String, byte[]> encoder = new LinkedHashMap<>(snapshot(task));
            encoder.keySet().removeIf(name -> name.startsWith("classifier."));
            assertSameBytes(expected, encoder, "encoder of the task model " + random.describe());
            Map<String, byte[]> loaded = snapshot(task);
            task.initialize(random.nextLong());
            Map<String, byte[]> reinitialised = snapshot(task);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CheckpointFolder.load(task, folder, LoadOptions.EXACT));
            assertTrue(e.getMessage().contains("classifier.weight"), e.getMessage());
            assertSameBytes(reinitialised, snapshot(task), "an exact load that misses the head copies nothing");
            assertTrue(!Arrays.equals(loaded.get("bert.embeddings.word_embeddings.weight"),
                    reinitialised.get("bert.embeddings.word_embeddings.weight")), "the model was re-initialised");
        }
    }

    @Test
    void aBaseModelLoadsATaskCheckpointOnlyWhenItsHeadMayBeLeftOut() throws IOException {
        BertConfig config = TinyModels.bert(3, 0.0f);
        try (BertForQuestionAnswering task = new BertForQuestionAnswering(device, config, 1, false);
             BertModel base = new BertModel("", device, config, new RandomStream(2), false, false)) {
            task.initialize(random.nextLong());
            CheckpointFolder.save(task, folder);
            Map<String, byte[]> untouched = snapshot(base);

            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CheckpointFolder.load(base, folder, LoadOptions.ALLOW_MISSING));
            assertTrue(e.getMessage().contains("qa_outputs.weight") && e.getMessage().contains("model.safetensors"),
                    e.getMessage());
            assertSameBytes(untouched, snapshot(base), "a refused load changes nothing");

            LoadReport report = CheckpointFolder.load(base, folder, LoadOptions.LENIENT);
            assertEquals(PrefixRule.STRIP_PREFIX, report.rule());
            assertEquals(List.of("qa_outputs.bias", "qa_outputs.weight"), report.unexpected().stream().sorted()
                    .toList());
            assertTrue(report.isComplete(), report.toString());
            Map<String, byte[]> expected = new LinkedHashMap<>();
            snapshot(task.bert()).forEach((name, bytes) -> expected.put(name.substring("bert.".length()), bytes));
            assertSameBytes(expected, snapshot(base), "base model from the task checkpoint " + random.describe());
        }
    }

    @Test
    void aViTTaskModelLoadsABaseViTCheckpoint() throws IOException {
        ViTConfig config = TinyModels.vit(2, 0.0f);
        try (ViTModel base = new ViTModel("", device, config, new RandomStream(1), false);
             ViTForImageClassification task = new ViTForImageClassification(device, config, 2, false)) {
            base.initialize(new SplittableRandom(random.nextLong()));
            CheckpointFolder.save(base, folder);
            LoadReport report = CheckpointFolder.load(task, folder, LoadOptions.ALLOW_MISSING);
            assertEquals(PrefixRule.ADD_PREFIX, report.rule());
            assertEquals(List.of("classifier.weight", "classifier.bias"), report.missing());
            assertSameBytes(snapshot(base), renamed(snapshot(task.vit()), "vit."), "ViT encoder " + random.describe());
        }
    }

    private static Map<String, byte[]> renamed(Map<String, byte[]> prefixed, String prefix) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        prefixed.forEach((name, bytes) -> out.put(name.substring(prefix.length()), bytes));
        return out;
    }

    @Test
    void weightsThatDisagreeWithConfigJsonAreRefusedBeforeAnythingIsCopied() throws IOException {
        BertConfig small = TinyModels.bert(2, 0.0f);
        BertConfig wider = new BertConfig(small.vocabSize(), 12, small.numHiddenLayers(), small.numAttentionHeads(),
                small.intermediateSize(), "gelu", 0f, 0f, small.maxPositionEmbeddings(), small.typeVocabSize(),
                small.layerNormEps(), small.initializerRange(), 2);
        try (BertForSequenceClassification widerModel = new BertForSequenceClassification(device, wider, 1, false)) {
            widerModel.initialize(random.nextLong());
            CheckpointFolder.save(widerModel, folder);
        }
        // the folder's config.json now claims the small model, its weights are the wider one
        ConfigJson.write(folder.resolve(CheckpointFolder.CONFIG_FILE), Architecture.BERT_FOR_SEQUENCE_CLASSIFICATION,
                small);
        BertConfig claimed = CheckpointFolder.readBertConfig(folder);
        try (BertForSequenceClassification model = new BertForSequenceClassification(device, claimed, 1, false)) {
            model.initialize(random.nextLong());
            Map<String, byte[]> before = snapshot(model);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CheckpointFolder.load(model, folder, LoadOptions.ALLOW_MISSING));
            assertTrue(e.getMessage().contains(CheckpointFolder.WEIGHTS_FILE) && e.getMessage().contains("'bert.")
                    && e.getMessage().contains("expected") && e.getMessage().contains("12"), e.getMessage());
            assertSameBytes(before, snapshot(model), "nothing was copied");
        }
    }

    @Test
    void aConfigThatDoesNotDescribeTheModelIsRefused() throws IOException {
        BertConfig config = TinyModels.bert(2, 0.0f);
        try (BertForSequenceClassification model = new BertForSequenceClassification(device, config, 1, false)) {
            CheckpointFolder.save(model, folder);
            BertConfig otherVocab = new BertConfig(config.vocabSize() + 1, config.hiddenSize(),
                    config.numHiddenLayers(), config.numAttentionHeads(), config.intermediateSize(), "gelu", 0f, 0f,
                    config.maxPositionEmbeddings(), config.typeVocabSize(), config.layerNormEps(),
                    config.initializerRange(), 2);
            ConfigJson.write(folder.resolve(CheckpointFolder.CONFIG_FILE), Architecture.BERT_MODEL, otherVocab);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CheckpointFolder.load(model, folder, LoadOptions.ALLOW_MISSING));
            assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("vocab_size"),
                    e.getMessage());
        }
    }

    @Test
    void missingAndExtraTensorsAreReportedOrRefused() throws IOException {
        BertConfig config = TinyModels.bert(2, 0.0f);
        try (BertForSequenceClassification model = new BertForSequenceClassification(device, config, 1, false);
             Tensor extra = parameter(device, "bert.extra.weight", random.gaussian(3, 1.0), 3)) {
            model.initialize(random.nextLong());
            Map<String, Tensor> tensors = new HashMap<>(model.namedParameters());
            tensors.remove("bert.encoder.layer.1.output.dense.bias");
            tensors.put("bert.extra.weight", extra);
            Path file = folder.resolve("partial.safetensors");
            SafetensorsWriter.write(file, tensors, Map.of());

            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CheckpointLoader.load(model, file, LoadOptions.ALLOW_MISSING));
            assertTrue(e.getMessage().contains("bert.extra.weight"), e.getMessage());
            LoadReport report = CheckpointLoader.load(model, file, LoadOptions.LENIENT);
            assertEquals(List.of("bert.encoder.layer.1.output.dense.bias"), report.missing());
            assertEquals(List.of("bert.extra.weight"), report.unexpected());
        }
    }

    @Test
    void twoFileTensorsForOneParameterAreRefused() throws IOException {
        BertConfig config = TinyModels.bert(2, 0.0f);
        try (BertModel base = new BertModel("", device, config, new RandomStream(1), false, false)) {
            Map<String, Tensor> tensors = new HashMap<>(base.namedParameters());
            Tensor bias = base.namedParameters().get("embeddings.LayerNorm.bias");
            tensors.put("bert.embeddings.LayerNorm.bias", bias);
            Path file = folder.resolve("twice.safetensors");
            SafetensorsWriter.write(file, tensors, Map.of());
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CheckpointLoader.load(base, file, LoadOptions.LENIENT));
            assertTrue(e.getMessage().contains("embeddings.LayerNorm.bias") && e.getMessage().contains("already"),
                    e.getMessage());
        }
    }

    @Test
    void savingReplacesAnEarlierCheckpoint() throws IOException {
        BertConfig config = TinyModels.bert(2, 0.0f);
        try (BertForSequenceClassification model = new BertForSequenceClassification(device, config, 1, false);
             BertForSequenceClassification loaded = new BertForSequenceClassification(device, config, 1, false)) {
            model.initialize(random.nextLong());
            CheckpointFolder.save(model, folder);
            model.initialize(random.nextLong());
            CheckpointFolder.save(model, folder);
            CheckpointFolder.load(loaded, folder, LoadOptions.EXACT);
            assertSameBytes(snapshot(model), snapshot(loaded), "the second save " + random.describe());
            try (var files = Files.list(folder)) {
                assertEquals(2, files.count(), "only model.safetensors and config.json");
            }
        }
    }
}
