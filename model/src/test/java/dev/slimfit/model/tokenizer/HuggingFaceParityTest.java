package dev.slimfit.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.kernels.TestRandom;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ids, type ids and attention masks identical to the Hugging Face tokenizers library (the Rust implementation,
 * through DJL) on the same tokenizer.json: real IMDB reviews, sentence pairs, hand-written hard cases, every code
 * point of the common Unicode ranges, and variants of the file that switch each option.
 */
class HuggingFaceParityTest {

    private static final int BATCH = 32;
    private static final int PAIR_COUNT = 240;
    private static final int MISMATCHES_SHOWN = 3;

    private static Path json;
    private static WordPieceTokenizer ours;
    private static List<String> sample;

    @TempDir
    static Path variants;

    @BeforeAll
    static void load() {
        json = TokenizerFixtures.miniLmTokenizerJson();
        ours = TokenizerFixtures.miniLm();
        sample = TokenizerFixtures.reviewSample();
    }

    @Test
    void imdbReviewsWithoutTruncation() throws IOException {
        try (HuggingFaceReference theirs = HuggingFaceReference.load(json, -1, "false", true)) {
            Mismatches mismatches = new Mismatches("IMDB reviews, no truncation");
            for (String text : sample) {
                mismatches.check(ours, text, ours.encode(text, ours.unboundedOptions()), theirs.encode(text), theirs);
            }
            mismatches.assertNone(sample.size());
        }
    }

    @Test
    void imdbReviewsTruncatedAt128AndPaddedToTheLongestOfEachBatch() throws IOException {
        EncodeOptions options = ours.unboundedOptions().truncatedTo(128).paddedToLongest();
        try (HuggingFaceReference theirs = HuggingFaceReference.load(json, 128, "longest", true)) {
            compareBatches("IMDB reviews, truncation 128, padding to longest", options, theirs);
        }
    }

    @Test
    void imdbReviewsTruncatedAt512AndPaddedTo512() throws IOException {
        EncodeOptions options = ours.unboundedOptions().truncatedTo(512).paddedTo(512);
        try (HuggingFaceReference theirs = HuggingFaceReference.load(json, 512, "max_length", true)) {
            compareBatches("IMDB reviews, truncation 512, padding to 512", options, theirs);
        }
    }

    /** The file's own truncation (128) and padding (fixed 128) are our defaults, as they are the library's. */
    @Test
    void defaultOptionsFollowTheFile() throws IOException {
        try (HuggingFaceReference theirs = HuggingFaceReference.load(json, 128, "max_length", true)) {
            Mismatches mismatches = new Mismatches("file defaults");
            for (String text : sample.subList(0, 300)) {
                mismatches.check(ours, text, ours.encode(text), theirs.encode(text), theirs);
            }
            mismatches.assertNone(300);
        }
    }

    @Test
    void sentencePairs() throws IOException {
        List<String[]> pairs = pairs(sample);
        for (int maxLength : new int[] {-1, 128, 37}) {
            try (HuggingFaceReference theirs = HuggingFaceReference.load(json, maxLength, "false", true)) {
                EncodeOptions options = maxLength < 0 ? ours.unboundedOptions()
                        : ours.unboundedOptions().truncatedTo(maxLength);
                Mismatches mismatches = new Mismatches("pairs, max length " + maxLength);
                for (String[] pair : pairs) {
                    mismatches.check(ours, pair[0] + " ||| " + pair[1],
                            ours.encodePair(pair[0], pair[1], options), theirs.encodePair(pair[0], pair[1]), theirs);
                }
                mismatches.assertNone(pairs.size());
            }
        }
    }

    /** Fresh random reviews, pairs and truncation lengths on every run (the seed is in the message). */
    @Test
    void freshRandomReviewsPairsAndLengths() throws IOException {
        TestRandom random = new TestRandom();
        List<String> all = TokenizerFixtures.imdbReviews();
        for (int round = 0; round < 4; round++) {
            int maxLength = 3 + random.nextInt(300);
            try (HuggingFaceReference theirs = HuggingFaceReference.load(json, maxLength, "false", true)) {
                EncodeOptions options = ours.unboundedOptions().truncatedTo(maxLength);
                Mismatches mismatches = new Mismatches("random, max length " + maxLength + ", " + random.describe());
                for (int i = 0; i < 25; i++) {
                    String text = all.get(random.nextInt(all.size()));
                    String other = shorten(all.get(random.nextInt(all.size())), random.nextInt(600));
                    mismatches.check(ours, text, ours.encode(text, options), theirs.encode(text), theirs);
                    mismatches.check(ours, other + " ||| " + text, ours.encodePair(other, text, options),
                            theirs.encodePair(other, text), theirs);
                }
                mismatches.assertNone(50);
            }
        }
    }

    @Test
    void handWrittenHardCases() throws IOException {
        List<String> cases = TokenizerFixtures.hardCases();
        for (int maxLength : new int[] {-1, 16, 6}) {
            try (HuggingFaceReference theirs = HuggingFaceReference.load(json, maxLength, "false", true)) {
                EncodeOptions options = maxLength < 0 ? ours.unboundedOptions()
                        : ours.unboundedOptions().truncatedTo(maxLength);
                Mismatches mismatches = new Mismatches("hard cases, max length " + maxLength);
                for (int i = 0; i < cases.size(); i++) {
                    String text = cases.get(i);
                    String next = cases.get((i + 1) % cases.size());
                    mismatches.check(ours, text, ours.encode(text, options), theirs.encode(text), theirs);
                    mismatches.check(ours, text + " ||| " + next, ours.encodePair(text, next, options),
                            theirs.encodePair(text, next), theirs);
                }
                mismatches.assertNone(2 * cases.size());
            }
        }
    }

    @Test
    void withoutSpecialTokens() throws IOException {
        try (HuggingFaceReference theirs = HuggingFaceReference.load(json, 64, "false", false)) {
            EncodeOptions options = ours.unboundedOptions().truncatedTo(64).withSpecialTokens(false);
            Mismatches mismatches = new Mismatches("no special tokens, max length 64");
            List<String[]> pairs = pairs(sample).subList(0, 60);
            for (String[] pair : pairs) {
                mismatches.check(ours, pair[0], ours.encode(pair[0], options), theirs.encode(pair[0]), theirs);
                mismatches.check(ours, pair[0] + " ||| " + pair[1], ours.encodePair(pair[0], pair[1], options),
                        theirs.encodePair(pair[0], pair[1]), theirs);
            }
            mismatches.assertNone(2 * pairs.size());
        }
    }

    /**
     * Every code point of the ranges that real text uses (Latin to Hebrew, Thai, Latin and Greek extended, general
     * punctuation and symbols, CJK, Hangul, compatibility and half/full-width forms, emoji, CJK extension B), each
     * inside a word. The newest scripts are left out: see {@link UnicodeClasses} for why they may differ.
     */
    @Test
    void everyCodePointOfTheCommonRanges() throws IOException {
        int[][] ranges = {{0x0000, 0x05FF}, {0x0E00, 0x0E7F}, {0x1E00, 0x1FFF}, {0x2000, 0x2E42}, {0x3000, 0x9FFF},
                          {0xAC00, 0xD7AF}, {0xF900, 0xFFFD}, {0x1F000, 0x1FAFF}, {0x20000, 0x2A6DF}};
        int chunk = 512;
        try (HuggingFaceReference theirs = HuggingFaceReference.load(json, -1, "false", true)) {
            Mismatches mismatches = new Mismatches("code point sweep");
            int checked = 0;
            for (int[] range : ranges) {
                for (int base = range[0]; base <= range[1]; base += chunk) {
                    StringBuilder text = new StringBuilder();
                    for (int cp = base; cp <= Math.min(range[1], base + chunk - 1); cp++) {
                        if (!Character.isSurrogate((char) cp) || cp > 0xFFFF) {
                            text.append('a').appendCodePoint(cp).append("b ");
                            checked++;
                        }
                    }
                    String s = text.toString();
                    mismatches.check(ours, s, ours.encode(s, ours.unboundedOptions()), theirs.encode(s), theirs);
                }
            }
            mismatches.assertNone(checked);
        }
    }

    static Stream<Arguments> fileVariants() {
        return Stream.of(
                variant("cased", root -> normalizer(root).put("lowercase", false)),
                variant("lowercase-keeps-accents", root -> normalizer(root).put("strip_accents", false)),
                variant("strips-accents-keeps-case", root -> normalizer(root).put("lowercase", false)
                        .put("strip_accents", true)),
                variant("no-chinese-handling", root -> normalizer(root).put("handle_chinese_chars", false)),
                variant("no-text-cleaning", root -> normalizer(root).put("clean_text", false)),
                variant("no-normalizer", root -> root.putNull("normalizer")),
                variant("no-pre-tokenizer", root -> root.putNull("pre_tokenizer")),
                equivalentVariant("bert-processing", root -> root.putObject("post_processor").put("type", "BertProcessing")
                        .<ObjectNode>set("sep", TokenizerFixtures.json().createArrayNode().add("[SEP]").add(102))
                        .set("cls", TokenizerFixtures.json().createArrayNode().add("[CLS]").add(101))),
                variant("no-post-processor", root -> root.putNull("post_processor")),
                variant("double-separator-template", HuggingFaceParityTest::doubleSeparatorTemplate),
                variant("short-words", root -> ((ObjectNode) root.get("model")).put("max_input_chars_per_word", 6)),
                variant("other-subword-prefix", root -> ((ObjectNode) root.get("model"))
                        .put("continuing_subword_prefix", "@@")),
                variant("added-tokens", HuggingFaceParityTest::addTokens));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fileVariants")
    void fileVariantsSwitchingEachOption(String name, Consumer<ObjectNode> edit, boolean changesEncodings)
            throws IOException {
        Path file = TokenizerFixtures.variant(variants, name, edit);
        WordPieceTokenizer variant = WordPieceTokenizer.fromTokenizerJson(file);
        List<String> texts = new ArrayList<>(TokenizerFixtures.hardCases());
        texts.addAll(List.of("<movie> is a great film, a GREAT FILM indeed", "x<movie>y <movie>_ (<movie>)",
                "Bring BR br Br BRING", "singing and dancing ING", "a  [MASK]  b [MASK]\t\tc",
                "A great   film. great film!"));
        texts.addAll(sample.subList(0, 150));
        try (HuggingFaceReference theirs = HuggingFaceReference.load(file, 64, "longest", true)) {
            EncodeOptions options = variant.unboundedOptions().truncatedTo(64).paddedToLongest();
            Mismatches mismatches = new Mismatches("variant " + name);
            for (int start = 0; start < texts.size(); start += BATCH) {
                List<String> batch = texts.subList(start, Math.min(texts.size(), start + BATCH));
                BatchEncoding mine = variant.encodeBatch(batch, options);
                Encoding[] expected = theirs.encodeBatch(batch);
                for (int i = 0; i < batch.size(); i++) {
                    mismatches.check(variant, batch.get(i), mine.row(i), expected[i], theirs);
                }
            }
            for (int i = 0; i + 1 < texts.size(); i += 7) {
                mismatches.check(variant, texts.get(i) + " ||| " + texts.get(i + 1),
                        variant.encodePair(texts.get(i), texts.get(i + 1), options.withoutPadding()),
                        stripPadding(theirs.encodePair(texts.get(i), texts.get(i + 1))), theirs);
            }
            mismatches.assertNone(texts.size());
        }
        // a variant must change something, or it would only repeat the tests above; an equivalent spelling of
        // the original (BertProcessing for its template) must change nothing
        boolean changed = false;
        for (String text : texts) {
            changed |= !variant.encode(text, variant.unboundedOptions())
                    .equals(ours.encode(text, ours.unboundedOptions()));
            changed |= !variant.encodePair(text, "Second part.", variant.unboundedOptions())
                    .equals(ours.encodePair(text, "Second part.", ours.unboundedOptions()));
        }
        assertEquals(changesEncodings, changed, "variant " + name + (changesEncodings
                ? " encodes every text as the unchanged file does" : " encodes some text differently"));
    }

    private static Arguments variant(String name, Consumer<ObjectNode> edit) {
        return Arguments.of(name, edit, true);
    }

    private static Arguments equivalentVariant(String name, Consumer<ObjectNode> edit) {
        return Arguments.of(name, edit, false);
    }

    private static ObjectNode normalizer(ObjectNode root) {
        return (ObjectNode) root.get("normalizer");
    }

    /** A RoBERTa-like template: [CLS] A [SEP] [SEP] B [SEP], all type 0. */
    private static void doubleSeparatorTemplate(ObjectNode root) {
        ObjectNode processor = (ObjectNode) root.get("post_processor");
        ArrayNode pair = processor.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
    }

    /** New tokens with every matching option, and [MASK] swallowing the whitespace around it. */
    private static void addTokens(ObjectNode root) {
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        for (int i = 0; i < added.size(); i++) {
            ObjectNode token = (ObjectNode) added.get(i);
            if (token.get("content").asText().equals("[MASK]")) {
                token.put("lstrip", true).put("rstrip", true);
            }
        }
        int vocab = root.get("model").get("vocab").size();
        addToken(added, vocab, "<movie>", true, false, false, false);
        addToken(added, vocab + 1, "great film", false, true, true, true);
        addToken(added, vocab + 2, "Br", false, false, false, false);
        addToken(added, vocab + 3, "ING", false, false, false, true);
    }

    private static void addToken(ArrayNode added, int id, String content, boolean singleWord, boolean lstrip,
                                 boolean rstrip, boolean normalized) {
        added.addObject().put("id", id).put("content", content).put("single_word", singleWord)
                .put("lstrip", lstrip).put("rstrip", rstrip).put("normalized", normalized).put("special", false);
    }

    private void compareBatches(String what, EncodeOptions options, HuggingFaceReference theirs) {
        Mismatches mismatches = new Mismatches(what);
        for (int start = 0; start < sample.size(); start += BATCH) {
            List<String> batch = sample.subList(start, Math.min(sample.size(), start + BATCH));
            BatchEncoding mine = ours.encodeBatch(batch, options);
            Encoding[] expected = theirs.encodeBatch(batch);
            assertEquals(expected.length, mine.batchSize());
            for (int i = 0; i < batch.size(); i++) {
                mismatches.check(ours, batch.get(i), mine.row(i), expected[i], theirs);
            }
            mine.sequenceLength(); // padded batches are rectangular
        }
        mismatches.assertNone(sample.size());
    }

    /**
     * Pairs of kinds that exercise every truncation case: a short question with a review, two reviews, a review
     * with a short sentence, and two short sentences.
     */
    private static List<String[]> pairs(List<String> texts) {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; pairs.size() < PAIR_COUNT; i++) {
            String a = texts.get((2 * i) % texts.size());
            String b = texts.get((2 * i + 1) % texts.size());
            switch (i % 4) {
                case 0 -> pairs.add(new String[] {firstSentence(a), b});
                case 1 -> pairs.add(new String[] {a, b});
                case 2 -> pairs.add(new String[] {a, firstSentence(b)});
                default -> pairs.add(new String[] {firstSentence(a), firstSentence(b)});
            }
        }
        return pairs;
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    private static String shorten(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    /** The library pads pairs to the longest even when encoding one pair: no-op there, so just drop the zeros. */
    private static Encoding stripPadding(Encoding encoding) {
        int n = encoding.tokenCount();
        return new Encoding(Arrays.copyOf(encoding.ids(), n), Arrays.copyOf(encoding.typeIds(), n),
                Arrays.copyOf(encoding.attentionMask(), n));
    }

    /** Collects mismatches and reports the first few with both tokenizations. */
    private static final class Mismatches {
        private final String what;
        private final List<String> details = new ArrayList<>();
        private int count;

        Mismatches(String what) {
            this.what = what;
        }

        void check(WordPieceTokenizer tokenizer, String text, Encoding mine, Encoding expected,
                   HuggingFaceReference theirs) {
            if (mine.equals(expected)) {
                return;
            }
            count++;
            if (details.size() < MISMATCHES_SHOWN) {
                String firstText = text.contains(" ||| ") ? text.substring(0, text.indexOf(" ||| ")) : text;
                details.add("text: " + shorten(text, 300) + "\n  ours:   " + mine + "\n  theirs: " + expected
                        + "\n  our tokens:   " + shorten(tokenizer.tokenize(firstText).toString(), 600)
                        + "\n  their tokens: " + shorten(theirs.tokens(firstText).toString(), 600));
            }
        }

        void assertNone(int total) {
            if (count > 0) {
                fail(what + ": " + count + " of " + total + " encodings differ from the Hugging Face library:\n"
                        + String.join("\n", details));
            }
        }
    }
}
