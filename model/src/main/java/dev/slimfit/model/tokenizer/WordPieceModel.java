package dev.slimfit.model.tokenizer;

/**
 * Greedy longest-match-first WordPiece: a word is cut, from its start, into the longest vocabulary entries,
 * every piece after the first looked up with the continuing-subword prefix ("##"). A word that cannot be cut
 * completely, or that is longer than {@code maxInputCharsPerWord} characters, becomes the unknown token as a
 * whole.
 */
final class WordPieceModel {

    private final Vocabulary vocabulary;
    private final int unkId;
    private final String continuingPrefix;
    private final int maxInputCharsPerWord;
    private final PieceTable pieces;

    /**
     * @param vocabulary           the model's vocabulary
     * @param unkToken             the unknown token, present in the vocabulary
     * @param continuingPrefix     prefix of every piece that continues a word
     * @param maxInputCharsPerWord longest word (in Unicode code points) that is cut at all
     */
    WordPieceModel(Vocabulary vocabulary, String unkToken, String continuingPrefix, int maxInputCharsPerWord) {
        if (!vocabulary.contains(unkToken)) {
            throw new IllegalArgumentException("WordPiece: unknown token '" + unkToken + "' is not in the vocabulary");
        }
        if (maxInputCharsPerWord < 0) {
            throw new IllegalArgumentException("WordPiece: maxInputCharsPerWord " + maxInputCharsPerWord + " < 0");
        }
        this.vocabulary = vocabulary;
        this.unkId = vocabulary.id(unkToken);
        this.continuingPrefix = continuingPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.pieces = new PieceTable(vocabulary, continuingPrefix);
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Appends the ids of {@code word}'s pieces (or the unknown id) to {@code ids}. */
    void tokenize(String word, IntList ids) {
        tokenize(word, ids, null);
    }

    /**
     * Appends the ids of {@code word}'s pieces (or the unknown id) to {@code ids} and, when {@code pieceEnds} is not
     * null, where each piece ends in the word (exclusive; the unknown token ends where the word does).
     */
    void tokenize(String word, IntList ids, IntList pieceEnds) {
        int firstPiece = ids.size();
        int firstEnd = pieceEnds == null ? 0 : pieceEnds.size();
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            addUnknown(word, ids, pieceEnds);
            return;
        }
        int longest = vocabulary.longestTokenChars();
        int[] hashes = new int[Math.min(word.length(), longest) + 1];
        int start = 0;
        while (start < word.length()) {
            boolean continuing = start > 0;
            // a candidate longer than the longest vocabulary entry cannot match: search from below that length
            int limit = Math.min(word.length(), start + longest - (continuing ? continuingPrefix.length() : 0));
            if (limit < word.length() && limit > start && Character.isLowSurrogate(word.charAt(limit))) {
                limit--; // never cut a surrogate pair
            }
            // hashes[k] = hash of word[start, start + k), for every candidate end at once
            for (int k = 0; start + k < limit; k++) {
                hashes[k + 1] = PieceTable.extendHash(hashes[k], word.charAt(start + k));
            }
            int end = limit;
            int pieceId = -1;
            while (end > start) {
                int hash = hashes[end - start];
                pieceId = continuing ? pieces.continuingId(word, start, end, hash)
                        : pieces.initialId(word, start, end, hash);
                if (pieceId >= 0) {
                    break;
                }
                end -= Character.isLowSurrogate(word.charAt(end - 1)) && end - 2 >= start ? 2 : 1;
            }
            if (pieceId < 0) {
                ids.truncate(firstPiece);
                if (pieceEnds != null) {
                    pieceEnds.truncate(firstEnd);
                }
                addUnknown(word, ids, pieceEnds);
                return;
            }
            ids.add(pieceId);
            if (pieceEnds != null) {
                pieceEnds.add(end);
            }
            start = end;
        }
    }

    private void addUnknown(String word, IntList ids, IntList pieceEnds) {
        ids.add(unkId);
        if (pieceEnds != null) {
            pieceEnds.add(word.length());
        }
    }
}
