package dev.slimfit.model.checkpoint;

import dev.slimfit.engine.Tensor;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.checkpoint.safetensors.SafetensorsWriter;
import dev.slimfit.model.nn.Module;
import dev.slimfit.model.vit.ViTConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model saved as Hugging Face saves it with {@code save_pretrained}: a folder holding {@value #WEIGHTS_FILE}
 * (every parameter by its Hugging Face name) and {@value #CONFIG_FILE}. Both files are written atomically.
 * Loading checks that the folder's configuration describes the model's shapes before any weight is read.
 */
public final class CheckpointFolder {

    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";

    /**
     * The safetensors metadata transformers requires before it loads a file as PyTorch weights: without
     * {@code "format": "pt"} it refuses the file.
     */
    public static final Map<String, String> TRANSFORMERS_METADATA = Map.of("format", "pt");

    private CheckpointFolder() {
    }

    /** Writes the model's weights and configuration into {@code folder} (created if needed). */
    public static void save(Module model, Path folder) throws IOException {
        Architecture architecture = Architecture.of(model);
        Map<String, Tensor> parameters = model.namedParameters();
        SafetensorsWriter.write(folder.resolve(WEIGHTS_FILE), parameters, TRANSFORMERS_METADATA);
        if (architecture.isBert()) {
            ConfigJson.write(folder.resolve(CONFIG_FILE), architecture, Architecture.bertConfigOf(model));
        } else {
            ConfigJson.write(folder.resolve(CONFIG_FILE), architecture, Architecture.vitConfigOf(model));
        }
    }

    /** The BERT configuration of a saved folder (to build the model that {@link #load} then fills). */
    public static BertConfig readBertConfig(Path folder) throws IOException {
        return ConfigJson.readBert(folder.resolve(CONFIG_FILE));
    }

    /** The ViT configuration of a saved folder. */
    public static ViTConfig readVitConfig(Path folder) throws IOException {
        return ConfigJson.readVit(folder.resolve(CONFIG_FILE));
    }

    /**
     * Loads a saved folder into {@code model}: its config.json must describe the model's shapes (the fields that
     * size parameters, the activation and the LayerNorm epsilon), then the weights load by name
     * ({@link CheckpointLoader}). Dropout, initializer range and the number of labels may differ: a classifier
     * head of another size shows up as a shape error, a head the file lacks as missing in the report.
     */
    public static LoadReport load(Module model, Path folder, LoadOptions options) throws IOException {
        Architecture architecture = Architecture.of(model);
        Path config = folder.resolve(CONFIG_FILE);
        if (architecture.isBert()) {
            checkAgreement(config, ConfigJson.readBert(config), Architecture.bertConfigOf(model));
        } else {
            checkAgreement(config, ConfigJson.readVit(config), Architecture.vitConfigOf(model));
        }
        return CheckpointLoader.load(model, folder.resolve(WEIGHTS_FILE), options);
    }

    private static void checkAgreement(Path file, BertConfig saved, BertConfig model) throws CheckpointFormatException {
        String source = file.toString();
        same(source, "vocab_size", saved.vocabSize(), model.vocabSize());
        same(source, "hidden_size", saved.hiddenSize(), model.hiddenSize());
        same(source, "num_hidden_layers", saved.numHiddenLayers(), model.numHiddenLayers());
        same(source, "num_attention_heads", saved.numAttentionHeads(), model.numAttentionHeads());
        same(source, "intermediate_size", saved.intermediateSize(), model.intermediateSize());
        same(source, "max_position_embeddings", saved.maxPositionEmbeddings(), model.maxPositionEmbeddings());
        same(source, "type_vocab_size", saved.typeVocabSize(), model.typeVocabSize());
        same(source, "hidden_act", saved.hiddenAct(), model.hiddenAct());
        same(source, "layer_norm_eps", saved.layerNormEps(), model.layerNormEps());
    }

    private static void checkAgreement(Path file, ViTConfig saved, ViTConfig model) throws CheckpointFormatException {
        String source = file.toString();
        same(source, "hidden_size", saved.hiddenSize(), model.hiddenSize());
        same(source, "num_hidden_layers", saved.numHiddenLayers(), model.numHiddenLayers());
        same(source, "num_attention_heads", saved.numAttentionHeads(), model.numAttentionHeads());
        same(source, "intermediate_size", saved.intermediateSize(), model.intermediateSize());
        same(source, "image_size", saved.imageSize(), model.imageSize());
        same(source, "patch_size", saved.patchSize(), model.patchSize());
        same(source, "num_channels", saved.numChannels(), model.numChannels());
        same(source, "hidden_act", saved.hiddenAct(), model.hiddenAct());
        same(source, "layer_norm_eps", saved.layerNormEps(), model.layerNormEps());
    }

    private static void same(String source, String field, Object saved, Object model)
            throws CheckpointFormatException {
        if (!saved.equals(model)) {
            throw CheckpointFormatException.field(source, field, "is " + saved + " but the model has " + model);
        }
    }
}
