package dev.slimfit.model.tokenizer;

import java.util.Arrays;

/**
 * The tokens of one text with where each came from: token {@code i} has id {@code ids[i]} and covers the chars
 * {@code [starts[i], ends[i])} of the text (Java string indices, end exclusive). A piece of a word covers its own
 * chars; an unknown token covers its whole word; an added token covers what matched it. Accents and other
 * characters that normalization changed or removed are covered by the token of the character they belonged to.
 */
public record TokenOffsets(int[] ids, int[] starts, int[] ends) {

    public TokenOffsets {
        if (ids.length != starts.length || ids.length != ends.length) {
            throw new IllegalArgumentException("ids (" + ids.length + "), starts (" + starts.length + ") and ends ("
                    + ends.length + ") differ in length");
        }
    }

    public int size() {
        return ids.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenOffsets t && Arrays.equals(ids, t.ids) && Arrays.equals(starts, t.starts)
                && Arrays.equals(ends, t.ends);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(starts)) + Arrays.hashCode(ends);
    }

    @Override
    public String toString() {
        return "TokenOffsets[ids=" + Arrays.toString(ids) + ", starts=" + Arrays.toString(starts) + ", ends="
                + Arrays.toString(ends) + "]";
    }
}
