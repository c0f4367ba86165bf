package dev.slimfit.train.data.squad;

import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Answer selection over a question's windows, against a brute-force search of every valid span on random logits,
 * and the SQuAD 2.0 "no answer" rule.
 */
class SquadAnswerSelectionTest {

    private static final String CONTEXT = "the old stone bridge was built by the king in the year of the great flood "
            + "and the new tower stands north of the river near the church and the park of the city";

    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = MiniLmAssets.tokenizer();
    }

    private static SquadExample example() {
        int start = CONTEXT.indexOf("new tower");
        return new SquadExample("q", "t", "what stands north of the river?", CONTEXT,
                List.of(new SquadAnswer("new tower", start)), false, List.of());
    }

    @Test
    void picksTheBestValidSpanOverAllWindows() {
        SquadExample example = example();
        // short windows so that the context needs several, overlapping ones
        List<SquadFeature> features = new SquadFeatures(tokenizer, 24, 5).of(example, 0);
        SplittableRandom random = new SplittableRandom(11);
        int maxTokens = 4;
        SquadAnswerSelection selection = new SquadAnswerSelection(1000, maxTokens);
        for (int trial = 0; trial < 50; trial++) {
            List<float[]> starts = new ArrayList<>();
            List<float[]> ends = new ArrayList<>();
            double bestScore = Double.NEGATIVE_INFINITY;
            String expected = null;
            for (SquadFeature f : features) {
                float[] s = randomLogits(random, f.length());
                float[] e = randomLogits(random, f.length());
                starts.add(s);
                ends.add(e);
                for (int a = f.contextStart(); a < f.contextEnd(); a++) {
                    for (int b = a; b < f.contextEnd() && b - a < maxTokens; b++) {
                        if (s[a] + e[b] > bestScore) {
                            bestScore = s[a] + e[b];
                            expected = f.spanText(CONTEXT, a, b);
                        }
                    }
                }
            }
            assertEquals(expected, selection.answer(example, features, starts, ends, SquadVersion.V1_1),
                    "trial " + trial);
        }
    }

    @Test
    void squad2AnswersNothingWhenTheClsScoreWins() {
        SquadExample example = example();
        List<SquadFeature> features = new SquadFeatures(tokenizer, 64, 16).of(example, 0);
        SquadFeature only = features.getFirst();
        float[] start = new float[only.length()];
        float[] end = new float[only.length()];
        start[only.startPosition()] = 3;
        end[only.endPosition()] = 3;
        start[SquadFeature.NO_ANSWER_POSITION] = 2;
        end[SquadFeature.NO_ANSWER_POSITION] = 2;
        SquadAnswerSelection selection = SquadAnswerSelection.defaults();
        assertEquals(1, features.size());
        assertEquals("new tower", selection.answer(example, features, List.of(start), List.of(end),
                SquadVersion.V2_0));
        start[SquadFeature.NO_ANSWER_POSITION] = 4;
        end[SquadFeature.NO_ANSWER_POSITION] = 4;
        assertEquals("", selection.answer(example, features, List.of(start), List.of(end), SquadVersion.V2_0));
        assertEquals("new tower", selection.answer(example, features, List.of(start), List.of(end),
                SquadVersion.V1_1), "1.1 always answers");
    }

    private static float[] randomLogits(SplittableRandom random, int n) {
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        return logits;
    }
}
