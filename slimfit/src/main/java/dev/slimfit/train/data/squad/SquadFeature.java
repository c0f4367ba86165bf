package dev.slimfit.train.data.squad;

/**
 * One model input cut from a (question, context) pair: {@code [CLS] question [SEP] window [SEP]} padded to the
 * maximum length, where the window is a run of the context's tokens. A long context gives several features whose
 * windows overlap.
 *
 * @param exampleIndex  the example (in its dataset's order) the feature was cut from
 * @param ids           token ids, padded
 * @param typeIds       token type ids (1 on the window and the [SEP] after it)
 * @param attentionMask 1 on real tokens, 0 on padding
 * @param contextStart  index of the window's first token in {@code ids}
 * @param contextEnd    index after the window's last token
 * @param charStarts    for each position, where its token begins in the context; -1 outside the window
 * @param charEnds      for each position, where its token ends in the context (exclusive); -1 outside the window
 * @param startPosition the label: the token where the answer starts, or 0 ([CLS]) when the window does not hold the
 *                      whole answer or the question has none
 * @param endPosition   the token where the answer ends (inclusive), or 0 like {@code startPosition}
 */
public record SquadFeature(int exampleIndex, int[] ids, int[] typeIds, int[] attentionMask, int contextStart,
                           int contextEnd, int[] charStarts, int[] charEnds, int startPosition, int endPosition) {

    /** The label that means "no answer in this window": the [CLS] token at position 0. */
    public static final int NO_ANSWER_POSITION = 0;

    public int length() {
        return ids.length;
    }

    /** Whether the labels point at an answer (else both are {@link #NO_ANSWER_POSITION}). */
    public boolean hasAnswer() {
        return startPosition != NO_ANSWER_POSITION;
    }

    /**
     * The context text that the tokens {@code [startToken, endToken]} (inclusive, both inside the window) cover:
     * how a predicted span becomes an answer string.
     */
    public String spanText(String context, int startToken, int endToken) {
        if (startToken < contextStart || endToken >= contextEnd || startToken > endToken) {
            throw new IllegalArgumentException("tokens [" + startToken + ", " + endToken + "] are not a span of the "
                    + "window [" + contextStart + ", " + (contextEnd - 1) + "]");
        }
        return context.substring(charStarts[startToken], charEnds[endToken]);
    }
}
