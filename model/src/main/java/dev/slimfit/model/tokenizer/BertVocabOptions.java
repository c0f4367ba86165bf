package dev.slimfit.model.tokenizer;

/**
 * What a bare vocab.txt does not say: the normalizer settings and the names of the special tokens. The defaults
 * are those of the uncased BERT models.
 *
 * @param lowercase              lowercase the input
 * @param stripAccents           strip accents; {@code null} follows {@code lowercase}
 * @param cleanText              remove control characters and normalise whitespace
 * @param handleChineseChars     make every CJK ideograph a word of its own
 * @param unkToken               the unknown token (must be in the vocabulary)
 * @param clsToken               the classification token opening every encoding (must be in the vocabulary)
 * @param sepToken               the separator after each sequence (must be in the vocabulary)
 * @param padToken               the padding token (must be in the vocabulary)
 * @param maskToken              the mask token, matched in the input like the others when in the vocabulary
 * @param continuingPrefix       prefix of word pieces that continue a word
 * @param maxInputCharsPerWord   longer words become the unknown token
 */
public record BertVocabOptions(boolean lowercase, Boolean stripAccents, boolean cleanText, boolean handleChineseChars,
                               String unkToken, String clsToken, String sepToken, String padToken, String maskToken,
                               String continuingPrefix, int maxInputCharsPerWord) {

    /** Longest word the uncased BERT models cut into pieces. */
    public static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

    public static BertVocabOptions uncased() {
        return new BertVocabOptions(true, null, true, true, "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", "##",
                DEFAULT_MAX_INPUT_CHARS_PER_WORD);
    }

    /** Cased BERT: no lowercasing and (following it) no accent stripping. */
    public static BertVocabOptions cased() {
        return uncased().withLowercase(false);
    }

    public BertVocabOptions withLowercase(boolean lower) {
        return new BertVocabOptions(lower, stripAccents, cleanText, handleChineseChars, unkToken, clsToken, sepToken,
                padToken, maskToken, continuingPrefix, maxInputCharsPerWord);
    }

    public BertVocabOptions withStripAccents(Boolean strip) {
        return new BertVocabOptions(lowercase, strip, cleanText, handleChineseChars, unkToken, clsToken, sepToken,
                padToken, maskToken, continuingPrefix, maxInputCharsPerWord);
    }

    BertNormalizer normalizer() {
        return BertNormalizer.of(cleanText, handleChineseChars, stripAccents, lowercase);
    }
}
