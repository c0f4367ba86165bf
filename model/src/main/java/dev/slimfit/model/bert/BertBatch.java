package dev.slimfit.model.bert;

/**
 * A tokenised batch on the host: {@code batch × seq} int arrays in row-major order, as a tokenizer produces them.
 * {@code attentionMask} is 1 for real tokens and 0 for padding.
 */
public record BertBatch(int batch, int seq, int[] inputIds, int[] tokenTypeIds, int[] attentionMask) {

    public BertBatch {
        int n = batch * seq;
        if (batch <= 0 || seq <= 0) {
            throw new IllegalArgumentException("BertBatch: batch and seq must be positive, got " + batch + " × " + seq);
        }
        check("input_ids", inputIds, n, batch, seq);
        check("token_type_ids", tokenTypeIds, n, batch, seq);
        check("attention_mask", attentionMask, n, batch, seq);
    }

    private static void check(String field, int[] values, int n, int batch, int seq) {
        if (values == null || values.length != n) {
            throw new IllegalArgumentException("BertBatch: " + field + " has " + (values == null ? "no" : values.length)
                    + " entries for " + batch + " × " + seq);
        }
    }
}
