package dev.slimfit.model.tokenizer;

import java.util.function.Consumer;

/**
 * BERT's pre-tokenizer: splits text into words at whitespace (which is dropped) and makes every punctuation
 * character a word of its own, so "don't!" gives "don", "'", "t", "!".
 */
final class BertPreTokenizer {

    private BertPreTokenizer() {
    }

    /** Receives one word and the index in the split text where it starts. */
    @FunctionalInterface
    interface WordSink {
        void accept(String word, int start);
    }

    /** Hands each word of {@code text}, in order, to {@code words}; never an empty one. */
    static void split(String text, Consumer<String> words) {
        split(text, (word, start) -> words.accept(word));
    }

    /** Hands each word of {@code text} with its start index, in order, to {@code words}; never an empty one. */
    static void split(String text, WordSink words) {
        int wordStart = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean whitespace = UnicodeClasses.isWhitespace(cp);
            if (whitespace || UnicodeClasses.isPunctuation(cp)) {
                if (wordStart >= 0) {
                    words.accept(text.substring(wordStart, i), wordStart);
                    wordStart = -1;
                }
                if (!whitespace) {
                    words.accept(text.substring(i, next), i);
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            words.accept(text.substring(wordStart), wordStart);
        }
    }
}
