package dev.slimfit.model.tokenizer;

/**
 * How to cut encodings that are too long. {@code maxLength} counts the whole encoding, special tokens included
 * (they are never cut): with BERT's template a single sequence keeps {@code maxLength - 2} tokens of its own.
 *
 * @param maxLength the longest encoding allowed
 * @param strategy  which sequence of a pair gives tokens up
 * @param side      which end is cut
 */
public record Truncation(int maxLength, Strategy strategy, Side side) {

    /** Which sequence of a pair loses tokens. A single sequence is cut the same way by all three. */
    public enum Strategy {
        /**
         * Both, balanced: the shorter sequence keeps all its tokens if the longer can still have at least as
         * many, otherwise each gets half the room (the second sequence the odd token).
         */
        LONGEST_FIRST,
        /** Only the first sequence; an error if cutting it to nothing is not enough. */
        ONLY_FIRST,
        /** Only the second sequence; an error if cutting it to nothing is not enough, or there is none. */
        ONLY_SECOND
    }

    /** No truncation: encodings keep every token. */
    public static final Truncation NONE = new Truncation(Integer.MAX_VALUE, Strategy.LONGEST_FIRST, Side.RIGHT);

    public Truncation {
        if (maxLength < 0) {
            throw new IllegalArgumentException("truncation max length " + maxLength + " < 0");
        }
        if (strategy == null || side == null) {
            throw new IllegalArgumentException("truncation strategy and side must be given");
        }
    }

    /** Longest-first from the right, the library's default. */
    public static Truncation toLength(int maxLength) {
        return new Truncation(maxLength, Strategy.LONGEST_FIRST, Side.RIGHT);
    }

    public boolean enabled() {
        return maxLength != Integer.MAX_VALUE;
    }
}
