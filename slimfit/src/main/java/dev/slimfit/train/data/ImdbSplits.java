package dev.slimfit.train.data;

import dev.slimfit.model.assets.ImdbReview;
import dev.slimfit.model.assets.ImdbReviews;
import dev.slimfit.train.task.TextClassificationTask;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fixed train/eval split of IMDB used by every run: the 50,000 reviews (sorted by label in the package) are
 * shuffled once with {@link #SPLIT_SEED} (Fisher–Yates over {@link SplittableRandom}); the first {@code evalSize}
 * reviews are the evaluation set and the rest the training set. The split does not depend on the run's seed, so
 * runs with different seeds are evaluated on the same reviews.
 */
public final class ImdbSplits {

    /** Seed of the one shuffle that defines the split. */
    public static final long SPLIT_SEED = 20_240_611L;

    private ImdbSplits() {
    }

    /** Train and eval splits; {@code evalSize} reviews for evaluation. */
    public static TextClassificationTask.Split[] load(int evalSize) throws IOException {
        return split(ImdbReviews.load(), evalSize);
    }

    static TextClassificationTask.Split[] split(List<ImdbReview> reviews, int evalSize) {
        if (evalSize <= 0 || evalSize >= reviews.size()) {
            throw new IllegalArgumentException("the evaluation set size must be in [1, " + (reviews.size() - 1)
                    + "], got " + evalSize);
        }
        List<ImdbReview> shuffled = new ArrayList<>(reviews);
        SplittableRandom random = new SplittableRandom(SPLIT_SEED);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            ImdbReview t = shuffled.get(i);
            shuffled.set(i, shuffled.get(j));
            shuffled.set(j, t);
        }
        return new TextClassificationTask.Split[] {
            toSplit(shuffled.subList(evalSize, shuffled.size())), toSplit(shuffled.subList(0, evalSize))};
    }

    private static TextClassificationTask.Split toSplit(List<ImdbReview> reviews) {
        List<String> texts = new ArrayList<>(reviews.size());
        int[] labels = new int[reviews.size()];
        for (int i = 0; i < reviews.size(); i++) {
            texts.add(reviews.get(i).text());
            labels[i] = reviews.get(i).label();
        }
        return new TextClassificationTask.Split(texts, null, labels);
    }
}
