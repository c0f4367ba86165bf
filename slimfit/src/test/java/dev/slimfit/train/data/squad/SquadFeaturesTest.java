package dev.slimfit.train.data.squad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.kernels.TestRandom;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SQuAD windows and labels with the real MiniLM tokenizer: layouts and labels of constructed contexts whose words
 * are one token each (so every expected index is known in advance), answers inside words, unanswerable questions,
 * and random contexts, lengths and strides checked against the definition of the labels.
 */
class SquadFeaturesTest {

    /** Words that are one token each in the uncased BERT vocabulary. */
    private static final String[] ONE_TOKEN_WORDS = {"river", "city", "flows", "through", "north", "south",
        "bridge", "old", "new", "park", "church", "tower", "king", "queen", "built", "year", "stone", "gold"};
    /** Words and signs of every kind, for random contexts: pieces, punctuation, accents, digits. */
    private static final String[] ANY_WORDS = {"river", "unbelievably", "(1994)", "naïve", "Zürich's", "x-ray",
        "tokenization", "3.14", "—", "\"quoted\"", "the", "a", "Beyoncé", "北京", "hyperparameters"};
    private static final int RANDOM_CASES = 60;
    private static final int CLS = 101;
    private static final int SEP = 102;
    private static final int PAD = 0;

    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = MiniLmAssets.tokenizer();
        for (String word : ONE_TOKEN_WORDS) {
            assertEquals(1, tokenizer.tokenIds(word).length, word);
        }
    }

    @Test
    void windowsOverlapByTheStrideAndLabelsPointAtTheAnswerTokens() {
        int words = 30;
        String context = oneTokenContext(words);
        // question "city river" is 2 tokens: window = 16 - 3 - 2 = 11 tokens, step 11 - 4 = 7: windows start at
        // 0, 7, 14, 21 (the last, 21..30, reaches the end)
        int answerFirst = 15;
        int answerLast = 17;
        SquadExample example = example(context, answerFirst, answerLast, " \t city river");
        List<SquadFeature> features = new SquadFeatures(tokenizer, 16, 4).of(example, 7);
        int[] contextIds = tokenizer.tokenIds(context);
        int[] question = tokenizer.tokenIds("city river");
        assertEquals(List.of(0, 7, 14, 21), features.stream().map(f -> firstWord(f, context)).toList());
        for (SquadFeature feature : features) {
            int first = firstWord(feature, context);
            int last = Math.min(first + 11, words);
            assertEquals(7, feature.exampleIndex());
            assertEquals(4, feature.contextStart());
            assertEquals(4 + last - first, feature.contextEnd());
            int[] expectedIds = new int[16];
            int[] expectedTypes = new int[16];
            int[] expectedMask = new int[16];
            expectedIds[0] = CLS;
            System.arraycopy(question, 0, expectedIds, 1, 2);
            expectedIds[3] = SEP;
            System.arraycopy(contextIds, first, expectedIds, 4, last - first);
            expectedIds[4 + last - first] = SEP;
            Arrays.fill(expectedIds, 5 + last - first, 16, PAD);
            Arrays.fill(expectedTypes, 4, 5 + last - first, 1);
            Arrays.fill(expectedMask, 0, 5 + last - first, 1);
            assertArrayEquals(expectedIds, feature.ids());
            assertArrayEquals(expectedTypes, feature.typeIds());
            assertArrayEquals(expectedMask, feature.attentionMask());
            assertEquals(-1, feature.charStarts()[3]);
            assertEquals(-1, feature.charStarts()[feature.contextEnd()]);
            boolean holdsAnswer = first <= answerFirst && answerLast < last;
            assertEquals(holdsAnswer ? 4 + answerFirst - first : 0, feature.startPosition(), "window at " + first);
            assertEquals(holdsAnswer ? 4 + answerLast - first : 0, feature.endPosition(), "window at " + first);
            if (holdsAnswer) {
                assertEquals(example.answers().getFirst().text(),
                        feature.spanText(context, feature.startPosition(), feature.endPosition()));
            }
        }
        assertEquals(2, features.stream().filter(SquadFeature::hasAnswer).count(), "windows 7..18 and 14..25");
    }

    @Test
    void anAnswerInTheLastTokenOfAWindowIsLabelledInsideIt() {
        String context = oneTokenContext(20);
        // one-token question: window = 12 - 3 - 1 = 8 tokens; word 7 is the last token of the first window
        SquadExample example = example(context, 7, 7, "city");
        SquadFeature first = new SquadFeatures(tokenizer, 12, 2).of(example, 0).getFirst();
        assertEquals(first.contextEnd() - 1, first.startPosition());
        assertEquals(first.contextEnd() - 1, first.endPosition());
    }

    @Test
    void answersInsideWordsTakeTheTokensThatContainTheirEnds() {
        String context = "It opened in (1994) and was unbelievably popular.";
        SquadFeatures features = new SquadFeatures(tokenizer, 64, 8);
        String[] answers = {"1994", "believ", "unbelievably popular", "(1994)"};
        String[][] expectedPieces = {{"1994"}, {"##bel", "##ie", "##va"}, {"un", "##bel", "##ie", "##va", "##bly",
            "popular"}, {"(", "1994", ")"}};
        for (int a = 0; a < answers.length; a++) {
            int start = context.indexOf(answers[a]);
            SquadExample example = new SquadExample("q", "t", "Which?", context,
                    List.of(new SquadAnswer(answers[a], start)), false, List.of());
            SquadFeature feature = features.of(example, 0).getFirst();
            List<String> pieces = new ArrayList<>();
            for (int t = feature.startPosition(); t <= feature.endPosition(); t++) {
                pieces.add(tokenizer.idToToken(feature.ids()[t]));
            }
            assertEquals(List.of(expectedPieces[a]), pieces, answers[a]);
        }
        assertEquals(List.of("un", "##bel", "##ie", "##va", "##bly"), tokenizer.tokenize("unbelievably"),
                "the expectation above assumes this split");
    }

    @Test
    void unanswerableQuestionsAreLabelledWithClsInEveryWindow() {
        String context = oneTokenContext(25);
        SquadExample example = new SquadExample("q", "t", "city", context, List.of(), true,
                List.of(new SquadAnswer("river", 0)));
        List<SquadFeature> features = new SquadFeatures(tokenizer, 10, 2).of(example, 0);
        assertTrue(features.size() > 1);
        for (SquadFeature feature : features) {
            assertEquals(0, feature.startPosition());
            assertEquals(0, feature.endPosition());
        }
    }

    @Test
    void anEmptyContextGivesOneWindowWithoutTokens() {
        SquadExample example = new SquadExample("q", "t", "city", "", List.of(), true, List.of());
        List<SquadFeature> features = new SquadFeatures(tokenizer, 8, 1).of(List.of(example));
        assertEquals(1, features.size());
        assertEquals(features.getFirst().contextStart(), features.getFirst().contextEnd());
    }

    @Test
    void invalidLengthsAndTooLongQuestionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SquadFeatures(tokenizer, 10, 7));
        assertThrows(IllegalArgumentException.class, () -> new SquadFeatures(tokenizer, 10, -1));
        SquadExample longQuestion = example(oneTokenContext(5), 0, 0, oneTokenContext(10));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new SquadFeatures(tokenizer, 16, 4).of(longQuestion, 0));
        assertTrue(error.getMessage().contains("'id' has 10 tokens") && error.getMessage().contains("leaves 3"),
                error.getMessage());
    }

    @Test
    void randomContextsLengthsAndStridesFollowTheLabelDefinition() {
        TestRandom random = new TestRandom();
        for (int c = 0; c < RANDOM_CASES; c++) {
            int wordCount = 1 + random.ints(1, 60)[0];
            int[] picks = random.ints(wordCount, ANY_WORDS.length);
            StringBuilder text = new StringBuilder();
            int[] wordStarts = new int[wordCount];
            for (int w = 0; w < wordCount; w++) {
                text.append(w == 0 ? "" : " ");
                wordStarts[w] = text.length();
                text.append(ANY_WORDS[picks[w]]);
            }
            String context = text.toString();
            int[] span = random.ints(2, wordCount);
            int firstWord = Math.min(span[0], span[1]);
            int lastWord = Math.max(span[0], span[1]);
            int answerStart = wordStarts[firstWord];
            int answerEnd = wordStarts[lastWord] + ANY_WORDS[picks[lastWord]].length();
            SquadAnswer answer = new SquadAnswer(context.substring(answerStart, answerEnd), answerStart);
            SquadExample example = new SquadExample("q" + c, "t", "What city?", context, List.of(answer), false,
                    List.of());
            int maxLength = 10 + random.ints(1, 40)[0];
            int window = maxLength - 3 - tokenizer.tokenIds("What city?").length;
            int stride = random.ints(1, window)[0];
            String where = "case " + c + " (max length " + maxLength + ", stride " + stride + ", answer '"
                    + answer.text() + "' in '" + context + "'), " + random.describe();
            checkFeatures(example, new SquadFeatures(tokenizer, maxLength, stride).of(example, c), window, stride,
                    where);
        }
    }

    private static void checkFeatures(SquadExample example, List<SquadFeature> features, int window, int stride,
                                      String where) {
        SquadAnswer answer = example.answers().getFirst();
        int total = tokenizer.tokenIds(example.context()).length;
        int covered = 0;
        boolean anyAnswer = false;
        for (int f = 0; f < features.size(); f++) {
            SquadFeature feature = features.get(f);
            int size = feature.contextEnd() - feature.contextStart();
            int expectedStart = f * (window - stride);
            // the window's first token is context token f * step: compare through its character offset
            assertEquals(tokenizer.tokenizeWithOffsets(example.context()).starts()[expectedStart],
                    feature.charStarts()[feature.contextStart()], where);
            assertEquals(Math.min(window, total - expectedStart), size, where);
            covered = expectedStart + size;
            if (f > 0) {
                assertEquals(window, features.get(f - 1).contextEnd() - features.get(f - 1).contextStart(),
                        "only the last window may be short, " + where);
            }
            int windowFrom = feature.charStarts()[feature.contextStart()];
            int windowTo = feature.charEnds()[feature.contextEnd() - 1];
            boolean holds = windowFrom <= answer.start() && answer.end() <= windowTo;
            assertEquals(holds, feature.hasAnswer(), where + ", feature " + f);
            if (holds) {
                anyAnswer = true;
                int s = feature.startPosition();
                int e = feature.endPosition();
                assertTrue(s <= e, where);
                assertTrue(feature.charStarts()[s] <= answer.start() && answer.start() < feature.charEnds()[s], where);
                assertTrue(feature.charStarts()[e] < answer.end() && answer.end() <= feature.charEnds()[e], where);
                assertTrue(feature.spanText(example.context(), s, e).contains(answer.text()), where);
            } else {
                assertEquals(0, feature.endPosition(), where);
            }
        }
        assertEquals(total, covered, "the last window reaches the end of the context, " + where);
        // windows overlap by the stride, so an answer of at most stride + 1 tokens lies whole in one of them
        assertTrue(anyAnswer || answerTokens(example) > stride + 1, "an answer that fits the overlap is found, "
                + where);
    }

    /** How many of the context's tokens the first answer overlaps. */
    private static int answerTokens(SquadExample example) {
        SquadAnswer answer = example.answers().getFirst();
        var offsets = tokenizer.tokenizeWithOffsets(example.context());
        int count = 0;
        for (int t = 0; t < offsets.size(); t++) {
            count += offsets.starts()[t] < answer.end() && offsets.ends()[t] > answer.start() ? 1 : 0;
        }
        return count;
    }

    private static String oneTokenContext(int words) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            text.append(w == 0 ? "" : " ").append(ONE_TOKEN_WORDS[w % ONE_TOKEN_WORDS.length]);
        }
        return text.toString();
    }

    /** An example whose answer is the words {@code [firstWord, lastWord]} of a one-token-per-word context. */
    private static SquadExample example(String context, int firstWord, int lastWord, String question) {
        String[] words = context.split(" ");
        int start = 0;
        for (int w = 0; w < firstWord; w++) {
            start += words[w].length() + 1;
        }
        String answer = String.join(" ", Arrays.asList(words).subList(firstWord, lastWord + 1));
        return new SquadExample("id", "title", question, context, List.of(new SquadAnswer(answer, start)), false,
                List.of());
    }

    /** Which word of a one-token-per-word context the feature's window starts at. */
    private static int firstWord(SquadFeature feature, String context) {
        int charStart = feature.charStarts()[feature.contextStart()];
        return context.substring(0, charStart).split(" ", -1).length - 1;
    }
}
