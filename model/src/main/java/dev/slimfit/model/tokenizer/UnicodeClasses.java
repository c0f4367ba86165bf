package dev.slimfit.model.tokenizer;

/**
 * The character classes BERT's normalizer and pre-tokenizer are defined with, as the Hugging Face tokenizers
 * library applies them. Categories come from the JDK's Unicode tables.
 *
 * <p>Known limit of parity: the Rust library takes the control, format, nonspacing-mark and punctuation
 * categories from a 2016 table (crate unicode_categories 0.1.1, Unicode 8.0: marks that Unicode 9.0 added, in
 * Adlam, Newa or Marchen, are missing from it) while the JDK follows a current Unicode version. A code point
 * assigned to one of those categories after Unicode 8.0, or moved between them since, is therefore classified
 * differently: 618 code points in all, in recent scripts and in the newest supplemental punctuation. Latin,
 * Greek, Cyrillic, Hebrew, Thai, CJK, Hangul, general punctuation, symbols and emoji are unaffected
 * (HuggingFaceParityTest sweeps those ranges code point by code point).
 */
final class UnicodeClasses {

    private UnicodeClasses() {
    }

    /**
     * The Unicode White_Space property (what Rust's {@code char::is_whitespace} tests), which, unlike
     * {@link Character#isWhitespace}, includes the no-break spaces and excludes the information separators
     * U+001C..U+001F.
     */
    static boolean isWhitespace(int cp) {
        if (cp < 0x80) {
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /**
     * A character BERT's clean-up removes: control (Cc), format (Cf) or private-use (Co), except tab, newline and
     * carriage return, which count as whitespace. A lone surrogate (possible in a Java string, impossible in a
     * Rust one, where it would arrive as U+FFFD and be removed) is removed as well.
     */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    /**
     * The CJK ideograph blocks BERT puts spaces around (Unified Ideographs, Extensions A to E and the
     * Compatibility Ideographs with their supplement). Hangul, Hiragana and Katakana are not included: those
     * scripts separate words with spaces.
     */
    static boolean isChineseIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /**
     * BERT's punctuation: every ASCII character that is neither a letter, a digit, a space nor a control (so
     * {@code $ + < = > ^ ` | ~} count, although Unicode files them as symbols), plus all Unicode punctuation
     * categories (Pc, Pd, Ps, Pe, Pi, Pf, Po).
     */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
                    || (cp >= 123 && cp <= 126);
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** Mn: the combining accents that accent stripping drops after canonical decomposition. */
    static boolean isNonspacingMark(int cp) {
        return cp >= 0x300 && Character.getType(cp) == Character.NON_SPACING_MARK;
    }

    /**
     * A "word" character in the sense of Unicode regular expressions' {@code \w} (alphabetic, marks, decimal
     * digits, connector punctuation, joiners): an added token marked single_word must not touch one.
     */
    static boolean isWordCharacter(int cp) {
        if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                 Character.DECIMAL_DIGIT_NUMBER, Character.CONNECTOR_PUNCTUATION -> true;
            default -> false;
        };
    }
}
