package dev.slimfit.train.data.squad;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The official SQuAD scores: exact match and token F1 of a predicted answer against the gold answers, the maximum
 * over the gold answers, averaged over all questions and reported in percent. The two releases differ:
 * <ul>
 *   <li>1.1: the gold answers are all listed answers; F1 is 0 when prediction and gold share no word (even when
 *       both are empty).</li>
 *   <li>2.0: gold answers that normalize to nothing are dropped, and an unanswerable question's only gold answer is
 *       the empty string, so predicting "" for it scores 1; F1 is 1 when both sides are empty and 0 when only one
 *       is. Scores are also reported over the answerable ({@code HasAns}) and unanswerable ({@code NoAns})
 *       questions apart.</li>
 * </ul>
 * A question without a prediction scores 0 and is counted in {@link Result#missing()}.
 */
public final class SquadScoring {

    private SquadScoring() {
    }

    /**
     * Scores over a set of questions, in percent.
     *
     * @param exactMatch mean exact match over all questions
     * @param f1         mean F1 over all questions
     * @param total      number of questions
     * @param hasAnswer  the same over answerable questions only (2.0; for 1.1 every question)
     * @param noAnswer   the same over unanswerable questions only (empty for 1.1)
     * @param missing    questions that had no prediction
     */
    public record Result(double exactMatch, double f1, int total, Subset hasAnswer, Subset noAnswer, int missing) {
    }

    /** Mean exact match and F1, in percent, over {@code count} questions (NaN when there are none). */
    public record Subset(double exactMatch, double f1, int count) {
    }

    /** Whether the normalized prediction equals the normalized gold answer. */
    public static boolean exactMatch(String prediction, String gold) {
        return AnswerNormalizer.normalize(prediction).equals(AnswerNormalizer.normalize(gold));
    }

    /** Token F1 of the normalized prediction against one normalized gold answer, by the release's rule. */
    public static double f1(String prediction, String gold, SquadVersion version) {
        List<String> predicted = AnswerNormalizer.tokens(prediction);
        List<String> expected = AnswerNormalizer.tokens(gold);
        if (version == SquadVersion.V2_0 && (predicted.isEmpty() || expected.isEmpty())) {
            return predicted.isEmpty() && expected.isEmpty() ? 1 : 0;
        }
        Map<String, Integer> remaining = new HashMap<>();
        for (String word : expected) {
            remaining.merge(word, 1, Integer::sum);
        }
        int common = 0;
        for (String word : predicted) {
            Integer left = remaining.get(word);
            if (left != null && left > 0) {
                remaining.put(word, left - 1);
                common++;
            }
        }
        if (common == 0) {
            return 0;
        }
        double precision = common / (double) predicted.size();
        double recall = common / (double) expected.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** The gold answers a prediction is compared with, by the release's rule. */
    public static List<String> goldAnswers(SquadExample example, SquadVersion version) {
        List<String> gold = new ArrayList<>();
        for (SquadAnswer answer : example.answers()) {
            if (version == SquadVersion.V1_1 || !AnswerNormalizer.normalize(answer.text()).isEmpty()) {
                gold.add(answer.text());
            }
        }
        if (version == SquadVersion.V2_0 && gold.isEmpty()) {
            gold.add("");
        }
        return gold;
    }

    /** Scores {@code predictions} (answer text by question id; "" for "no answer") on a dataset. */
    public static Result evaluate(SquadDataset dataset, Map<String, String> predictions) {
        return evaluate(dataset.examples(), predictions, dataset.version());
    }

    public static Result evaluate(List<SquadExample> examples, Map<String, String> predictions,
                                  SquadVersion version) {
        double[] sums = new double[4]; // exact and F1 over answerable, then over unanswerable questions
        int answerable = 0;
        int missing = 0;
        for (SquadExample example : examples) {
            String prediction = predictions.get(example.id());
            double exact = 0;
            double f1 = 0;
            if (prediction == null) {
                missing++;
            } else {
                for (String gold : goldAnswers(example, version)) {
                    exact = Math.max(exact, exactMatch(prediction, gold) ? 1 : 0);
                    f1 = Math.max(f1, f1(prediction, gold, version));
                }
            }
            boolean hasAnswer = !example.answers().isEmpty();
            answerable += hasAnswer ? 1 : 0;
            sums[hasAnswer ? 0 : 2] += exact;
            sums[hasAnswer ? 1 : 3] += f1;
        }
        int total = examples.size();
        int unanswerable = total - answerable;
        return new Result(percent(sums[0] + sums[2], total), percent(sums[1] + sums[3], total), total,
                new Subset(percent(sums[0], answerable), percent(sums[1], answerable), answerable),
                new Subset(percent(sums[2], unanswerable), percent(sums[3], unanswerable), unanswerable), missing);
    }

    private static double percent(double sum, int count) {
        return count == 0 ? Double.NaN : 100.0 * sum / count;
    }
}
