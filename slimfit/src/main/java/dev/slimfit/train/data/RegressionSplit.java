package dev.slimfit.train.data;

import java.util.List;

/**
 * The texts and real-valued targets of one split of a regression task (STS-B's similarity scores):
 * {@code secondTexts} is null for single-sentence tasks. The counterpart of
 * {@link dev.slimfit.train.task.TextClassificationTask.Split} for a float target.
 */
public record RegressionSplit(List<String> texts, List<String> secondTexts, float[] targets) {

    public RegressionSplit {
        texts = List.copyOf(texts);
        secondTexts = secondTexts == null ? null : List.copyOf(secondTexts);
        if (texts.size() != targets.length || (secondTexts != null && secondTexts.size() != targets.length)) {
            throw new IllegalArgumentException("split has " + texts.size() + " texts for " + targets.length
                    + " targets");
        }
    }

    public int size() {
        return targets.length;
    }
}
