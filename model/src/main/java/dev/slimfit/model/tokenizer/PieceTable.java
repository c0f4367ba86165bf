package dev.slimfit.model.tokenizer;

import java.util.Arrays;

/**
 * The vocabulary as WordPiece searches it: is {@code word[start, end)} a word-initial piece, or (prefixed with
 * "##") a continuing piece, and with which id? Two open-addressing hash tables keyed by character ranges, so
 * that a lookup builds no String; the caller passes the range's hash, which it computes incrementally for all
 * ends at once.
 *
 * <p>Exact reformulation of the plain lookups: the initial table holds every token (a word may itself start
 * with "##"), the continuing table holds every token that starts with the prefix, without it.
 */
final class PieceTable {

    private static final int EMPTY = -1;
    /** Keep tables at most half full: probe sequences stay short. */
    private static final int LOAD_FACTOR_INVERSE = 2;

    private final Table initial;
    private final Table continuing;

    PieceTable(Vocabulary vocabulary, String continuingPrefix) {
        int count = 0;
        int continuingCount = 0;
        for (int id = 0; id < vocabulary.idLimit(); id++) {
            String token = vocabulary.token(id);
            if (token != null) {
                count++;
                if (token.startsWith(continuingPrefix)) {
                    continuingCount++;
                }
            }
        }
        initial = new Table(count);
        continuing = new Table(continuingCount);
        for (int id = 0; id < vocabulary.idLimit(); id++) {
            String token = vocabulary.token(id);
            if (token != null) {
                initial.put(token, 0, id);
                if (token.startsWith(continuingPrefix)) {
                    continuing.put(token, continuingPrefix.length(), id);
                }
            }
        }
    }

    /** The hash of {@code text[start, end)} extended by one char, as a lookup expects it (String's polynomial). */
    static int extendHash(int hashSoFar, char next) {
        return 31 * hashSoFar + next;
    }

    /** The id of the piece {@code word[start, end)} whose hash is {@code hash}, or -1. */
    int initialId(String word, int start, int end, int hash) {
        return initial.get(word, start, end, hash);
    }

    /** The id of the continuing piece prefix + {@code word[start, end)}, or -1. */
    int continuingId(String word, int start, int end, int hash) {
        return continuing.get(word, start, end, hash);
    }

    /** One open-addressing table: keys back to back in one char array, linear probing. */
    private static final class Table {
        private final int[] slots;
        private final int mask;
        private final int[] keyStart;
        private final int[] keyLength;
        private final int[] keyHash;
        private final int[] ids;
        private char[] chars = new char[1024];
        private int charCount;
        private int size;

        Table(int capacity) {
            int slotCount = Integer.highestOneBit(Math.max(1, capacity * LOAD_FACTOR_INVERSE) - 1) << 1;
            slots = new int[Math.max(2, slotCount)];
            Arrays.fill(slots, EMPTY);
            mask = slots.length - 1;
            keyStart = new int[capacity];
            keyLength = new int[capacity];
            keyHash = new int[capacity];
            ids = new int[capacity];
        }

        void put(String token, int from, int id) {
            int length = token.length() - from;
            if (charCount + length > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + length));
            }
            int hash = 0;
            for (int i = from; i < token.length(); i++) {
                chars[charCount + i - from] = token.charAt(i);
                hash = extendHash(hash, token.charAt(i));
            }
            keyStart[size] = charCount;
            keyLength[size] = length;
            keyHash[size] = hash;
            ids[size] = id;
            int slot = spread(hash) & mask;
            while (slots[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = size;
            size++;
            charCount += length;
        }

        int get(String word, int start, int end, int hash) {
            int length = end - start;
            for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
                int entry = slots[slot];
                if (entry == EMPTY) {
                    return -1;
                }
                if (keyHash[entry] == hash && keyLength[entry] == length && sameChars(entry, word, start)) {
                    return ids[entry];
                }
            }
        }

        private boolean sameChars(int entry, String word, int start) {
            int at = keyStart[entry];
            for (int i = 0; i < keyLength[entry]; i++) {
                if (chars[at + i] != word.charAt(start + i)) {
                    return false;
                }
            }
            return true;
        }

        private static int spread(int hash) {
            return hash ^ (hash >>> 16);
        }
    }
}
