package dev.slimfit.train.data.squad;

/**
 * One answer span of a context.
 *
 * @param text  the answer as written in the file
 * @param start where it begins in the context, as a Java string index (the file counts Unicode code points; the
 *              reader converts, which matters only for contexts holding characters outside the BMP)
 */
public record SquadAnswer(String text, int start) {

    /** Where it ends in the context (exclusive): the span is {@code [start, start + text.length())}. */
    public int end() {
        return start + text.length();
    }
}
