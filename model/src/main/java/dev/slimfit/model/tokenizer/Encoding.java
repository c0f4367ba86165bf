package dev.slimfit.model.tokenizer;

import java.util.Arrays;

/**
 * One encoded text (or pair): the three parallel arrays a BERT model takes.
 *
 * @param ids           token ids
 * @param typeIds       token type (segment) ids: 0 for the first sequence, 1 for the second
 * @param attentionMask 1 for real tokens, 0 for padding
 */
public record Encoding(int[] ids, int[] typeIds, int[] attentionMask) {

    public Encoding {
        if (ids.length != typeIds.length || ids.length != attentionMask.length) {
            throw new IllegalArgumentException("ids (" + ids.length + "), typeIds (" + typeIds.length
                    + ") and attentionMask (" + attentionMask.length + ") differ in length");
        }
    }

    public int length() {
        return ids.length;
    }

    /** Number of real (unpadded) tokens. */
    public int tokenCount() {
        int count = 0;
        for (int m : attentionMask) {
            count += m;
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
                && Arrays.equals(attentionMask, e.attentionMask);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds)) + Arrays.hashCode(attentionMask);
    }

    @Override
    public String toString() {
        return "Encoding[ids=" + Arrays.toString(ids) + ", typeIds=" + Arrays.toString(typeIds)
                + ", attentionMask=" + Arrays.toString(attentionMask) + "]";
    }
}
