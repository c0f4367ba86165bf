package dev.slimfit.model.tokenizer;

/**
 * Everything that shapes an encoding beyond the text: special tokens, truncation and padding. Immutable; the
 * {@code with...} methods return changed copies. A tokenizer's {@link WordPieceTokenizer#defaultOptions()}
 * carries its file's settings and pad token.
 *
 * @param addSpecialTokens whether the template's special tokens ([CLS], [SEP]) are added
 * @param truncation       how long encodings are cut ({@link Truncation#NONE} for not at all)
 * @param padding          how encodings are padded
 */
public record EncodeOptions(boolean addSpecialTokens, Truncation truncation, Padding padding) {

    public EncodeOptions {
        if (truncation == null || padding == null) {
            throw new IllegalArgumentException("truncation and padding must be given (Truncation.NONE, Padding.none)");
        }
    }

    public EncodeOptions withSpecialTokens(boolean add) {
        return new EncodeOptions(add, truncation, padding);
    }

    public EncodeOptions withTruncation(Truncation newTruncation) {
        return new EncodeOptions(addSpecialTokens, newTruncation, padding);
    }

    /** Longest-first truncation to {@code maxLength} tokens, special tokens included. */
    public EncodeOptions truncatedTo(int maxLength) {
        return withTruncation(Truncation.toLength(maxLength));
    }

    public EncodeOptions withoutTruncation() {
        return withTruncation(Truncation.NONE);
    }

    public EncodeOptions withPadding(Padding newPadding) {
        return new EncodeOptions(addSpecialTokens, truncation, newPadding);
    }

    /** Pads every encoding of a batch to the batch's longest one. */
    public EncodeOptions paddedToLongest() {
        return withPadding(padding.toLongest());
    }

    /** Pads every encoding to {@code length} tokens. */
    public EncodeOptions paddedTo(int length) {
        return withPadding(padding.toLength(length));
    }

    public EncodeOptions withoutPadding() {
        return withPadding(padding.disabled());
    }
}
