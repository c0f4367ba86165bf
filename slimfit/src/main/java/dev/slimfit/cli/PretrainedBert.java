package dev.slimfit.cli;

import dev.slimfit.engine.Device;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForQuestionAnswering;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.model.checkpoint.CheckpointFolder;
import dev.slimfit.model.checkpoint.LoadOptions;
import dev.slimfit.model.checkpoint.LoadReport;
import dev.slimfit.model.checkpoint.onnx.MiniLmOnnxImporter;
import dev.slimfit.model.nn.Module;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --model} option: {@code minilm} (the real pretrained all-MiniLM-L6-v2 shipped in a Maven jar) or a
 * Hugging Face checkpoint folder (config.json, model.safetensors, tokenizer.json or vocab.txt). A classification
 * model is built with a random head, the pretrained weights are loaded, and the parameters the checkpoint did not
 * provide are reported (they start random).
 */
public final class PretrainedBert {

    /** A model with pretrained weights, its tokenizer, what the checkpoint did not provide, and where it came from. */
    public record Loaded<M extends Module>(M model, WordPieceTokenizer tokenizer, List<String> notLoaded,
                                           String description) {
    }

    /** Builds the (randomly initialised) model for a checkpoint's configuration. */
    @FunctionalInterface
    private interface Builder<M extends Module> {
        M build(BertConfig config);
    }

    private PretrainedBert() {
    }

    /** A sequence classifier with {@code numLabels} labels (random head, and random pooler for MiniLM). */
    public static Loaded<BertForSequenceClassification> classifier(String spec, Device device, int numLabels, long seed,
                                                                   boolean attentionDropoutOnValues)
            throws IOException {
        return load(spec, seed, config -> new BertForSequenceClassification(device, config.withNumLabels(numLabels),
                seed, attentionDropoutOnValues), BertForSequenceClassification::initialize);
    }

    /** A question-answering model (random qa_outputs head). */
    public static Loaded<BertForQuestionAnswering> questionAnswering(String spec, Device device, long seed,
                                                                     boolean attentionDropoutOnValues)
            throws IOException {
        return load(spec, seed, config -> new BertForQuestionAnswering(device, config, seed,
                attentionDropoutOnValues), BertForQuestionAnswering::initialize);
    }

    private static <M extends Module> Loaded<M> load(String spec, long seed, Builder<M> builder,
                                                     java.util.function.ObjLongConsumer<M> initialize)
            throws IOException {
        boolean builtIn = spec.equals("minilm");
        Path folder = builtIn ? null : Path.of(spec);
        if (!builtIn && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--model: '" + spec + "' is neither 'minilm' nor a checkpoint folder");
        }
        M model = builder.build(builtIn ? MiniLmOnnxImporter.config() : CheckpointFolder.readBertConfig(folder));
        try {
            // random values first, for whatever the checkpoint does not provide (the task head)
            initialize.accept(model, seed);
            if (builtIn) {
                LoadReport report = MiniLmOnnxImporter.importInto(model, true);
                return new Loaded<>(model, MiniLmAssets.tokenizer(), report.missing(),
                        "all-MiniLM-L6-v2 (pretrained, " + MiniLmAssets.MAVEN_ARTIFACT + ")");
            }
            LoadReport report = CheckpointFolder.load(model, folder, LoadOptions.ALLOW_MISSING);
            return new Loaded<>(model, tokenizer(folder), report.missing(), "checkpoint " + folder);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Copies the tokenizer file of {@code spec} into {@code folder}, so a saved fine-tuned model is self-contained. */
    public static void copyTokenizer(String spec, Path folder) throws IOException {
        Files.createDirectories(folder);
        if (spec.equals("minilm")) {
            try (java.io.InputStream in = MiniLmAssets.openTokenizerJson()) {
                Files.copy(in, folder.resolve("tokenizer.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        for (String name : new String[] {"tokenizer.json", "vocab.txt"}) {
            Path source = Path.of(spec).resolve(name);
            if (Files.isRegularFile(source)) {
                Files.copy(source, folder.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return;
            }
        }
    }

    private static WordPieceTokenizer tokenizer(Path folder) throws IOException {
        Path json = folder.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            return WordPieceTokenizer.fromTokenizerJson(json);
        }
        Path vocab = folder.resolve("vocab.txt");
        if (Files.isRegularFile(vocab)) {
            return WordPieceTokenizer.fromVocabTxt(vocab, dev.slimfit.model.tokenizer.BertVocabOptions.uncased());
        }
        throw new IllegalArgumentException("checkpoint folder " + folder + " has neither tokenizer.json nor vocab.txt");
    }
}
