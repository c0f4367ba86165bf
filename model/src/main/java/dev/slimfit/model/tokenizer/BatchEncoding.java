package dev.slimfit.model.tokenizer;

import java.util.List;

/**
 * The encodings of a batch, in input order, with row-major flat arrays {@code [batch × sequenceLength]} for a
 * model once all rows have one length (pad the batch to get there).
 *
 * @param rows one encoding per input
 */
public record BatchEncoding(List<Encoding> rows) {

    public BatchEncoding {
        rows = List.copyOf(rows);
    }

    public int batchSize() {
        return rows.size();
    }

    public Encoding row(int index) {
        return rows.get(index);
    }

    /** The common length of all rows; 0 for an empty batch. */
    public int sequenceLength() {
        if (rows.isEmpty()) {
            return 0;
        }
        int length = rows.getFirst().length();
        for (int r = 1; r < rows.size(); r++) {
            if (rows.get(r).length() != length) {
                throw new IllegalStateException("batch rows differ in length (row 0: " + length + ", row " + r + ": "
                        + rows.get(r).length() + "); pad the batch (EncodeOptions.paddedToLongest) for flat arrays");
            }
        }
        return length;
    }

    public int[] flatIds() {
        return flatten(Field.IDS);
    }

    public int[] flatTypeIds() {
        return flatten(Field.TYPE_IDS);
    }

    public int[] flatAttentionMask() {
        return flatten(Field.ATTENTION_MASK);
    }

    private enum Field { IDS, TYPE_IDS, ATTENTION_MASK }

    private int[] flatten(Field field) {
        int length = sequenceLength();
        int[] flat = new int[Math.multiplyExact(rows.size(), length)];
        for (int r = 0; r < rows.size(); r++) {
            Encoding row = rows.get(r);
            int[] source = switch (field) {
                case IDS -> row.ids();
                case TYPE_IDS -> row.typeIds();
                case ATTENTION_MASK -> row.attentionMask();
            };
            System.arraycopy(source, 0, flat, r * length, length);
        }
        return flat;
    }
}
