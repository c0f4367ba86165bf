package dev.slimfit.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncation, padding, batching and the WordPiece rules, each checked against an independent formulation. */
class WordPieceTokenizerTest {

    private static WordPieceTokenizer miniLm;
    private static List<String> reviews;
    private static int cls;
    private static int sep;
    private static int pad;

    @BeforeAll
    static void load() {
        miniLm = TokenizerFixtures.miniLm();
        reviews = TokenizerFixtures.reviewSample();
        cls = miniLm.tokenToId("[CLS]");
        sep = miniLm.tokenToId("[SEP]");
        pad = miniLm.tokenToId("[PAD]");
    }

    /**
     * Longest-first truncation equals removing one token at a time from the longer sequence (on a tie, from the
     * one that was shorter at the start, or the first when they started equal): the closed formula of the
     * library, stated the slow, obvious way.
     */
    @Test
    void longestFirstTruncationRemovesFromTheLongerSequenceOneTokenAtATime() {
        TestRandom random = new TestRandom();
        for (int trial = 0; trial < 300; trial++) {
            int[] first = miniLm.tokenIds(randomText(random, random.nextInt(60)));
            int[] second = miniLm.tokenIds(randomText(random, random.nextInt(60)));
            int maxLength = 3 + random.nextInt(100);
            Side side = random.nextInt(2) == 0 ? Side.RIGHT : Side.LEFT;
            EncodeOptions options = miniLm.unboundedOptions()
                    .withTruncation(new Truncation(maxLength, Truncation.Strategy.LONGEST_FIRST, side));

            int[] kept = keptByRemovingFromTheLonger(first.length, second.length, maxLength - 3);
            int[] expected = concat(new int[] {cls}, keep(first, kept[0], side), new int[] {sep},
                    keep(second, kept[1], side), new int[] {sep});
            Encoding pair = miniLm.encodePair(text(first), text(second), options);
            String context = "lengths " + first.length + "+" + second.length + ", max " + maxLength + ", " + side
                    + ", " + random.describe();
            assertArrayEquals(expected, pair.ids(), context);
            assertEquals(expectedTypeIds(kept[0], kept[1]), Arrays.toString(pair.typeIds()), context);

            int singleKeep = Math.min(first.length, maxLength - 2);
            assertArrayEquals(concat(new int[] {cls}, keep(first, singleKeep, side), new int[] {sep}),
                    miniLm.encode(text(first), options).ids(), "single, " + context);
        }
    }

    @Test
    void onlyFirstAndOnlySecondCutOneSequenceOrFail() {
        TestRandom random = new TestRandom();
        for (int trial = 0; trial < 200; trial++) {
            int[] first = miniLm.tokenIds(randomText(random, random.nextInt(40)));
            int[] second = miniLm.tokenIds(randomText(random, random.nextInt(40)));
            int maxLength = 3 + random.nextInt(60);
            boolean cutFirst = random.nextInt(2) == 0;
            EncodeOptions options = miniLm.unboundedOptions().withTruncation(new Truncation(maxLength,
                    cutFirst ? Truncation.Strategy.ONLY_FIRST : Truncation.Strategy.ONLY_SECOND, Side.RIGHT));
            int excess = first.length + second.length + 3 - maxLength;
            int targetLength = cutFirst ? first.length : second.length;
            String context = "lengths " + first.length + "+" + second.length + ", max " + maxLength + ", cut "
                    + (cutFirst ? "first" : "second") + ", " + random.describe();
            if (excess > 0 && targetLength <= excess) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> miniLm.encodePair(text(first), text(second), options), context);
                assertTrue(e.getMessage().contains("too few to remove " + excess), e.getMessage());
                continue;
            }
            int keepFirst = cutFirst ? first.length - Math.max(0, excess) : first.length;
            int keepSecond = cutFirst ? second.length : second.length - Math.max(0, excess);
            assertArrayEquals(concat(new int[] {cls}, keep(first, keepFirst, Side.RIGHT), new int[] {sep},
                            keep(second, keepSecond, Side.RIGHT), new int[] {sep}),
                    miniLm.encodePair(text(first), text(second), options).ids(), context);
        }
    }

    @Test
    void truncationThatLeavesNoRoomForTheSpecialTokensIsRejected() {
        EncodeOptions options = miniLm.unboundedOptions().truncatedTo(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> miniLm.encodePair("a", "b", options));
        assertTrue(e.getMessage().contains("adds 3 special tokens"), e.getMessage());
        assertEquals(2, miniLm.encode("a b c", options).length(), "a single sequence has room for its 2 specials");
        // as in the library, ONLY_SECOND on a single sequence is an error only once something must be cut
        EncodeOptions onlySecond = miniLm.unboundedOptions()
                .withTruncation(new Truncation(5, Truncation.Strategy.ONLY_SECOND, Side.RIGHT));
        assertEquals(3, miniLm.encode("a", onlySecond).length());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> miniLm.encode("a b c d e f", onlySecond))
                .getMessage().contains("ONLY_SECOND needs a pair"));
        assertEquals(0, miniLm.encode("some words", miniLm.unboundedOptions().withSpecialTokens(false)
                .truncatedTo(0)).length());
    }

    /** Padding keeps every row's tokens in place and fills the rest with pad id, type 0 and mask 0. */
    @Test
    void paddingToTheLongestToAFixedLengthAndToAMultiple() {
        TestRandom random = new TestRandom();
        for (int trial = 0; trial < 30; trial++) {
            int batch = 1 + random.nextInt(9);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                texts.add(randomText(random, random.nextInt(50)));
            }
            Side side = random.nextInt(2) == 0 ? Side.RIGHT : Side.LEFT;
            int multiple = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(16);
            boolean fixed = random.nextInt(2) == 0;
            int fixedLength = random.nextInt(60);
            Padding base = miniLm.unboundedOptions().padding().withSide(side).withMultipleOf(multiple);
            EncodeOptions options = miniLm.unboundedOptions()
                    .withPadding(fixed ? base.toLength(fixedLength) : base.toLongest());
            List<Encoding> unpadded = new ArrayList<>();
            int longest = 0;
            for (String text : texts) {
                Encoding e = miniLm.encode(text, miniLm.unboundedOptions());
                unpadded.add(e);
                longest = Math.max(longest, e.length());
            }
            int target = fixed ? fixedLength : longest;
            if (multiple > 0) {
                target = (target + multiple - 1) / multiple * multiple;
            }
            BatchEncoding padded = miniLm.encodeBatch(texts, options);
            String context = (fixed ? "fixed " + fixedLength : "longest") + ", multiple " + multiple + ", " + side
                    + ", " + random.describe();
            for (int r = 0; r < batch; r++) {
                Encoding row = padded.row(r);
                Encoding plain = unpadded.get(r);
                int length = Math.max(target, plain.length());
                assertEquals(length, row.length(), context);
                int padCount = length - plain.length();
                int offset = side == Side.LEFT ? padCount : 0;
                for (int i = 0; i < length; i++) {
                    boolean isPad = i < offset || i >= offset + plain.length();
                    assertEquals(isPad ? pad : plain.ids()[i - offset], row.ids()[i], context);
                    assertEquals(isPad ? 0 : plain.typeIds()[i - offset], row.typeIds()[i], context);
                    assertEquals(isPad ? 0 : 1, row.attentionMask()[i], context);
                }
            }
        }
    }

    @Test
    void batchesGiveRowMajorFlatArraysOnceRectangular() {
        TestRandom random = new TestRandom();
        List<String> texts = new ArrayList<>();
        List<String> seconds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            texts.add(reviews.get(random.nextInt(reviews.size())));
            seconds.add(randomText(random, 1 + random.nextInt(10)));
        }
        EncodeOptions options = miniLm.unboundedOptions().truncatedTo(48).paddedToLongest();
        BatchEncoding batch = miniLm.encodePairBatch(texts, seconds, options);
        int length = batch.sequenceLength();
        int[] ids = batch.flatIds();
        int[] types = batch.flatTypeIds();
        int[] mask = batch.flatAttentionMask();
        assertEquals(7 * length, ids.length);
        for (int r = 0; r < 7; r++) {
            Encoding single = miniLm.encodePair(texts.get(r), seconds.get(r), options.withoutPadding());
            for (int i = 0; i < length; i++) {
                Encoding row = batch.row(r);
                assertEquals(row.ids()[i], ids[r * length + i], random.describe());
                assertEquals(row.typeIds()[i], types[r * length + i], random.describe());
                assertEquals(row.attentionMask()[i], mask[r * length + i], random.describe());
            }
            assertArrayEquals(single.ids(), Arrays.copyOf(batch.row(r).ids(), single.length()), random.describe());
        }

        BatchEncoding ragged = miniLm.encodeBatch(List.of("one", "two words here"), miniLm.unboundedOptions());
        IllegalStateException e = assertThrows(IllegalStateException.class, ragged::flatIds);
        assertTrue(e.getMessage().contains("pad the batch"), e.getMessage());

        BatchEncoding empty = miniLm.encodeBatch(List.of(), options);
        assertEquals(0, empty.batchSize());
        assertEquals(0, empty.flatIds().length);
        assertThrows(IllegalArgumentException.class,
                () -> miniLm.encodePairBatch(List.of("a", "b"), List.of("c"), options));
    }

    /**
     * The WordPiece rules on a made-up vocabulary: greedy longest match from the start, "##" pieces after it, a
     * word with any unmatched rest is [UNK] as a whole, and a word over the length limit is [UNK].
     */
    @Test
    void wordPieceTakesTheLongestPieceFirstAndGivesUpOnWholeWords(@TempDir Path dir) throws IOException {
        Path vocab = dir.resolve("vocab.txt");
        Files.writeString(vocab, String.join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff",
                "##able", "##a", "##ff", "aff", "able", "##abl", "##e", "u", "##n", "!", "🙂", "##🙂") + "\n");
        WordPieceTokenizer tiny = WordPieceTokenizer.fromVocabTxt(vocab, BertVocabOptions.uncased());
        assertEquals(List.of("un", "##aff", "##able"), tiny.tokenize("unaffable"));
        assertEquals(List.of("un", "##aff", "##able", "!", "un", "##aff", "##able", "##e", "[UNK]"),
                tiny.tokenize("UNAFFABLE! unaffablee unaffablx"));
        assertEquals(List.of("🙂", "##🙂", "##🙂", "[UNK]"), tiny.tokenize("🙂🙂🙂 🙂x"));

        BertVocabOptions shortWords = new BertVocabOptions(true, null, true, true, "[UNK]", "[CLS]", "[SEP]",
                "[PAD]", "[MASK]", "##", 4);
        WordPieceTokenizer limited = WordPieceTokenizer.fromVocabTxt(vocab, shortWords);
        assertEquals(List.of("un", "[UNK]", "🙂", "##🙂", "##🙂", "##🙂", "[UNK]"),
                limited.tokenize("un unaff 🙂🙂🙂🙂 🙂🙂🙂🙂🙂"), "the limit counts code points, not chars");
    }

    @Test
    void everyVocabularyIdMapsToItsTokenAndBack() {
        for (int id = 0; id < miniLm.vocabSize(); id++) {
            String token = miniLm.idToToken(id);
            assertEquals(id, miniLm.tokenToId(token), token);
        }
        assertEquals(30_522, miniLm.vocabSize());
        assertEquals(-1, miniLm.tokenToId("no such token"));
        assertEquals(null, miniLm.idToToken(miniLm.vocabSize()));
    }

    // --- helpers ---

    private static int[] keptByRemovingFromTheLonger(int firstLength, int secondLength, int budget) {
        int a = firstLength;
        int b = secondLength;
        boolean firstStartedShorter = firstLength <= secondLength;
        while (a + b > budget) {
            if (a > b) {
                a--;
            } else if (b > a) {
                b--;
            } else if (firstStartedShorter) {
                a--;
            } else {
                b--;
            }
        }
        return new int[] {a, b};
    }

    private static int[] keep(int[] ids, int count, Side side) {
        return side == Side.RIGHT ? Arrays.copyOf(ids, count) : Arrays.copyOfRange(ids, ids.length - count, ids.length);
    }

    private static String expectedTypeIds(int firstKept, int secondKept) {
        int[] types = new int[firstKept + secondKept + 3];
        Arrays.fill(types, firstKept + 2, types.length, 1);
        return Arrays.toString(types);
    }

    private static int[] concat(int[]... parts) {
        int length = 0;
        for (int[] part : parts) {
            length += part.length;
        }
        int[] out = new int[length];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** Text that tokenizes to exactly these ids: each vocabulary word stands alone, "##" pieces glue on. */
    private static String text(int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            String token = miniLm.idToToken(id);
            if (token.startsWith("##")) {
                text.append(token, 2, token.length());
            } else {
                text.append(' ').append(token);
            }
        }
        return text.toString();
    }

    /** About {@code words} words of a random review, starting at a random word. */
    private static String randomText(TestRandom random, int words) {
        String[] all = reviews.get(random.nextInt(reviews.size())).split(" ");
        int start = random.nextInt(all.length);
        return String.join(" ", Arrays.copyOfRange(all, start, Math.min(all.length, start + words)));
    }
}
