package dev.slimfit.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.vit.ViTConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json with the Hugging Face field names: round trips, real transformers files, and clear errors. */
class ConfigJsonTest {

    private final TestRandom random = new TestRandom();
    @TempDir
    Path folder;

    /** The config.json of sentence-transformers/all-MiniLM-L6-v2 as transformers saved it. */
    private static final String MINILM_CONFIG = """
            {
              "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
              "architectures": ["BertModel"],
              "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": false,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 384,
              "initializer_range": 0.02,
              "intermediate_size": 1536,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 6,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "transformers_version": "4.8.2",
              "type_vocab_size": 2,
              "use_cache": true,
              "vocab_size": 30522
            }
            """;

    /** google/vit-base-patch16-224's config.json, its 1000 labels cut to three. */
    private static final String VIT_CONFIG = """
            {
              "architectures": ["ViTForImageClassification"],
              "attention_probs_dropout_prob": 0.0,
              "encoder_stride": 16,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.0,
              "hidden_size": 768,
              "id2label": {"0": "tench, Tinca tinca", "1": "goldfish, Carassius auratus", "2": "great white shark"},
              "image_size": 224,
              "initializer_range": 0.02,
              "intermediate_size": 3072,
              "label2id": {"tench, Tinca tinca": 0, "goldfish, Carassius auratus": 1, "great white shark": 2},
              "layer_norm_eps": 1e-12,
              "model_type": "vit",
              "num_attention_heads": 12,
              "num_channels": 3,
              "num_hidden_layers": 12,
              "patch_size": 16,
              "qkv_bias": true,
              "torch_dtype": "float32",
              "transformers_version": "4.36.0"
            }
            """;

    private Path write(String name, String text) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsTheRealMiniLmConfig() throws IOException {
        BertConfig config = ConfigJson.readBert(write("config.json", MINILM_CONFIG));
        assertEquals(BertConfig.miniLmL6(ConfigJson.DEFAULT_NUM_LABELS), config);
        assertEquals(List.of("BertModel"), ConfigJson.readArchitectures(folder.resolve("config.json")));
    }

    @Test
    void readsARealViTConfigWithItsLabels() throws IOException {
        ViTConfig config = ConfigJson.readVit(write("config.json", VIT_CONFIG));
        assertEquals(new ViTConfig(768, 12, 12, 3072, "gelu", 0f, 0f, 0.02, 1e-12f, 224, 16, 3, 3), config);
    }

    @Test
    void randomConfigsRoundTrip() throws IOException {
        for (int trial = 0; trial < 20; trial++) {
            int heads = 1 + random.nextInt(8);
            BertConfig bert = new BertConfig(1 + random.nextInt(50000), heads * (1 + random.nextInt(64)),
                    random.nextInt(24), heads, 1 + random.nextInt(4096), "gelu", (float) random.nextDouble() * 0.5f,
                    (float) random.nextDouble() * 0.5f, 1 + random.nextInt(4096), 1 + random.nextInt(4),
                    (float) Math.pow(10, -1 - 12 * random.nextDouble()), random.nextDouble(), 1 + random.nextInt(20));
            Path file = folder.resolve("bert-" + trial + ".json");
            ConfigJson.write(file, Architecture.BERT_FOR_SEQUENCE_CLASSIFICATION, bert);
            assertEquals(bert, ConfigJson.readBert(file), random.describe());
            assertEquals(List.of("BertForSequenceClassification"), ConfigJson.readArchitectures(file));

            int patch = 1 + random.nextInt(16);
            ViTConfig vit = new ViTConfig(heads * (1 + random.nextInt(64)), random.nextInt(24), heads,
                    1 + random.nextInt(4096), "gelu", (float) random.nextDouble() * 0.5f,
                    (float) random.nextDouble() * 0.5f, random.nextDouble(),
                    (float) Math.pow(10, -1 - 12 * random.nextDouble()), patch * (1 + random.nextInt(32)), patch,
                    1 + random.nextInt(4), 1 + random.nextInt(1000));
            Path vitFile = folder.resolve("vit-" + trial + ".json");
            ConfigJson.write(vitFile, Architecture.VIT_FOR_IMAGE_CLASSIFICATION, vit);
            assertEquals(vit, ConfigJson.readVit(vitFile), random.describe());
        }
    }

    @Test
    void writesTheFieldsTransformersExpects() throws IOException {
        Path file = folder.resolve("config.json");
        ConfigJson.write(file, Architecture.BERT_FOR_SEQUENCE_CLASSIFICATION, BertConfig.miniLmL6(3));
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals("bert", root.get("model_type").asText());
        assertEquals("BertForSequenceClassification", root.get("architectures").get(0).asText());
        assertEquals("LABEL_2", root.get("id2label").get("2").asText());
        assertEquals(1, root.get("label2id").get("LABEL_1").asInt());
        assertEquals("absolute", root.get("position_embedding_type").asText());
        assertEquals(1e-12, root.get("layer_norm_eps").asDouble(), 1e-20);
        assertEquals(0.1, root.get("hidden_dropout_prob").asDouble(), 1e-9, "written as the decimal 0.1");
    }

    @Test
    void numLabelsComesFromId2labelOrNumLabels() throws IOException {
        String base = MINILM_CONFIG.replace("\"vocab_size\": 30522", "\"vocab_size\": 30522, %s");
        assertEquals(5, ConfigJson.readBert(write("a.json", base.formatted("\"num_labels\": 5"))).numLabels());
        assertEquals(2, ConfigJson.readBert(write("b.json", base.formatted(
                "\"id2label\": {\"1\": \"pos\", \"0\": \"neg\"}"))).numLabels());
        assertError(write("c.json", base.formatted("\"id2label\": {\"0\": \"a\", \"2\": \"b\"}")), "id2label");
        assertError(write("d.json", base.formatted("\"id2label\": {\"0\": \"a\"}, \"num_labels\": 3")),
                "num_labels");
    }

    @Test
    void missingOrMistypedFieldsNameTheFileAndField() throws IOException {
        assertError(write("m.json", MINILM_CONFIG.replace("\"hidden_size\": 384,", "")), "hidden_size");
        assertError(write("s.json", MINILM_CONFIG.replace("\"hidden_size\": 384", "\"hidden_size\": \"384\"")),
                "hidden_size");
        assertError(write("f.json", MINILM_CONFIG.replace("\"hidden_size\": 384", "\"hidden_size\": 384.5")),
                "hidden_size");
        assertError(write("b.json", MINILM_CONFIG.replace("\"vocab_size\": 30522", "\"vocab_size\": 1e99")),
                "vocab_size");
        assertError(write("e.json", MINILM_CONFIG.replace("\"layer_norm_eps\": 1e-12", "\"layer_norm_eps\": \"x\"")),
                "layer_norm_eps");
        assertError(write("t.json", MINILM_CONFIG.replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\"")),
                "model_type");
        assertError(write("p.json", MINILM_CONFIG.replace("\"absolute\"", "\"relative_key\"")),
                "position_embedding_type");
        assertError(write("a.json", MINILM_CONFIG.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\"")),
                "hidden_act");
        assertError(write("h.json", MINILM_CONFIG.replace("\"num_attention_heads\": 12", "\"num_attention_heads\": 7")),
                "num_attention_heads");
        assertError(write("q.json", VIT_CONFIG.replace("\"qkv_bias\": true", "\"qkv_bias\": false")), "qkv_bias",
                ConfigJson::readVit);
        assertError(write("j.json", MINILM_CONFIG.substring(0, MINILM_CONFIG.length() / 2)), "not valid JSON");
        assertError(write("d.json", MINILM_CONFIG.replace("\"use_cache\": true", "\"use_cache\": true, \"vocab_size\": 1")),
                "not valid JSON");
        assertError(write("r.json", "[1, 2, 3]"), "not a JSON object");
    }

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        String extra = MINILM_CONFIG.replace("\"use_cache\": true", "\"use_cache\": true, \"my_field\": {\"x\": [1]}");
        assertEquals(BertConfig.miniLmL6(2), ConfigJson.readBert(write("x.json", extra)));
    }

    /** Reads a BERT config, the reader most cases go through. */
    private static void assertError(Path file, String field) {
        assertError(file, field, ConfigJson::readBert);
    }

    private interface ConfigReader {
        Object read(Path file) throws IOException;
    }

    private static void assertError(Path file, String field, ConfigReader reader) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> reader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(field), e.getMessage());
    }
}
