package dev.slimfit.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.kernels.TestRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A tokenizer.json is untrusted: each defect gives a TokenizerFileException naming the file and the field. */
class TokenizerJsonReaderTest {

    @TempDir
    Path dir;

    static Stream<Arguments> defects() {
        return Stream.of(
                defect("model.vocab", "is missing", root -> ((ObjectNode) root.get("model")).remove("vocab")),
                defect("model.vocab", "must be an object", root -> ((ObjectNode) root.get("model")).putArray("vocab")),
                defect("model", "is missing", root -> root.remove("model")),
                defect("model.type", "only WordPiece", root -> ((ObjectNode) root.get("model")).put("type", "BPE")),
                defect("model.unk_token", "not in model.vocab",
                        root -> ((ObjectNode) root.get("model")).put("unk_token", "[NOPE]")),
                defect("model.vocab[\"hello\"]", "must be an integer",
                        root -> vocab(root).put("hello", -5)),
                defect("model.vocab[\"hello\"]", "outside 0..30521", root -> vocab(root).put("hello", 99_999)),
                defect("model.vocab[\"hello\"]", "already the id of", root -> vocab(root).put("hello", 7)),
                defect("model.vocab[\"hello\"]", "must be an integer", root -> vocab(root).put("hello", "7")),
                defect("model.max_input_chars_per_word", "must be an integer",
                        root -> ((ObjectNode) root.get("model")).put("max_input_chars_per_word", 1.5)),
                defect("normalizer.type", "only BertNormalizer",
                        root -> ((ObjectNode) root.get("normalizer")).put("type", "Lowercase")),
                defect("normalizer.clean_text", "must be true or false",
                        root -> ((ObjectNode) root.get("normalizer")).put("clean_text", "yes")),
                defect("pre_tokenizer.type", "only BertPreTokenizer",
                        root -> ((ObjectNode) root.get("pre_tokenizer")).put("type", "Whitespace")),
                defect("added_tokens[1].id", "gets id 100 from model.vocab",
                        root -> ((ObjectNode) root.get("added_tokens").get(1)).put("id", 5)),
                defect("added_tokens[0].content", "is missing",
                        root -> ((ObjectNode) root.get("added_tokens").get(0)).remove("content")),
                defect("added_tokens", "must be an array", root -> root.put("added_tokens", "none")),
                defect("post_processor.type", "only TemplateProcessing",
                        root -> ((ObjectNode) root.get("post_processor")).put("type", "RobertaProcessing")),
                defect("post_processor.single[0].SpecialToken.id", "does not define",
                        root -> ((ObjectNode) root.get("post_processor").get("single").get(0).get("SpecialToken"))
                                .put("id", "[XYZ]")),
                defect("post_processor.special_tokens[\"[CLS]\"].ids[0]", "outside the vocabulary",
                        root -> ((ArrayNode) root.get("post_processor").get("special_tokens").get("[CLS]").get("ids"))
                                .set(0, 40_000)),
                defect("post_processor", "must hold sequence A 1 time(s)",
                        root -> ((ArrayNode) root.get("post_processor").get("single")).remove(1)),
                defect("post_processor.pair[1].Sequence.id", "must be \"A\" or \"B\"",
                        root -> ((ObjectNode) root.get("post_processor").get("pair").get(1).get("Sequence"))
                                .put("id", "C")),
                defect("truncation.strategy", "must be LongestFirst",
                        root -> ((ObjectNode) root.get("truncation")).put("strategy", "Middle")),
                defect("truncation.max_length", "is missing",
                        root -> ((ObjectNode) root.get("truncation")).remove("max_length")),
                defect("padding.strategy", "must be \"BatchLongest\"",
                        root -> ((ObjectNode) root.get("padding")).put("strategy", "Sometimes")),
                defect("padding.pad_id", "outside the vocabulary",
                        root -> ((ObjectNode) root.get("padding")).put("pad_id", 1_000_000)),
                defect("padding.direction", "must be Right or Left",
                        root -> ((ObjectNode) root.get("padding")).put("direction", "Up")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("defects")
    void eachDefectNamesTheFileAndTheField(String field, String problem, Consumer<ObjectNode> edit)
            throws IOException {
        Path file = TokenizerFixtures.variant(dir, "defect", edit);
        TokenizerFileException e = assertThrows(TokenizerFileException.class,
                () -> WordPieceTokenizer.fromTokenizerJson(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": field '" + field + "' "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void truncatedFilesAreReportedAsInvalidJson() throws IOException {
        TestRandom random = new TestRandom();
        byte[] whole = Files.readAllBytes(TokenizerFixtures.miniLmTokenizerJson());
        for (int trial = 0; trial < 12; trial++) {
            int length = random.nextInt(whole.length - 1);
            Path file = dir.resolve("truncated.json");
            Files.write(file, java.util.Arrays.copyOf(whole, length));
            TokenizerFileException e = assertThrows(TokenizerFileException.class,
                    () -> WordPieceTokenizer.fromTokenizerJson(file), "cut at " + length + ", " + random.describe());
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            if (length > 0) {
                assertTrue(e.getMessage().contains("not valid JSON (truncated or malformed) at line"), e.getMessage());
            }
        }
    }

    @Test
    void emptyMissingAndNonObjectFiles() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        assertTrue(assertThrows(TokenizerFileException.class, () -> WordPieceTokenizer.fromTokenizerJson(empty))
                .getMessage().contains("empty file"));
        Path array = Files.writeString(dir.resolve("array.json"), "[1, 2]");
        assertTrue(assertThrows(TokenizerFileException.class, () -> WordPieceTokenizer.fromTokenizerJson(array))
                .getMessage().contains("the top level must be an object"));
        Path missing = dir.resolve("missing.json");
        assertTrue(assertThrows(TokenizerFileException.class, () -> WordPieceTokenizer.fromTokenizerJson(missing))
                .getMessage().startsWith(missing + ": no such tokenizer file"));
        Path duplicate = Files.writeString(dir.resolve("duplicate.json"),
                "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0, \"a\": 1}}}");
        assertTrue(assertThrows(TokenizerFileException.class, () -> WordPieceTokenizer.fromTokenizerJson(duplicate))
                .getMessage().contains("Duplicate field 'a'"));
    }

    /** Bytes flipped anywhere: the file loads or gives our error, never another exception. */
    @Test
    void corruptedBytesNeverEscapeAsOtherExceptions() throws IOException {
        TestRandom random = new TestRandom();
        byte[] whole = Files.readAllBytes(TokenizerFixtures.miniLmTokenizerJson());
        // the sections other than the 30k-entry vocab are where structure errors hide: aim half the flips there
        int vocabEnd = new String(whole, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\"model\"");
        for (int trial = 0; trial < 40; trial++) {
            byte[] corrupted = whole.clone();
            for (int flip = 0; flip < 1 + random.nextInt(4); flip++) {
                int at = trial % 2 == 0 && vocabEnd > 0 ? random.nextInt(vocabEnd) : random.nextInt(whole.length);
                corrupted[at] = (byte) random.nextInt(256);
            }
            Path file = dir.resolve("corrupted.json");
            Files.write(file, corrupted);
            try {
                WordPieceTokenizer.fromTokenizerJson(file).encode("a quick check [MASK] of the loaded tokenizer");
            } catch (TokenizerFileException expected) {
                assertTrue(expected.getMessage().startsWith(file + ": "), expected.getMessage());
            } catch (RuntimeException e) {
                fail("corrupted file escaped as " + e + ", " + random.describe(), e);
            }
        }
    }

    private static Arguments defect(String field, String problem, Consumer<ObjectNode> edit) {
        return Arguments.of(field, problem, edit);
    }

    private static ObjectNode vocab(ObjectNode root) {
        return (ObjectNode) root.get("model").get("vocab");
    }
}
