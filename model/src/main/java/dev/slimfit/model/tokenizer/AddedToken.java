package dev.slimfit.model.tokenizer;

/**
 * A token matched in the text before WordPiece runs (the special tokens such as "[CLS]" or "[MASK]", and any
 * token a tokenizer file adds): where its content occurs in the input it becomes this one id, whatever the
 * normalizer and the model would have made of it.
 *
 * @param content    the text to match
 * @param id         its id
 * @param singleWord match only where neither neighbour is a word character
 * @param lstrip     the match swallows the whitespace before it
 * @param rstrip     the match swallows the whitespace after it
 * @param normalized match in the normalized text (and normalize the content first) rather than in the raw input
 * @param special    a special token (skipped when decoding)
 */
public record AddedToken(String content, int id, boolean singleWord, boolean lstrip, boolean rstrip,
                         boolean normalized, boolean special) {

    public AddedToken {
        if (content.isEmpty()) {
            throw new IllegalArgumentException("added token with id " + id + " has empty content");
        }
        if (id < 0) {
            throw new IllegalArgumentException("added token '" + content + "' has negative id " + id);
        }
    }

    /** A special token matched verbatim in the raw input, as BERT's [CLS], [SEP], [PAD], [UNK] and [MASK] are. */
    public static AddedToken special(String content, int id) {
        return new AddedToken(content, id, false, false, false, false, true);
    }
}
