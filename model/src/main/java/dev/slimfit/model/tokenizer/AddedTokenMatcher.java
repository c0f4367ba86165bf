package dev.slimfit.model.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds added tokens in a text and splits it around them: leftmost match first, and at one position the longest
 * pattern, scanning on after each match (a match rejected as not a single word is skipped, not retried shorter),
 * as the Hugging Face library does.
 */
final class AddedTokenMatcher {

    /**
     * A piece of the input: either plain text, or the text of one added token ({@code token} non-null);
     * {@code start} is where it begins in the split text (the pieces tile the text in order).
     */
    record Piece(String text, int start, AddedToken token) {
    }

    private final String[] patterns;
    private final AddedToken[] tokens;
    /** The distinct first chars of the patterns: the scan jumps from one occurrence of them to the next. */
    private final String firstChars;

    /**
     * @param patterns what to search for, one per token (the content, or its normalized form)
     * @param tokens   the token each pattern stands for
     */
    AddedTokenMatcher(List<String> patterns, List<AddedToken> tokens) {
        if (patterns.size() != tokens.size()) {
            throw new IllegalArgumentException(patterns.size() + " patterns for " + tokens.size() + " tokens");
        }
        this.patterns = patterns.toArray(String[]::new);
        this.tokens = tokens.toArray(AddedToken[]::new);
        StringBuilder first = new StringBuilder();
        for (String pattern : this.patterns) {
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("empty added-token pattern");
            }
            if (first.indexOf(pattern.substring(0, 1)) < 0) {
                first.append(pattern.charAt(0));
            }
        }
        this.firstChars = first.toString();
    }

    /** The pieces of {@code text} in order; plain pieces are never empty. */
    List<Piece> split(String text) {
        List<Piece> pieces = new ArrayList<>(1);
        int emitted = 0; // text before this index is in pieces already
        int scan = 0;
        while (scan < text.length()) {
            int matchStart = -1;
            int matchPattern = -1;
            for (int p = nextCandidate(text, scan); p >= 0 && matchStart < 0; p = nextCandidate(text, p + 1)) {
                for (int k = 0; k < patterns.length; k++) {
                    if (text.startsWith(patterns[k], p)
                            && (matchPattern < 0 || patterns[k].length() > patterns[matchPattern].length())) {
                        matchStart = p;
                        matchPattern = k;
                    }
                }
            }
            if (matchStart < 0) {
                break;
            }
            int matchEnd = matchStart + patterns[matchPattern].length();
            scan = matchEnd;
            AddedToken token = tokens[matchPattern];
            if (matchStart < emitted || (token.singleWord() && !standsAlone(text, matchStart, matchEnd))) {
                continue;
            }
            int start = token.lstrip() ? Math.max(emitted, whitespaceRunStart(text, matchStart)) : matchStart;
            int end = token.rstrip() ? whitespaceRunEnd(text, matchEnd) : matchEnd;
            if (emitted < start) {
                pieces.add(new Piece(text.substring(emitted, start), emitted, null));
            }
            pieces.add(new Piece(text.substring(start, end), start, token));
            emitted = end;
        }
        if (emitted < text.length()) {
            pieces.add(new Piece(emitted == 0 ? text : text.substring(emitted), emitted, null));
        }
        return pieces;
    }

    /** The first position at or after {@code from} where some pattern could start, or -1. */
    private int nextCandidate(String text, int from) {
        int first = -1;
        for (int i = 0; i < firstChars.length(); i++) {
            int at = text.indexOf(firstChars.charAt(i), from);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    private static boolean standsAlone(String text, int start, int end) {
        boolean wordBefore = start > 0 && UnicodeClasses.isWordCharacter(text.codePointBefore(start));
        boolean wordAfter = end < text.length() && UnicodeClasses.isWordCharacter(text.codePointAt(end));
        return !wordBefore && !wordAfter;
    }

    private static int whitespaceRunStart(String text, int index) {
        int i = index;
        while (i > 0) {
            int cp = text.codePointBefore(i);
            if (!UnicodeClasses.isWhitespace(cp)) {
                break;
            }
            i -= Character.charCount(cp);
        }
        return i;
    }

    private static int whitespaceRunEnd(String text, int index) {
        int i = index;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!UnicodeClasses.isWhitespace(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }
}
