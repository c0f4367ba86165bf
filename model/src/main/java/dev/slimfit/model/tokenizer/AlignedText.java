package dev.slimfit.model.tokenizer;

/**
 * A normalized text that remembers where each of its chars came from: char {@code i} of {@code text} was produced
 * by the source chars {@code [sourceStarts[i], sourceEnds[i])} (one code point of the source, so two chars for a
 * surrogate pair). Chars that normalization adds, such as the spaces around a CJK ideograph, point at the code
 * point they were added for.
 */
record AlignedText(String text, int[] sourceStarts, int[] sourceEnds) {

    AlignedText {
        if (sourceStarts.length != text.length() || sourceEnds.length != text.length()) {
            throw new IllegalArgumentException("alignment of " + sourceStarts.length + "/" + sourceEnds.length
                    + " entries for a text of " + text.length() + " chars");
        }
    }

    /** Where the source of the normalized chars {@code [from, ...)} begins. */
    int sourceStart(int from) {
        return sourceStarts[from];
    }

    /** Where the source of the normalized chars {@code [..., toExclusive)} ends; {@code toExclusive > 0}. */
    int sourceEnd(int toExclusive) {
        return sourceEnds[toExclusive - 1];
    }
}
