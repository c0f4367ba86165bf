package dev.slimfit.train.data.glue;

/**
 * What a loader does with a row it cannot read (wrong number of fields, unknown label): stop with an error naming
 * the file and line, or leave the row out and record that it did. Some distributed versions of GLUE files have such
 * rows (the first release of QQP had a few lines with a missing question); the reference readers drop them.
 */
public enum MalformedRows {
    /** Throw at the first malformed row. */
    REJECT,
    /** Leave malformed rows out, each listed in {@link GlueSplit#skippedRows()}. */
    SKIP
}
