package dev.slimfit.model.tokenizer;

/**
 * How to make encodings as long as each other (or as a fixed length). Padding positions get {@code padId},
 * {@code padTypeId} and attention mask 0. Padding never shortens an encoding.
 *
 * @param strategy   none, to the longest encoding of the batch, or to {@code length}
 * @param length     the target length of {@link Strategy#FIXED}
 * @param multipleOf when positive, the target length is rounded up to a multiple of it
 * @param side       where pad tokens go
 * @param padId      id of the pad token
 * @param padTypeId  token type id of padding positions
 */
public record Padding(Strategy strategy, int length, int multipleOf, Side side, int padId, int padTypeId) {

    /** Where the target length comes from. */
    public enum Strategy {
        NONE,
        /** The longest encoding of the batch (a single encoding is its own longest). */
        LONGEST,
        /** A fixed length. */
        FIXED
    }

    public Padding {
        if (strategy == null || side == null) {
            throw new IllegalArgumentException("padding strategy and side must be given");
        }
        if (length < 0 || multipleOf < 0 || padId < 0 || padTypeId < 0) {
            throw new IllegalArgumentException("padding length " + length + ", multipleOf " + multipleOf
                    + ", padId " + padId + " and padTypeId " + padTypeId + " must all be >= 0");
        }
    }

    /** No padding; the pad ids are kept for a later {@link #toLongest()} or {@link #toLength(int)}. */
    public static Padding none(int padId, int padTypeId) {
        return new Padding(Strategy.NONE, 0, 0, Side.RIGHT, padId, padTypeId);
    }

    public Padding toLongest() {
        return new Padding(Strategy.LONGEST, 0, multipleOf, side, padId, padTypeId);
    }

    public Padding toLength(int fixedLength) {
        return new Padding(Strategy.FIXED, fixedLength, multipleOf, side, padId, padTypeId);
    }

    public Padding disabled() {
        return new Padding(Strategy.NONE, 0, multipleOf, side, padId, padTypeId);
    }

    public Padding withMultipleOf(int multiple) {
        return new Padding(strategy, length, multiple, side, padId, padTypeId);
    }

    public Padding withSide(Side newSide) {
        return new Padding(strategy, length, multipleOf, newSide, padId, padTypeId);
    }

    /** The length encodings are padded to, given the longest one of the batch; -1 for no padding. */
    int targetLength(int longestInBatch) {
        int target = switch (strategy) {
            case NONE -> -1;
            case LONGEST -> longestInBatch;
            case FIXED -> length;
        };
        if (target >= 0 && multipleOf > 0 && target % multipleOf != 0) {
            target += multipleOf - target % multipleOf;
        }
        return target;
    }
}
