package dev.slimfit.model.tokenizer;

import java.text.Normalizer;
import java.util.Arrays;

/**
 * BERT's text normalizer, the steps in the order the Hugging Face {@code BertNormalizer} applies them:
 * <ol>
 *   <li>clean text: drop NUL, U+FFFD and control/format/private-use characters; every whitespace becomes ' '</li>
 *   <li>Chinese characters: put a space on each side of every CJK ideograph, so that each is its own word</li>
 *   <li>strip accents: canonical decomposition (NFD), then drop the nonspacing marks (Mn)</li>
 *   <li>lowercase, character by character (full mapping: 'İ' becomes "i̇")</li>
 * </ol>
 *
 * @param cleanText          step 1
 * @param handleChineseChars step 2
 * @param stripAccents       step 3; {@code null} in a tokenizer file means "follow lowercase", resolved by
 *                           {@link #of}
 * @param lowercase          step 4
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** The only character whose lowercase is two characters; every other one maps to one code point. */
    private static final int CAPITAL_I_WITH_DOT_ABOVE = 0x130;
    private static final String LOWERCASE_I_WITH_DOT_ABOVE = "i\u0307";

    /** The settings of the uncased BERT models (and of all-MiniLM-L6-v2). */
    public static BertNormalizer uncased() {
        return new BertNormalizer(true, true, true, true);
    }

    /** Resolves a tokenizer file's {@code strip_accents: null} the way the library does: accents follow lowercase. */
    public static BertNormalizer of(boolean cleanText, boolean handleChineseChars, Boolean stripAccents,
                                    boolean lowercase) {
        return new BertNormalizer(cleanText, handleChineseChars, stripAccents != null ? stripAccents : lowercase,
                lowercase);
    }

    public String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        boolean allAscii = true;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || UnicodeClasses.isControl(cp)) {
                    continue;
                }
                if (UnicodeClasses.isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (cp >= 0x80) {
                allAscii = false;
            }
            if (handleChineseChars && UnicodeClasses.isChineseIdeograph(cp)) {
                out.append(' ').appendCodePoint(cp).append(' ');
            } else {
                out.appendCodePoint(cp);
            }
        }
        String cleaned = out.toString();
        if (allAscii) {
            // ASCII has nothing to decompose and lowercases one char at a time: the common case, kept cheap
            return lowercase ? asciiLowercase(cleaned) : cleaned;
        }
        String stripped = stripAccents ? dropNonspacingMarks(Normalizer.normalize(cleaned, Normalizer.Form.NFD))
                : cleaned;
        return lowercase ? lowercasePerCharacter(stripped) : stripped;
    }

    /**
     * The same text as {@link #normalize}, with the source range of every normalized char. Each source code point is
     * normalized on its own, which gives the same text as normalizing the whole: cleaning, CJK spacing and
     * lowercasing work per character, and the only reordering NFD does (of combining marks) concerns marks that
     * stripping accents removes anyway.
     */
    AlignedText normalizeAligned(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        int[] starts = new int[text.length() + 8];
        int[] ends = new int[starts.length];
        int length = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            String normalized = normalizeCodePoint(cp);
            out.append(normalized);
            if (length + normalized.length() > starts.length) {
                int capacity = Math.max(starts.length * 2, length + normalized.length());
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
            for (int k = 0; k < normalized.length(); k++) {
                starts[length] = i;
                ends[length] = next;
                length++;
            }
            i = next;
        }
        return new AlignedText(out.toString(), Arrays.copyOf(starts, length),
                Arrays.copyOf(ends, length));
    }

    /** What one code point of the source becomes (possibly nothing, possibly several chars). */
    private String normalizeCodePoint(int codePoint) {
        int cp = codePoint;
        if (cleanText) {
            if (cp == 0 || cp == 0xFFFD || UnicodeClasses.isControl(cp)) {
                return "";
            }
            if (UnicodeClasses.isWhitespace(cp)) {
                cp = ' ';
            }
        }
        String single = Character.toString(cp);
        if (handleChineseChars && UnicodeClasses.isChineseIdeograph(cp)) {
            return " " + single + " ";
        }
        if (cp < 0x80) {
            return lowercase ? asciiLowercase(single) : single;
        }
        String stripped = stripAccents ? dropNonspacingMarks(Normalizer.normalize(single, Normalizer.Form.NFD))
                : single;
        return lowercase ? lowercasePerCharacter(stripped) : stripped;
    }

    private static String dropNonspacingMarks(String decomposed) {
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (!UnicodeClasses.isNonspacingMark(cp)) {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /**
     * Lowercases each character on its own, as the library does; {@link String#toLowerCase} would instead apply
     * context rules (a word-final capital sigma becomes 'ς', not 'σ').
     */
    private static String lowercasePerCharacter(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == CAPITAL_I_WITH_DOT_ABOVE) {
                out.append(LOWERCASE_I_WITH_DOT_ABOVE);
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
        }
        return out.toString();
    }

    private static String asciiLowercase(String ascii) {
        char[] chars = ascii.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c >= 'A' && c <= 'Z') {
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return new String(chars);
    }
}
