package dev.slimfit.train.data.glue;

import dev.slimfit.train.data.RegressionSplit;
import dev.slimfit.train.task.TextClassificationTask;

import java.nio.file.Path;
import java.util.List;

/**
 * One split of a GLUE task as read from its file: the texts (and second texts of pair tasks), and either label
 * indices (classification) or scores (STS-B).
 *
 * @param file        the file it was read from
 * @param texts       first sentence (or question) of each example
 * @param secondTexts second sentence of each example, or null for single-sentence tasks
 * @param labels      label index of each example, or null for a regression task
 * @param targets     score of each example, or null for a classification task
 * @param skippedRows "line N: problem" for each row left out under {@link MalformedRows#SKIP}
 */
public record GlueSplit(Path file, List<String> texts, List<String> secondTexts, int[] labels, float[] targets,
                        List<String> skippedRows) {

    public GlueSplit {
        texts = List.copyOf(texts);
        secondTexts = secondTexts == null ? null : List.copyOf(secondTexts);
        skippedRows = List.copyOf(skippedRows);
        if ((labels == null) == (targets == null)) {
            throw new IllegalArgumentException("a GLUE split has either labels or targets");
        }
        int size = labels != null ? labels.length : targets.length;
        if (texts.size() != size || (secondTexts != null && secondTexts.size() != size)) {
            throw new IllegalArgumentException("split has " + texts.size() + " texts for " + size + " labels");
        }
    }

    public int size() {
        return texts.size();
    }

    public boolean isRegression() {
        return targets != null;
    }

    /** The split for {@link TextClassificationTask}; only for classification tasks. */
    public TextClassificationTask.Split classification() {
        if (labels == null) {
            throw new IllegalStateException(file + " holds scores (a regression task), not labels");
        }
        return new TextClassificationTask.Split(texts, secondTexts, labels);
    }

    /** The split with its float targets; only for regression tasks (STS-B). */
    public RegressionSplit regression() {
        if (targets == null) {
            throw new IllegalStateException(file + " holds labels (a classification task), not scores");
        }
        return new RegressionSplit(texts, secondTexts, targets);
    }
}
