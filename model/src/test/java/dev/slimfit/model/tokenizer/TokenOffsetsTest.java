package dev.slimfit.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token character offsets ({@link WordPieceTokenizer#tokenizeWithOffsets}) and the encoding of pre-tokenized pairs:
 * the same spans as the Hugging Face library on real reviews and hard cases, and the normalizer's alignment equal
 * to its plain output on random text.
 */
class TokenOffsetsTest {

    private static final int RANDOM_TEXTS = 300;
    private static final int RANDOM_TEXT_MAX_CODE_POINTS = 40;
    /** Code points the random texts are drawn from: every class the normalizer treats differently. */
    private static final int[] INTERESTING_CODE_POINTS = {
        'a', 'Z', ' ', '\t', '\n', '.', ',', '\'', '0', 0x00, 0x01, 0x7F, 0x85, 0xA0, 0xAD, 0xC9, 0xE9, 0xEF,
        0x130, 0x131, 0x1C5, 0x301, 0x308, 0x338, 0x3A3, 0x3C2, 0x401, 0x5D1, 0x5BC, 0x627, 0x915, 0x94D, 0xE2A,
        0x200B, 0x200D, 0x2014, 0x2026, 0x3000, 0x3001, 0x4E2D, 0x6587, 0xAC00, 0xE000, 0xFB01, 0xFEFF, 0xFFFD,
        0x1F600, 0x1F3FD, 0x20000, 0x1D518};

    private static WordPieceTokenizer miniLm;

    @BeforeAll
    static void load() {
        miniLm = TokenizerFixtures.miniLm();
    }

    @Test
    void spansEqualTheHuggingFaceLibraryOnReviewsAndHardCases() throws IOException {
        List<String> texts = new ArrayList<>(TokenizerFixtures.reviewSample());
        for (String hard : TokenizerFixtures.hardCases()) {
            // Java strings may hold lone surrogates, which cannot cross into the Rust library intact
            if (!hasLoneSurrogate(hard)) {
                texts.add(hard);
            }
        }
        try (HuggingFaceReference theirs = HuggingFaceReference.load(TokenizerFixtures.miniLmTokenizerJson(), -1,
                "false", false)) {
            int checked = 0;
            for (String text : texts) {
                TokenOffsets ours = miniLm.tokenizeWithOffsets(text);
                TokenOffsets expected = theirs.offsets(text);
                assertEquals(toCodePointOffsets(expected, text), ours, () -> "offsets of: " + abbreviate(text));
                checked++;
            }
            assertEquals(texts.size(), checked);
        }
    }

    @Test
    void idsAreThoseOfTokenIdsAndEverySpanNormalizesToItsPiece() {
        for (String text : TokenizerFixtures.reviewSample()) {
            TokenOffsets offsets = miniLm.tokenizeWithOffsets(text);
            assertArrayEquals(miniLm.tokenIds(text), offsets.ids(), () -> abbreviate(text));
            BertNormalizer normalizer = BertNormalizer.uncased();
            int previousEnd = 0;
            for (int i = 0; i < offsets.size(); i++) {
                int start = offsets.starts()[i];
                int end = offsets.ends()[i];
                assertTrue(previousEnd <= start && start < end && end <= text.length(), "token " + i + " span ["
                        + start + ", " + end + ") after " + previousEnd + " in " + abbreviate(text));
                String piece = miniLm.idToToken(offsets.ids()[i]);
                if (!piece.equals("[UNK]")) {
                    String covered = normalizer.normalize(text.substring(start, end));
                    assertEquals(piece.startsWith("##") ? piece.substring(2) : piece, covered,
                            "token " + i + " of " + abbreviate(text));
                }
                previousEnd = end;
            }
        }
    }

    @Test
    void handWrittenSpans() {
        String text = "Héllo, wörld! [MASK] naïveté";
        TokenOffsets offsets = miniLm.tokenizeWithOffsets(text);
        List<String> covered = new ArrayList<>();
        for (int i = 0; i < offsets.size(); i++) {
            covered.add(text.substring(offsets.starts()[i], offsets.ends()[i]));
        }
        assertEquals(miniLm.tokenize(text), List.of("hello", ",", "world", "!", "[MASK]", "naive", "##te"));
        assertEquals(List.of("Héllo", ",", "wörld", "!", "[MASK]", "naïve", "té"), covered);
        assertEquals(new TokenOffsets(new int[0], new int[0], new int[0]), miniLm.tokenizeWithOffsets(" \t"));
    }

    @Test
    void alignedNormalizationGivesTheSameTextWithWholeCodePointSources() {
        TestRandom random = new TestRandom();
        BertNormalizer[] normalizers = {BertNormalizer.uncased(), new BertNormalizer(true, true, false, false),
            new BertNormalizer(false, false, true, false), new BertNormalizer(true, false, false, true)};
        int[] picks = random.ints(RANDOM_TEXTS * RANDOM_TEXT_MAX_CODE_POINTS, INTERESTING_CODE_POINTS.length);
        int[] lengths = random.ints(RANDOM_TEXTS, RANDOM_TEXT_MAX_CODE_POINTS + 1);
        for (int t = 0; t < RANDOM_TEXTS; t++) {
            StringBuilder builder = new StringBuilder();
            for (int k = 0; k < lengths[t]; k++) {
                builder.appendCodePoint(INTERESTING_CODE_POINTS[picks[t * RANDOM_TEXT_MAX_CODE_POINTS + k]]);
            }
            String text = builder.toString();
            for (BertNormalizer normalizer : normalizers) {
                AlignedText aligned = normalizer.normalizeAligned(text);
                String where = normalizer + " on " + escape(text) + ", " + random.describe();
                assertEquals(normalizer.normalize(text), aligned.text(), where);
                for (int i = 0; i < aligned.text().length(); i++) {
                    int start = aligned.sourceStarts()[i];
                    int end = aligned.sourceEnds()[i];
                    assertEquals(Character.charCount(text.codePointAt(start)), end - start, where);
                    assertTrue(i == 0 || aligned.sourceStarts()[i - 1] <= start, where);
                }
            }
        }
    }

    @Test
    void preTokenizedPairsEncodeLikeTextPairs() {
        String question = "Which river flows through the city?";
        String context = "The Vltava flows through Prague, the capital of the Czech Republic, for 31 kilometres.";
        int[] q = miniLm.tokenIds(question);
        int[] c = miniLm.tokenIds(context);
        EncodeOptions[] options = {miniLm.unboundedOptions(), miniLm.unboundedOptions().truncatedTo(16),
            miniLm.unboundedOptions().truncatedTo(24).paddedTo(32),
            miniLm.unboundedOptions().withSpecialTokens(false)};
        for (EncodeOptions option : options) {
            assertEquals(miniLm.encodePair(question, context, option), miniLm.encodeIdPair(q, c, option),
                    option.toString());
        }
        Encoding whole = miniLm.encodeIdPair(q, c, miniLm.unboundedOptions());
        int secondStart = miniLm.pairSecondStart(q.length, miniLm.unboundedOptions());
        assertEquals(q.length + 2, secondStart, "[CLS] question [SEP] context [SEP]");
        assertArrayEquals(c, java.util.Arrays.copyOfRange(whole.ids(), secondStart, secondStart + c.length));
        assertEquals(q.length, miniLm.pairSecondStart(q.length, miniLm.unboundedOptions().withSpecialTokens(false)));
    }

    /** The library's spans count Unicode code points (as Python does); ours are Java string indices. */
    private static TokenOffsets toCodePointOffsets(TokenOffsets codePointSpans, String text) {
        int[] starts = new int[codePointSpans.size()];
        int[] ends = new int[codePointSpans.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = text.offsetByCodePoints(0, codePointSpans.starts()[i]);
            ends[i] = text.offsetByCodePoints(0, codePointSpans.ends()[i]);
        }
        return new TokenOffsets(codePointSpans.ids(), starts, ends);
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? escape(text) : escape(text.substring(0, 80)) + "...";
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp >= 0x7F) {
                out.append(String.format("\\u{%X}", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
