package dev.slimfit.model.assets;

/**
 * One movie review of the IMDB sentiment set.
 *
 * @param text  the review, with its HTML line breaks ("&lt;br /&gt;") turned into spaces
 * @param label 1 for positive, 0 for negative
 */
public record ImdbReview(String text, int label) {

    public ImdbReview {
        if (text == null) {
            throw new IllegalArgumentException("review text is null");
        }
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("review label " + label + " is neither 0 nor 1");
        }
    }
}
