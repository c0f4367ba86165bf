package dev.slimfit.model.tokenizer;

/**
 * Greedy longest-match-first WordPiece: a word is cut, from its start, into the longest vocabulary entries,
 * every piece after the first looked up with the continuing-subword prefix ("##"). A word that cannot be cut
 * completely, or that is longer than {@code maxInputCharsPerWord} characters, becomes the unknown token as a
 * whole.
 *
 * @param vocabulary           the model's vocabulary
 * @param unkToken             the unknown token, present in the vocabulary
 * @param continuingPrefix     prefix of every piece that continues a word
 * @param maxInputCharsPerWord longest word (in Unicode code points) that is cut at all
 */
record WordPieceModel(Vocabulary vocabulary, String unkToken, String continuingPrefix, int maxInputCharsPerWord) {

    WordPieceModel {
        if (!vocabulary.contains(unkToken)) {
            throw new IllegalArgumentException("WordPiece: unknown token '" + unkToken + "' is not in the vocabulary");
        }
        if (maxInputCharsPerWord < 0) {
            throw new IllegalArgumentException("WordPiece: maxInputCharsPerWord " + maxInputCharsPerWord + " < 0");
        }
    }

    int unkId() {
        return vocabulary.id(unkToken);
    }

    /** Appends the ids of {@code word}'s pieces (or the unknown id) to {@code ids}. */
    void tokenize(String word, IntList ids) {
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            ids.add(unkId());
            return;
        }
        int firstPiece = ids.size();
        int longest = vocabulary.longestTokenChars();
        int start = 0;
        while (start < word.length()) {
            String prefix = start == 0 ? "" : continuingPrefix;
            // a candidate longer than the longest vocabulary entry cannot match: start the search below that
            int end = Math.min(word.length(), start + longest - prefix.length());
            if (end < word.length() && end > start && Character.isLowSurrogate(word.charAt(end))) {
                end--; // never cut a surrogate pair
            }
            int pieceId = -1;
            while (end > start) {
                pieceId = vocabulary.id(prefix.isEmpty() ? word.substring(start, end)
                        : prefix.concat(word.substring(start, end)));
                if (pieceId >= 0) {
                    break;
                }
                end -= Character.isLowSurrogate(word.charAt(end - 1)) && end - 2 >= start ? 2 : 1;
            }
            if (pieceId < 0) {
                ids.truncate(firstPiece);
                ids.add(unkId());
                return;
            }
            ids.add(pieceId);
            start = end;
        }
    }
}
