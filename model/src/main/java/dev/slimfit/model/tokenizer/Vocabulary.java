package dev.slimfit.model.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * The token ↔ id table of a WordPiece model. Ids are small non-negative integers (a file's line numbers or its
 * vocab object's values); an id no token maps to (possible after duplicate lines in a vocab.txt) has no token.
 */
final class Vocabulary {

    private final Map<String, Integer> idsByToken;
    private final String[] tokensById;
    private final int longestTokenChars;

    /**
     * @param idsByToken token → id, every id in {@code [0, idLimit)}; checked by the file readers, which can name
     *                   the file in their errors
     * @param idLimit    one past the largest id
     */
    Vocabulary(Map<String, Integer> idsByToken, int idLimit) {
        this.idsByToken = new HashMap<>(idsByToken);
        this.tokensById = new String[idLimit];
        int longest = 0;
        for (Map.Entry<String, Integer> entry : idsByToken.entrySet()) {
            tokensById[entry.getValue()] = entry.getKey();
            longest = Math.max(longest, entry.getKey().length());
        }
        this.longestTokenChars = longest;
    }

    /** The id of {@code token}, or -1 when it is not in the vocabulary. */
    int id(String token) {
        Integer id = idsByToken.get(token);
        return id != null ? id : -1;
    }

    boolean contains(String token) {
        return idsByToken.containsKey(token);
    }

    /** The token with this id, or {@code null} when no token has it. */
    String token(int id) {
        return id >= 0 && id < tokensById.length ? tokensById[id] : null;
    }

    /** One past the largest id: the number of rows an embedding table for this vocabulary needs. */
    int idLimit() {
        return tokensById.length;
    }

    /** Length in UTF-16 chars of the longest token: a longer candidate cannot be in the vocabulary. */
    int longestTokenChars() {
        return longestTokenChars;
    }
}
