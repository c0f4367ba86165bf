package dev.slimfit.train.data.squad;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The official SQuAD answer normalization, step by step as the evaluation scripts apply it: lowercase, remove ASCII
 * punctuation, replace the whole words "a", "an" and "the" by a space, collapse whitespace. "Word" and
 * "whitespace" follow Python's definitions (a word character is a letter, a number or '_'; whitespace includes the
 * no-break spaces), since the scripts are Python and their scores are what results are compared with.
 */
public final class AnswerNormalizer {

    /** Python's {@code string.punctuation}. */
    private static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final String[] ARTICLES = {"a", "an", "the"};

    private AnswerNormalizer() {
    }

    public static String normalize(String answer) {
        return String.join(" ", tokens(answer));
    }

    /** The normalized answer's words (what F1 counts). */
    public static List<String> tokens(String answer) {
        String lowered = answer.toLowerCase(Locale.ROOT);
        return splitOnWhitespace(removeArticles(removePunctuation(lowered)));
    }

    static String removePunctuation(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (ASCII_PUNCTUATION.indexOf(c) < 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Replaces every "a", "an" or "the" that stands between word boundaries by one space. */
    static String removeArticles(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int matched = boundaryBefore(text, i) ? articleAt(text, i) : 0;
            if (matched > 0) {
                out.append(' ');
                i += matched;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return out.toString();
    }

    /** The length of the article starting at {@code i} and ending at a word boundary, or 0. */
    private static int articleAt(String text, int i) {
        for (String article : ARTICLES) {
            int end = i + article.length();
            if (text.startsWith(article, i) && (end == text.length() || !isWordChar(text.codePointAt(end)))) {
                return article.length();
            }
        }
        return 0;
    }

    private static boolean boundaryBefore(String text, int i) {
        return i == 0 || !isWordChar(text.codePointBefore(i));
    }

    /** Python's {@code \w} on str: letters, numbers (decimal, letter and other numbers) and the underscore. */
    static boolean isWordChar(int cp) {
        if (cp == '_' || Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** Python's {@code str.split()}: runs of whitespace separate words; no empty words. */
    static List<String> splitOnWhitespace(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            if (isPythonWhitespace(text.charAt(i))) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    /**
     * Python's {@code str.isspace}: Java's whitespace plus the no-break spaces and NEL, which Java leaves out.
     * (Every such character is in the BMP, so a char test suffices.)
     */
    static boolean isPythonWhitespace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00A0' || c == '\u2007' || c == '\u202F';
    }
}
