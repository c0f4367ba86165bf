package dev.slimfit.model.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.vit.ViTConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hugging Face's config.json for {@link BertConfig} and {@link ViTConfig}, with the transformers field names, so
 * that a configuration saved here loads in transformers and the other way round.
 *
 * <p>Reading: the fields that fix parameter shapes are required; the others default as in transformers
 * (hidden_act "gelu", layer_norm_eps 1e-12, initializer_range 0.02, dropout 0.1 for BERT and 0.0 for ViT,
 * num_channels 3, two labels). The number of labels comes from {@code id2label} (keys "0".."n-1") or
 * {@code num_labels}; if both are there they must agree. Unknown fields are ignored; a setting this engine does not
 * implement (another model_type, relative position embeddings, an activation other than erf GELU, a ViT without
 * q/k/v bias) is an error naming the field, as is a missing required field or a value of the wrong type.
 *
 * <p>Writing: keys sorted and indented by two spaces like transformers, with "architectures" and "model_type", the
 * labels as {@code LABEL_i}, and the fixed choices of this engine spelled out (absolute positions, qkv_bias).
 */
public final class ConfigJson {

    /** Largest config.json read; real ones are a few KiB (a big id2label is still far below this). */
    public static final long MAX_BYTES = 16L << 20;

    /** transformers' default number of labels when a config names none. */
    public static final int DEFAULT_NUM_LABELS = 2;
    public static final String DEFAULT_HIDDEN_ACT = "gelu";
    public static final double DEFAULT_LAYER_NORM_EPS = 1e-12;
    public static final double DEFAULT_INITIALIZER_RANGE = 0.02;
    public static final double BERT_DEFAULT_DROPOUT = 0.1;
    public static final double VIT_DEFAULT_DROPOUT = 0.0;
    public static final int VIT_DEFAULT_CHANNELS = 3;

    /** BERT's only position embedding that this engine implements. */
    static final String ABSOLUTE_POSITIONS = "absolute";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigJson() {
    }

    // ---------------------------------------------------------------- reading

    /** The BERT configuration in {@code file}. */
    public static BertConfig readBert(Path file) throws IOException {
        ConfigFields f = open(file, "bert");
        String positions = f.optionalString("position_embedding_type", ABSOLUTE_POSITIONS);
        if (!positions.equals(ABSOLUTE_POSITIONS)) {
            throw f.error("position_embedding_type", "is '" + positions + "'; only '" + ABSOLUTE_POSITIONS
                    + "' position embeddings are implemented");
        }
        int vocab = f.requiredInt("vocab_size");
        int hidden = f.requiredInt("hidden_size");
        int layers = f.requiredInt("num_hidden_layers");
        int heads = f.requiredInt("num_attention_heads");
        int intermediate = f.requiredInt("intermediate_size");
        int maxPositions = f.requiredInt("max_position_embeddings");
        int typeVocab = f.requiredInt("type_vocab_size");
        String act = f.optionalString("hidden_act", DEFAULT_HIDDEN_ACT);
        float hiddenDropout = (float) f.optionalNumber("hidden_dropout_prob", BERT_DEFAULT_DROPOUT);
        float attentionDropout = (float) f.optionalNumber("attention_probs_dropout_prob", BERT_DEFAULT_DROPOUT);
        float eps = (float) f.optionalNumber("layer_norm_eps", DEFAULT_LAYER_NORM_EPS);
        double range = f.optionalNumber("initializer_range", DEFAULT_INITIALIZER_RANGE);
        int labels = numLabels(f);
        try {
            return new BertConfig(vocab, hidden, layers, heads, intermediate, act, hiddenDropout, attentionDropout,
                    maxPositions, typeVocab, eps, range, labels);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** The ViT configuration in {@code file}. */
    public static ViTConfig readVit(Path file) throws IOException {
        ConfigFields f = open(file, "vit");
        if (!f.optionalBoolean("qkv_bias", true)) {
            throw f.error("qkv_bias", "is false; the attention projections here always have a bias");
        }
        int hidden = f.requiredInt("hidden_size");
        int layers = f.requiredInt("num_hidden_layers");
        int heads = f.requiredInt("num_attention_heads");
        int intermediate = f.requiredInt("intermediate_size");
        int imageSize = f.requiredInt("image_size");
        int patchSize = f.requiredInt("patch_size");
        int channels = f.optionalInt("num_channels", VIT_DEFAULT_CHANNELS);
        String act = f.optionalString("hidden_act", DEFAULT_HIDDEN_ACT);
        float hiddenDropout = (float) f.optionalNumber("hidden_dropout_prob", VIT_DEFAULT_DROPOUT);
        float attentionDropout = (float) f.optionalNumber("attention_probs_dropout_prob", VIT_DEFAULT_DROPOUT);
        float eps = (float) f.optionalNumber("layer_norm_eps", DEFAULT_LAYER_NORM_EPS);
        double range = f.optionalNumber("initializer_range", DEFAULT_INITIALIZER_RANGE);
        int labels = numLabels(f);
        try {
            return new ViTConfig(hidden, layers, heads, intermediate, act, hiddenDropout, attentionDropout, range, eps,
                    imageSize, patchSize, channels, labels);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** The "architectures" listed in {@code file} (empty when it lists none). */
    public static List<String> readArchitectures(Path file) throws IOException {
        ConfigFields f = open(file, null);
        List<String> names = new ArrayList<>();
        if (!f.has("architectures")) {
            return names;
        }
        JsonNode list = f.node("architectures");
        if (!list.isArray()) {
            throw f.error("architectures", "must be an array of class names, found " + ConfigFields.describe(list));
        }
        for (JsonNode name : list) {
            if (!name.isTextual()) {
                throw f.error("architectures", "must hold strings, found " + ConfigFields.describe(name));
            }
            names.add(name.textValue());
        }
        return names;
    }

    /** Parses {@code file} and, when {@code modelType} is given, checks a "model_type" field against it. */
    private static ConfigFields open(Path file, String modelType) throws IOException {
        String source = file.toString();
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw CheckpointFormatException.file(source, "has " + size + " bytes, more than the " + MAX_BYTES
                    + " a config.json may have");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw CheckpointFormatException.file(source, "is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw CheckpointFormatException.file(source, "is not a JSON object");
        }
        ConfigFields f = new ConfigFields(source, root);
        if (modelType != null) {
            String found = f.optionalString("model_type", modelType);
            if (!found.equals(modelType)) {
                throw f.error("model_type", "is '" + found + "', expected '" + modelType + "'");
            }
        }
        return f;
    }

    /** From id2label (keys "0".."n-1"), else num_labels, else the default; both present must agree. */
    private static int numLabels(ConfigFields f) throws CheckpointFormatException {
        Integer fromLabels = null;
        if (f.has("id2label")) {
            JsonNode labels = f.node("id2label");
            if (!labels.isObject()) {
                throw f.error("id2label", "must be an object from \"0\"..\"n-1\" to names, found "
                        + ConfigFields.describe(labels));
            }
            int n = labels.size();
            boolean[] seen = new boolean[n];
            for (Map.Entry<String, JsonNode> e : labels.properties()) {
                int index = labelIndex(e.getKey(), n);
                if (index < 0 || seen[index]) {
                    throw f.error("id2label", "has key \"" + e.getKey() + "\"; the keys must be \"0\" to \"" + (n - 1)
                            + "\", each once");
                }
                seen[index] = true;
            }
            fromLabels = n;
        }
        if (f.has("num_labels")) {
            int declared = f.requiredInt("num_labels");
            if (fromLabels != null && fromLabels != declared) {
                throw f.error("num_labels", "is " + declared + " but id2label names " + fromLabels + " labels");
            }
            return declared;
        }
        return fromLabels != null ? fromLabels : DEFAULT_NUM_LABELS;
    }

    private static int labelIndex(String key, int n) {
        try {
            int index = Integer.parseInt(key);
            return index >= 0 && index < n && key.equals(Integer.toString(index)) ? index : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code config} for a model of {@code architecture} to {@code file}, atomically. */
    public static void write(Path file, Architecture architecture, BertConfig config) throws IOException {
        if (!architecture.isBert()) {
            throw new IllegalArgumentException(architecture + " is not a BERT architecture");
        }
        Map<String, Object> fields = common(architecture, config.numLabels());
        fields.put("vocab_size", config.vocabSize());
        fields.put("hidden_size", config.hiddenSize());
        fields.put("num_hidden_layers", config.numHiddenLayers());
        fields.put("num_attention_heads", config.numAttentionHeads());
        fields.put("intermediate_size", config.intermediateSize());
        fields.put("hidden_act", config.hiddenAct());
        fields.put("hidden_dropout_prob", config.hiddenDropoutProb());
        fields.put("attention_probs_dropout_prob", config.attentionProbsDropoutProb());
        fields.put("max_position_embeddings", config.maxPositionEmbeddings());
        fields.put("type_vocab_size", config.typeVocabSize());
        fields.put("layer_norm_eps", config.layerNormEps());
        fields.put("initializer_range", config.initializerRange());
        fields.put("position_embedding_type", ABSOLUTE_POSITIONS);
        fields.put("pad_token_id", 0);
        writeSorted(file, fields);
    }

    /** Writes {@code config} for a model of {@code architecture} to {@code file}, atomically. */
    public static void write(Path file, Architecture architecture, ViTConfig config) throws IOException {
        if (architecture.isBert()) {
            throw new IllegalArgumentException(architecture + " is not a ViT architecture");
        }
        Map<String, Object> fields = common(architecture, config.numLabels());
        fields.put("hidden_size", config.hiddenSize());
        fields.put("num_hidden_layers", config.numHiddenLayers());
        fields.put("num_attention_heads", config.numAttentionHeads());
        fields.put("intermediate_size", config.intermediateSize());
        fields.put("hidden_act", config.hiddenAct());
        fields.put("hidden_dropout_prob", config.hiddenDropoutProb());
        fields.put("attention_probs_dropout_prob", config.attentionProbsDropoutProb());
        fields.put("initializer_range", config.initializerRange());
        fields.put("layer_norm_eps", config.layerNormEps());
        fields.put("image_size", config.imageSize());
        fields.put("patch_size", config.patchSize());
        fields.put("num_channels", config.numChannels());
        fields.put("qkv_bias", true);
        // the stride of transformers' masked-image-modeling decoder; it equals the patch size in their configs
        fields.put("encoder_stride", config.patchSize());
        writeSorted(file, fields);
    }

    private static Map<String, Object> common(Architecture architecture, int numLabels) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("architectures", List.of(architecture.className()));
        fields.put("model_type", architecture.modelType());
        fields.put("torch_dtype", "float32");
        Map<String, String> id2label = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a),
                Integer.parseInt(b)));
        Map<String, Integer> label2id = new TreeMap<>();
        for (int i = 0; i < numLabels; i++) {
            id2label.put(Integer.toString(i), "LABEL_" + i);
            label2id.put("LABEL_" + i, i);
        }
        fields.put("id2label", id2label);
        fields.put("label2id", label2id);
        return fields;
    }

    private static void writeSorted(Path file, Map<String, Object> fields) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        ObjectNode root = JSON.valueToTree(fields);
        byte[] text = (JSON.writer(printer).writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(text);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }
}
